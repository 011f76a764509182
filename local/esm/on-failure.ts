import type { Logger } from '@aws-lambda-powertools/logger';
import { buildDlqMessage, recordHeaders } from '../../shared/dlq/dead-letter';
import type { OutgoingMessage, RecordSender } from '../../shared/kafka/records';
import type { ConsumerDefinition } from '../../shared/platform/schema';
import type { DiscardReason } from './delivery';
import type { PendingRecord } from './msk-event';
import { persistently } from './persist';

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
  /** The consumer's on-failure topic (`onFailureTopic`). */
  readonly topic: string;
  /** The mapping's consumer group. */
  readonly groupId: string;
  /** The ESM's producer (shared/kafka's KafkaProducer: acks=all, retries, metrics). */
  readonly producer: RecordSender;
  readonly logger: Logger;
  readonly signal: AbortSignal;
  readonly retryDelayMs?: number;
}

/**
 * The Kafka on-failure destination of a mapping (`onFailureTopic`, AWS's
 * `kafka://<topic>`): records given up are written there, retrying until
 * it succeeds or the ESM stops; their offsets are committed only after.
 * (Without an on-failure topic, the local folder standing in for the S3
 * bucket is used: local/esm/on-failure-folder.ts.)
 *
 * @example
 * ```ts
 * const discard = createDiscard({ consumer, topic: consumer.onFailureTopic, groupId, producer, logger, signal });
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
    const { consumer, logger, topic } = options;
    await persistently(
      async () => {
        const now = new Date();
        await options.producer.send(
          records.map((r) => ({
            topic,
            ...onFailureMessage(r, consumer, options.groupId, reason, error, now),
          })),
        );
      },
      {
        consumer: consumer.name,
        signal: options.signal,
        ...(options.retryDelayMs === undefined ? {} : { retryDelayMs: options.retryDelayMs }),
        onFailure: (writeError) =>
          logger.error('on-failure destination unwritable; retrying', {
            topic,
            error: (writeError as Error).message,
          }),
      },
    );
    logger.warn('records sent to the on-failure destination', {
      consumer: consumer.name,
      groupId: options.groupId,
      reason,
      error,
      records: records.map((r) => `${r.topic}-${r.partition}@${r.offset}`),
      topic,
    });
  };
