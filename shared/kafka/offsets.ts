import type { Admin } from 'kafkajs';
import { KafkaUnavailableError } from '../errors';
import { retry } from '../retry';

/** Watermarks of one partition. */
export interface Watermarks {
  readonly partition: number;
  readonly low: number;
  readonly high: number;
}

/**
 * Low and high watermarks of every partition of a topic.
 *
 * @example
 * ```ts
 * const marks = await topicWatermarks(admin, 'ai.responses');
 * const size = marks.reduce((n, m) => n + m.high - m.low, 0);
 * ```
 */
export const topicWatermarks = (admin: Admin, topic: string): Promise<Watermarks[]> =>
  retry(
    async () => {
      try {
        const offsets = await admin.fetchTopicOffsets(topic);
        return offsets
          .map((o) => ({ partition: o.partition, low: Number(o.low), high: Number(o.high) }))
          .sort((a, b) => a.partition - b.partition);
      } catch (error) {
        // kafkajs 2.2.4 throws a TypeError when its cached metadata of a just-created
        // topic has no partitions yet: refresh that topic's metadata and ask again.
        if (!(error instanceof TypeError)) throw error;
        await admin.fetchTopicMetadata({ topics: [topic] });
        throw new KafkaUnavailableError(`no partition metadata for topic "${topic}" yet`, {
          cause: error,
        });
      }
    },
    {
      retries: 4,
      baseDelayMs: 100,
      maxDelayMs: 400,
      jitter: 0,
      shouldRetry: (error) => error instanceof KafkaUnavailableError,
    },
  );
