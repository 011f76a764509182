import * as z from 'zod';
import { LocalEnv, envShape, parseEnv } from '../../shared/platform/env';

/** API Gateway HTTP API's payload quota: 10 MB. */
export const API_GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;
/** API Gateway HTTP API's integration timeout: 30 s. */
export const API_GATEWAY_TIMEOUT_MS = 30_000;

export const gatewayEnvSchema = z
  .object(envShape(LocalEnv.ApiPort, LocalEnv.ApiHost))
  .transform((env) => ({ port: env.XSEVEN_API_PORT, host: env.XSEVEN_API_HOST }));

export type GatewayConfig = z.output<typeof gatewayEnvSchema>;

/**
 * Reads the local gateway's settings; a bad value throws a ConfigError naming the variable.
 *
 * @example
 * ```ts
 * loadGatewayConfig({ XSEVEN_API_PORT: '8001' }).port; // 8001
 * ```
 */
export const loadGatewayConfig = (
  env: Readonly<Record<string, string | undefined>> = process.env,
): GatewayConfig => parseEnv(gatewayEnvSchema, env);
