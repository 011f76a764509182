import * as z from 'zod';
import { parseEnv } from '../../shared/config/env';

/** API Gateway HTTP API's payload quota: 10 MB. */
export const API_GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;
/** API Gateway HTTP API's integration timeout: 30 s. */
export const API_GATEWAY_TIMEOUT_MS = 30_000;

export const gatewayEnvSchema = z
  .object({
    /** Port of the local API gateway (the seed's curl examples use 8000). */
    XSEVEN_API_PORT: z.coerce.number().int().min(0).max(65_535).default(8000),
    /** Interface it listens on. */
    XSEVEN_API_HOST: z.string().min(1).default('127.0.0.1'),
  })
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
