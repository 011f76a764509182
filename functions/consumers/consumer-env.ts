import * as z from 'zod';
import { lazy } from '../../shared/lazy';
import { ConsumerEnv, PlatformEnv, envShape, parseEnv } from '../../shared/platform/env';

/** Environment of a consumer function (all optional; the contract's {@link ConsumerEnv}). */
export const consumerEnvSchema = lazy(() =>
  z.object(
    envShape(
      ConsumerEnv.MaxRecordBytes,
      ConsumerEnv.ReserveMs,
      ConsumerEnv.HandledLog,
      ConsumerEnv.ConsumerName,
      // Validated with the rest, so every bad variable is reported at once (loadPlatform applies it).
      PlatformEnv.TopicPrefix,
    ),
  ),
);
export type ConsumerEnvironment = z.output<ReturnType<typeof consumerEnvSchema>>;

/**
 * Reads and validates the consumer environment.
 *
 * @example
 * ```ts
 * loadConsumerEnv({ XSEVEN_MAX_RECORD_BYTES: '65536' }).XSEVEN_MAX_RECORD_BYTES; // 65536
 * ```
 */
export const loadConsumerEnv = (
  env: Readonly<Record<string, string | undefined>> = process.env,
): ConsumerEnvironment => parseEnv(consumerEnvSchema(), env);
