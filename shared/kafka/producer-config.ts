import * as z from 'zod';
import { CompressionTypes } from 'kafkajs';
import { booleanFlagSchema, parseEnv } from '../config/env';

/** Compression codecs the producer can use (kafkajs bundles gzip only). */
export const ProducerCompression = { None: 'none', Gzip: 'gzip' } as const;
export type ProducerCompression = (typeof ProducerCompression)[keyof typeof ProducerCompression];

/** kafkajs codec of each {@link ProducerCompression}. */
export const COMPRESSION_CODEC: Readonly<Record<ProducerCompression, CompressionTypes>> = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
};

const UNBUNDLED_CODECS = ['snappy', 'lz4', 'zstd'];

const compressionSchema = z
  .string()
  .trim()
  .toLowerCase()
  .superRefine((value, ctx) => {
    if (value === 'none' || value === 'gzip') return;
    ctx.addIssue({
      code: 'custom',
      message: UNBUNDLED_CODECS.includes(value)
        ? `"${value}" needs a codec kafkajs does not bundle; use "gzip" or "none"`
        : `"${value}" is not a compression type; use "gzip" or "none"`,
    });
  })
  .transform((value) => value as ProducerCompression);

const acksSchema = z
  .enum(['all', '-1', '1', '0'])
  .transform((value): -1 | 0 | 1 =>
    value === 'all' || value === '-1' ? -1 : (Number(value) as 0 | 1),
  );

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/**
 * Producer settings: the seed's `KAFKA_PRODUCER_*` variables plus the
 * backoff bounds, the transactional id and the idempotence switch.
 * Read once per container (cold start), never per request.
 */
export const producerEnvSchema = z
  .object({
    /** `all` (default, required by idempotence), `1` or `0`. */
    KAFKA_PRODUCER_ACKS: acksSchema.default(-1),
    /** Retries of a failed send after the first attempt, with exponential backoff and jitter. */
    KAFKA_PRODUCER_RETRIES: int(0, 100).default(3),
    KAFKA_PRODUCER_RETRY_BACKOFF_MS: int(0, 60_000).default(100),
    KAFKA_PRODUCER_RETRY_MAX_BACKOFF_MS: int(0, 300_000).default(1000),
    /** No new send attempt starts this long after the first one (keeps a 503 inside API Gateway's 30 s). */
    KAFKA_PRODUCER_RETRY_DEADLINE_MS: int(0, 600_000).default(5000),
    /** Bytes of pending records that flush a lingering batch at once (at most 1,000,000: under the broker's 1 MiB message limit). */
    KAFKA_PRODUCER_BATCH_SIZE: int(1, 1_000_000).default(16_384),
    /** How long concurrent sends wait to be coalesced into one request (0 = send at once). */
    KAFKA_PRODUCER_LINGER_MS: int(0, 10_000).default(0),
    KAFKA_PRODUCER_COMPRESSION_TYPE: compressionSchema.default(ProducerCompression.Gzip),
    /** How long the broker may take to acknowledge a produce request. */
    KAFKA_PRODUCER_TIMEOUT_MS: int(100, 300_000).default(30_000),
    /** Idempotent producer (needs acks=all). @default true when acks=all */
    KAFKA_PRODUCER_IDEMPOTENT: booleanFlagSchema.optional(),
    /** Prefix of the transaction helper's transactional id (a UUID is appended per container). @default 'xseven-tx' */
    KAFKA_PRODUCER_TRANSACTIONAL_ID: z.string().min(1).max(249).optional(),
  })
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
    batchSizeBytes: env.KAFKA_PRODUCER_BATCH_SIZE,
    lingerMs: env.KAFKA_PRODUCER_LINGER_MS,
    compression: env.KAFKA_PRODUCER_COMPRESSION_TYPE,
    timeoutMs: env.KAFKA_PRODUCER_TIMEOUT_MS,
    transactionalId: env.KAFKA_PRODUCER_TRANSACTIONAL_ID,
  }));

/** Validated producer settings. */
export type ProducerConfig = z.output<typeof producerEnvSchema>;

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
): ProducerConfig => parseEnv(producerEnvSchema, env);
