import * as z from 'zod';
import { lazy } from '../lazy';
import { CompressionTypes } from 'kafkajs';
import { ProducerEnv, envShape, parseEnv } from '../platform/env';
import type { ProducerCompression } from '../platform/env';

/** kafkajs codec of each {@link ProducerCompression}. */
export const COMPRESSION_CODEC: Readonly<Record<ProducerCompression, CompressionTypes>> = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
  lz4: CompressionTypes.LZ4,
  snappy: CompressionTypes.Snappy,
};

/**
 * Producer settings (the contract's {@link ProducerEnv}): the seed's
 * `KAFKA_PRODUCER_*` variables plus the backoff bounds, the transactional id
 * and the idempotence switch. Read once per container (cold start), never
 * per request.
 */
export const producerEnvSchema = lazy(() =>
  z
    .object(
      envShape(
        ProducerEnv.Acks,
        ProducerEnv.Retries,
        ProducerEnv.RetryBackoffMs,
        ProducerEnv.RetryMaxBackoffMs,
        ProducerEnv.RetryDeadlineMs,
        ProducerEnv.DeliveryTimeoutMs,
        ProducerEnv.BatchSize,
        ProducerEnv.LingerMs,
        ProducerEnv.CompressionType,
        ProducerEnv.TimeoutMs,
        ProducerEnv.Idempotent,
        ProducerEnv.TransactionalId,
      ),
    )
    .superRefine((env, ctx) => {
      if (env.KAFKA_PRODUCER_IDEMPOTENT === true && env.KAFKA_PRODUCER_ACKS !== -1)
        ctx.addIssue({
          code: 'custom',
          path: ['KAFKA_PRODUCER_IDEMPOTENT'],
          message: 'an idempotent producer needs KAFKA_PRODUCER_ACKS=all',
        });
      if (env.KAFKA_PRODUCER_RETRY_MAX_BACKOFF_MS < env.KAFKA_PRODUCER_RETRY_BACKOFF_MS)
        ctx.addIssue({
          code: 'custom',
          path: ['KAFKA_PRODUCER_RETRY_MAX_BACKOFF_MS'],
          message: 'must not be below KAFKA_PRODUCER_RETRY_BACKOFF_MS',
        });
    })
    .transform((env) => ({
      acks: env.KAFKA_PRODUCER_ACKS,
      idempotent: env.KAFKA_PRODUCER_IDEMPOTENT ?? env.KAFKA_PRODUCER_ACKS === -1,
      retries: env.KAFKA_PRODUCER_RETRIES,
      retryBackoffMs: env.KAFKA_PRODUCER_RETRY_BACKOFF_MS,
      retryMaxBackoffMs: env.KAFKA_PRODUCER_RETRY_MAX_BACKOFF_MS,
      retryDeadlineMs: env.KAFKA_PRODUCER_RETRY_DEADLINE_MS,
      deliveryTimeoutMs: env.KAFKA_PRODUCER_DELIVERY_TIMEOUT_MS,
      batchSizeBytes: env.KAFKA_PRODUCER_BATCH_SIZE,
      lingerMs: env.KAFKA_PRODUCER_LINGER_MS,
      compression: env.KAFKA_PRODUCER_COMPRESSION_TYPE,
      timeoutMs: env.KAFKA_PRODUCER_TIMEOUT_MS,
      transactionalId: env.KAFKA_PRODUCER_TRANSACTIONAL_ID,
    })),
);

/** Validated producer settings. */
export type ProducerConfig = z.output<ReturnType<typeof producerEnvSchema>>;

/**
 * Reads and validates the producer settings from the environment; a bad
 * value throws a ConfigError naming the variable.
 *
 * @example
 * ```ts
 * const config = loadProducerConfig({ KAFKA_PRODUCER_COMPRESSION_TYPE: 'none' });
 * config.compression; // 'none'
 * config.acks; // -1 (all)
 * ```
 */
export const loadProducerConfig = (
  env: Readonly<Record<string, string | undefined>> = process.env,
): ProducerConfig => parseEnv(producerEnvSchema(), env);
