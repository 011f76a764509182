/**
 * Reading the dead-letter queue or its archive without moving anything:
 * a throw-away consumer group (read_committed, never committing, deleted
 * afterwards) reads given offset ranges with keys, values and headers.
 */
import { randomUUID } from 'node:crypto';
import type { Admin, IHeaders, Kafka } from 'kafkajs';
import { topicWatermarks } from '../kafka/offsets';
import { DLQ_SCAN_GROUP_PREFIX } from '../platform/queries';
import type { ConsumedRecord } from './record';

/** First/next offset to read and end (exclusive) of each partition. */
export interface DlqRange {
  readonly partition: number;
  readonly from: number;
  readonly to: number;
}

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
 * The whole retained range of every partition of a topic.
 *
 * @example
 * ```ts
 * const ranges = await wholeTopic(admin, 'dead.letter.archive');
 * ```
 */
export const wholeTopic = async (admin: Admin, topic: string): Promise<DlqRange[]> =>
  (await topicWatermarks(admin, topic)).map((m) => ({
    partition: m.partition,
    from: m.low,
    to: m.high,
  }));

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

/** A DLQ record as the analyses see it: position, time and decoded headers (never the payload). */
export interface DlqRecordView {
  readonly partition: number;
  readonly offset: number;
  /** Kafka timestamp of the DLQ record (when it was dead-lettered), epoch ms. */
  readonly timestamp: number;
  readonly headers: Readonly<Record<string, string>>;
}

const headerText = (headers: IHeaders | undefined): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) out[name] = first.toString();
  }
  return out;
};

/**
 * Reads the records of `ranges` from a topic ({@link scanRecords}) as
 * views: partition, offset, timestamp and headers as text, stopping at the
 * end of each range, after `maxRecords`, or after `timeoutMs`.
 *
 * @example
 * ```ts
 * const { records, truncated } = await readRange(kafka, admin, 'dead.letter.queue', ranges, 10_000, 10_000);
 * ```
 */
export const readRange = async (
  kafka: Kafka,
  admin: Admin,
  topic: string,
  ranges: readonly DlqRange[],
  maxRecords: number,
  timeoutMs: number,
): Promise<{ records: DlqRecordView[]; truncated: boolean }> => {
  const scan = await scanRecords(kafka, admin, topic, ranges, { maxRecords, timeoutMs });
  return {
    truncated: scan.truncated,
    records: scan.records.map((r) => ({
      partition: r.partition,
      offset: Number(r.offset),
      timestamp: Number(r.timestamp),
      headers: headerText(r.headers),
    })),
  };
};
