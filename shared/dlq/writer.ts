import type { RecordSender } from '../kafka/records';
import type { DlqDefinition } from '../platform/schema';
import { buildDlqMessage, deliveryAttempt } from './dead-letter';
import type { DeadLetter } from './dead-letter';
import { DlqWriteError } from './errors';
import { nextRetryTime, policyFor } from './retry-policy';
import type { RandomSource } from './retry-strategies';

/** Writes dead letters; resolves only when the broker has them all. */
export interface DlqWriter {
  readonly write: (letters: readonly DeadLetter[]) => Promise<void>;
}

/** Options of {@link createDlqWriter}. */
export interface DlqWriterOptions {
  /**
   * The producer (shared/kafka's KafkaProducer, with its retry policy and
   * metrics), reused across invocations. It must wait for every in-sync
   * replica (acks=all): a dead letter acknowledged by one broker only could
   * be lost with it.
   */
  readonly producer: RecordSender;
  /** The DLQ definition: topic and retry policy for the next-retry-time header. */
  readonly dlq: DlqDefinition;
  readonly random?: RandomSource;
}

/**
 * A DLQ writer: one send of every letter, with the next retry time its
 * policy gives. Any failure is a {@link DlqWriteError} naming how many
 * letters were not written.
 *
 * @example
 * ```ts
 * const writer = createDlqWriter({ producer: getDlqProducer(), dlq: platform.dlq });
 * await writer.write(letters);
 * ```
 */
export const createDlqWriter = (options: DlqWriterOptions): DlqWriter => ({
  write: async function writeDeadLetters(letters) {
    if (letters.length === 0) return;
    const topic = options.dlq.topic;
    const records = letters.map((letter) => {
      const policy = policyFor(options.dlq, {
        topic: letter.record.topic,
        category: letter.failure.category,
      });
      const attempt = deliveryAttempt(letter.record.headers);
      const nextRetryAt = nextRetryTime(policy, attempt, letter.failedAt, options.random);
      return {
        topic,
        ...buildDlqMessage(letter, nextRetryAt === undefined ? {} : { nextRetryAt }),
      };
    });
    try {
      await options.producer.send(records);
    } catch (error) {
      throw new DlqWriteError(
        `${letters.length} record(s) could not be written to ${topic}: ${(error as Error).message}`,
        { cause: error },
      );
    }
  },
});
