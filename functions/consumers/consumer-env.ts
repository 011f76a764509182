import * as z from 'zod';
import { parseEnv } from '../../shared/config/env';
import { DEFAULT_MAX_RECORD_BYTES } from '../../shared/consumer/parse-event';

/** Environment of a consumer function (all optional). */
export const consumerEnvSchema = z.object({
  /** Largest record value accepted; larger records are dead-lettered as deserialization failures. */
  XSEVEN_MAX_RECORD_BYTES: z.coerce.number().int().min(1).default(DEFAULT_MAX_RECORD_BYTES),
  /** Milliseconds kept back from the remaining time for the DLQ write and the response. */
  XSEVEN_CONSUMER_RESERVE_MS: z.coerce.number().int().min(0).default(1_000),
  /** Local journal: a file to which the ids of processed events are appended ("<consumer> <id>"). */
  XSEVEN_HANDLED_LOG: z.string().min(1).optional(),
  XSEVEN_TOPIC_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9._-]*$/)
    .default(''),
});
export type ConsumerEnv = z.output<typeof consumerEnvSchema>;

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
): ConsumerEnv => parseEnv(consumerEnvSchema, env);
