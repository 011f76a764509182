import * as z from 'zod';
import { LocalEnv, envShape, parseEnv } from '../../shared/platform/env';
import type { GatewayAuth } from './auth';

/** API Gateway HTTP API's payload quota: 10 MB. */
export const API_GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;
/** API Gateway HTTP API's integration timeout: 30 s. */
export const API_GATEWAY_TIMEOUT_MS = 30_000;

export const gatewayEnvSchema = z
  .object(
    envShape(
      LocalEnv.ApiPort,
      LocalEnv.ApiHost,
      LocalEnv.ApiAuth,
      LocalEnv.ApiToken,
      LocalEnv.ApiPublishToken,
      LocalEnv.AllowUnauthenticatedMutations,
      LocalEnv.ApiHeadersTimeoutMs,
      LocalEnv.ApiRequestTimeoutMs,
      LocalEnv.ApiKeepAliveTimeoutMs,
      LocalEnv.ApiMaxConnections,
    ),
  )
  .superRefine((env, ctx) => {
    // node:http refuses a headers timeout above the request timeout.
    if (env.XSEVEN_API_HEADERS_TIMEOUT_MS > env.XSEVEN_API_REQUEST_TIMEOUT_MS)
      ctx.addIssue({
        code: 'custom',
        path: [LocalEnv.ApiHeadersTimeoutMs.name],
        message: `must not exceed ${LocalEnv.ApiRequestTimeoutMs.name}`,
      });
    if (env.XSEVEN_API_PUBLISH_TOKEN === undefined) return;
    if (env.XSEVEN_API_TOKEN === undefined)
      ctx.addIssue({
        code: 'custom',
        path: [LocalEnv.ApiPublishToken.name],
        message: `needs ${LocalEnv.ApiToken.name} (the operator's token) too`,
      });
    else if (env.XSEVEN_API_PUBLISH_TOKEN === env.XSEVEN_API_TOKEN)
      ctx.addIssue({
        code: 'custom',
        path: [LocalEnv.ApiPublishToken.name],
        message: `must differ from ${LocalEnv.ApiToken.name}`,
      });
  })
  .transform((env) => ({
    port: env.XSEVEN_API_PORT,
    host: env.XSEVEN_API_HOST,
    auth: {
      mode: env.XSEVEN_API_AUTH,
      allowUnauthenticatedMutations: env.XSEVEN_ALLOW_UNAUTHENTICATED_MUTATIONS,
      ...(env.XSEVEN_API_TOKEN === undefined ? {} : { operatorToken: env.XSEVEN_API_TOKEN }),
      ...(env.XSEVEN_API_PUBLISH_TOKEN === undefined
        ? {}
        : { publishToken: env.XSEVEN_API_PUBLISH_TOKEN }),
    } satisfies GatewayAuth,
    limits: {
      headersTimeoutMs: env.XSEVEN_API_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: env.XSEVEN_API_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: env.XSEVEN_API_KEEP_ALIVE_TIMEOUT_MS,
      maxConnections: env.XSEVEN_API_MAX_CONNECTIONS,
    },
  }));

export type GatewayConfig = z.output<typeof gatewayEnvSchema>;

/**
 * Reads the local gateway's settings; a bad value throws a ConfigError naming the variable.
 *
 * @example
 * ```ts
 * loadGatewayConfig({ XSEVEN_API_PORT: '8001' }).port; // 8001
 * loadGatewayConfig({ XSEVEN_API_AUTH: 'jwt' }).auth.mode; // 'jwt'
 * ```
 */
export const loadGatewayConfig = (
  env: Readonly<Record<string, string | undefined>> = process.env,
): GatewayConfig => parseEnv(gatewayEnvSchema, env);

/** The gateway's defences against slow and greedy clients. */
export type ConnectionLimits = GatewayConfig['limits'];

/** The defaults of {@link ConnectionLimits}, as the environment contract sets them. */
export const defaultConnectionLimits = (): ConnectionLimits => loadGatewayConfig({}).limits;
