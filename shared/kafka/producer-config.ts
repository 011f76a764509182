import * as z from 'zod';
import { lazy } from '../lazy';
import type { CompressionTypes } from 'kafkajs';
import { kafkajs } from './kafkajs';
import { ProducerEnv, envShape, parseEnv, refineWith } from '../platform/env';
import type { EnvProblem, EnvShape } from '../platform/env';
import type { ProducerCompression } from '../platform/env';

const compressionCodecs = lazy((): Readonly<Record<ProducerCompression, CompressionTypes>> => {
  const { CompressionTypes: codec } = kafkajs();
  return { none: codec.None, gzip: codec.GZIP, lz4: codec.LZ4, snappy: codec.Snappy };
});

/**
 * The kafkajs codec of a {@link ProducerCompression} (read at send time:
 * kafkajs is loaded by then).
 *
 * @example
 * ```ts
 * compressionCodec('gzip'); // CompressionTypes.GZIP
 * ```
 */
export const compressionCodec = (compression: ProducerCompression): CompressionTypes =>
  compressionCodecs()[compression];

/** The variables the producer's rules across variables read. */
export const PRODUCER_RULE_VARIABLES = [
  ProducerEnv.Acks,
  ProducerEnv.Idempotent,
  ProducerEnv.RetryBackoffMs,
  ProducerEnv.RetryMaxBackoffMs,
] as const;
type ProducerRuleInput = z.output<z.ZodObject<EnvShape<typeof PRODUCER_RULE_VARIABLES>>>;

/** An idempotent producer needs acks=all; the backoff's bounds are ordered. */
const producerProblems = (env: ProducerRuleInput): EnvProblem[] => {
  const problems: EnvProblem[] = [];
  if (env.KAFKA_PRODUCER_IDEMPOTENT === true && env.KAFKA_PRODUCER_ACKS !== -1)
    problems.push({
      variable: 'KAFKA_PRODUCER_IDEMPOTENT',
      message: 'an idempotent producer needs KAFKA_PRODUCER_ACKS=all',
    });
  if (env.KAFKA_PRODUCER_RETRY_MAX_BACKOFF_MS < env.KAFKA_PRODUCER_RETRY_BACKOFF_MS)
    problems.push({
      variable: 'KAFKA_PRODUCER_RETRY_MAX_BACKOFF_MS',
      message: 'must not be below KAFKA_PRODUCER_RETRY_BACKOFF_MS',
    });
  return problems;
};

/**
 * The problems of the producer's rules across variables, from the values of
 * (at least) {@link PRODUCER_RULE_VARIABLES} as their own schemas parse them
 * (see `connectionRuleProblems`).
 *
 * @example
 * ```ts
 * producerRuleProblems({ KAFKA_PRODUCER_ACKS: 1, KAFKA_PRODUCER_IDEMPOTENT: true }); // one problem
 * ```
 */
export const producerRuleProblems = (values: Readonly<Record<string, unknown>>): EnvProblem[] =>
  // Parsed by these variables' own schemas: the values have the rule input's types.
  producerProblems(values as ProducerRuleInput);

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
    .superRefine(refineWith(producerProblems))
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
