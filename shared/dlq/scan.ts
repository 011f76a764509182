/**
 * Reading the dead-letter queue or its archive without moving anything:
 * a throw-away consumer group (read_committed, never committing, deleted
 * afterwards) reads given offset ranges with keys, values and headers.
 */
import { randomUUID } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';
import type { ConsumedRecord } from './record';

/** First/next offset to read and end (exclusive) of each partition. */
export interface DlqRange {
  readonly partition: number;
  readonly from: number;
  readonly to: number;
}

/**
 * Prefix of the throw-away consumer groups the DLQ scans use (never
 * committed, deleted after each scan). Infra grants access to groups with
 * this prefix to the functions that scan.
 */
export const DLQ_SCAN_GROUP_PREFIX = 'xseven-management-dlq-scan-';

/** A record read by a scan, with its partition. */
export interface ScannedRecord extends ConsumedRecord {
  readonly partition: number;
}

/** Options of {@link scanRecords}. */
export interface ScanOptions {
  readonly maxRecords: number;
  readonly timeoutMs: number;
}

/**
 * The whole retained, committed range of every partition of a topic.
 *
 * @example
 * ```ts
 * const ranges = await wholeTopic(admin, 'dead.letter.archive');
 * ```
 */
export const wholeTopic = async (admin: Admin, topic: string): Promise<DlqRange[]> =>
  (await admin.fetchTopicOffsets(topic)).map((m) => ({
    partition: m.partition,
    from: Number(m.low),
    to: Number(m.high),
  }));

/**
 * The records of the DLQ the retry function has not moved yet: from its
 * group's committed offset (or the log start) to the end.
 *
 * @example
 * ```ts
 * const ranges = await pendingDlqRanges(admin, platform.dlq);
 * ```
 */
export const pendingDlqRanges = async (
  admin: Admin,
  dlq: { readonly topic: string; readonly consumerGroupId: string },
): Promise<DlqRange[]> => {
  const [ranges, committed] = await Promise.all([
    wholeTopic(admin, dlq.topic),
    admin.fetchOffsets({ groupId: dlq.consumerGroupId, topics: [dlq.topic] }),
  ]);
  const byPartition = new Map(
    (committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]),
  );
  return ranges.map((r) => ({
    ...r,
    from: Math.min(Math.max(byPartition.get(r.partition) ?? -1, r.from), r.to),
  }));
};

/**
 * Reads the records of `ranges` from `topic` (read_committed), stopping at
 * the end of every range, after `maxRecords` (truncated) or after
 * `timeoutMs` (truncated).
 *
 * @example
 * ```ts
 * const { records, truncated } = await scanRecords(kafka, admin, 'dead.letter.archive', ranges, { maxRecords: 1000, timeoutMs: 10_000 });
 * ```
 */
export const scanRecords = async (
  kafka: Kafka,
  admin: Admin,
  topic: string,
  ranges: readonly DlqRange[],
  options: ScanOptions,
): Promise<{ records: ScannedRecord[]; truncated: boolean }> => {
  const todo = new Map(ranges.filter((r) => r.from < r.to).map((r) => [r.partition, r]));
  const records: ScannedRecord[] = [];
  if (todo.size === 0) return { records, truncated: false };
  const groupId = `${DLQ_SCAN_GROUP_PREFIX}${randomUUID()}`;
  const consumer = kafka.consumer({
    groupId,
    allowAutoTopicCreation: false,
    maxWaitTimeInMs: 250,
    readUncommitted: false,
  });
  let truncated = false;
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        truncated = true;
        resolve();
      }, options.timeoutMs);
      const finish = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const markRead = (partition: number, lastOffset: number): void => {
        const range = todo.get(partition);
        if (range !== undefined && lastOffset + 1 >= range.to) todo.delete(partition);
        if (todo.size === 0) finish();
      };
      // Batches of transaction markers only never reach eachBatch: follow them here.
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) =>
        markRead(payload.partition, Number(payload.lastOffset)),
      );
      consumer
        .run({
          autoCommit: false,
          eachBatch: async function scanBatch({ batch }) {
            const range = todo.get(batch.partition);
            if (range === undefined) return;
            for (const message of batch.messages) {
              const offset = Number(message.offset);
              if (offset < range.from) continue;
              if (offset >= range.to) break;
              if (records.length >= options.maxRecords) {
                truncated = true;
                finish();
                return;
              }
              records.push({
                partition: batch.partition,
                key: message.key,
                value: message.value,
                offset: message.offset,
                timestamp: message.timestamp,
                headers: message.headers,
              });
            }
            markRead(batch.partition, Number(batch.lastOffset()));
          },
        })
        .then(() => {
          for (const r of todo.values())
            consumer.seek({ topic, partition: r.partition, offset: String(r.from) });
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
    await admin.deleteGroups([groupId]).catch(() => undefined);
  }
  return { records, truncated };
};
