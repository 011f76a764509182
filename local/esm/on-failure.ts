import type { Logger } from '@aws-lambda-powertools/logger';
import { buildDlqMessage, recordHeaders } from '../../shared/dlq/dead-letter';
import type { OutgoingMessage, RecordSender } from '../../shared/kafka/records';
import type { ConsumerDefinition } from '../../shared/platform/schema';
import type { DiscardReason } from './delivery';
import type { PendingRecord } from './msk-event';

/** Header naming why the ESM gave a record up ({@link DiscardReason}). */
export const ESM_DISCARD_REASON_HEADER = 'xseven-esm-discard-reason';

/**
 * The message the ESM writes to its on-failure topic for a record it gave
 * up: the dead-letter record of shared/dlq (original key, value and
 * headers, where it came from, the error), plus why the ESM gave it up.
 *
 * @example
 * ```ts
 * await producer.send(records.map((r) => ({ topic, ...onFailureMessage(r, consumer, groupId, reason, error, now) })));
 * ```
 */
export const onFailureMessage = (
  record: PendingRecord,
  consumer: ConsumerDefinition,
  groupId: string,
  reason: DiscardReason,
  error: string,
  now: Date,
): OutgoingMessage =>
  buildDlqMessage(
    {
      record: { ...record, headers: recordHeaders(record.headers) },
      failure: { message: error },
      consumerGroup: groupId,
      functionName: consumer.name,
      failedAt: now,
    },
    { extraHeaders: { [ESM_DISCARD_REASON_HEADER]: reason } },
  );

/** What {@link createDiscard} needs. */
export interface DiscardOptions {
  readonly consumer: ConsumerDefinition;
  /** The mapping's consumer group. */
  readonly groupId: string;
  /** The ESM's producer (shared/kafka's KafkaProducer: acks=all, retries, metrics). */
  readonly producer: RecordSender;
  readonly logger: Logger;
  readonly signal: AbortSignal;
  readonly retryDelayMs?: number;
}

/**
 * What the ESM does with records it gives up: with an on-failure topic, write
 * them there (retrying until it succeeds or the ESM stops: the offsets are
 * committed only after); without one, AWS drops them, and so do we, loudly.
 *
 * @example
 * ```ts
 * const discard = createDiscard({ consumer, groupId, producer, logger, signal });
 * await discard(records, 'retries_exhausted', 'boom');
 * ```
 */
export const createDiscard =
  (options: DiscardOptions) =>
  async (
    records: readonly PendingRecord[],
    reason: DiscardReason,
    error: string,
  ): Promise<void> => {
    const { consumer, logger } = options;
    const topic = consumer.onFailureTopic;
    const summary = {
      consumer: consumer.name,
      groupId: options.groupId,
      reason,
      error,
      records: records.map((r) => `${r.topic}-${r.partition}@${r.offset}`),
    };
    if (topic === undefined) {
      logger.error('records discarded (no on-failure destination)', summary);
      return;
    }
    for (;;) {
      try {
        const now = new Date();
        await options.producer.send(
          records.map((r) => ({
            topic,
            ...onFailureMessage(r, consumer, options.groupId, reason, error, now),
          })),
        );
        logger.warn('records sent to the on-failure destination', { ...summary, topic });
        return;
      } catch (writeError) {
        if (options.signal.aborted) throw writeError;
        logger.error('on-failure destination unwritable; retrying', {
          topic,
          error: (writeError as Error).message,
        });
        await new Promise((resolve) => setTimeout(resolve, options.retryDelayMs ?? 1_000));
      }
    }
  };
