import type { IHeaders, Kafka } from 'kafkajs';
import { recordBytes } from './records';

/**
 * Reads a range of one partition without a trace: kafkajs has no
 * assign-style consumer, so the read joins a throw-away group (the caller
 * names it, under a prefix the IAM policy grants), never commits, and the
 * caller deletes the group afterwards. Other partitions of the topic start
 * at their end and are paused on their first batch, so only the asked
 * partition is fetched.
 */

/** A record as read, raw. */
export interface ReadRecord {
  readonly offset: string;
  /** Epoch milliseconds, as kafkajs gives it. */
  readonly timestamp: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: IHeaders;
}

/** Why a read stopped. */
export const ReadStop = {
  /** Every offset of the range was read. */
  End: 'end',
  Limit: 'limit',
  Bytes: 'bytes',
  Time: 'time',
} as const;
export type ReadStop = (typeof ReadStop)[keyof typeof ReadStop];

/** What to read and the bounds of the read. */
export interface PartitionRead {
  readonly topic: string;
  readonly partition: number;
  /** First offset to read. */
  readonly from: number;
  /** End of the range, exclusive (at most the high watermark). */
  readonly to: number;
  readonly groupId: string;
  readonly maxRecords: number;
  /** Keys, values and headers together; the first record is always returned. */
  readonly maxBytes: number;
  readonly timeoutMs: number;
}

/**
 * Reads `[from, to)` of one partition (read_committed: what consumers see;
 * aborted records and transaction markers leave gaps in the offsets),
 * stopping at the end of the range, after `maxRecords`, before `maxBytes`
 * or at `timeoutMs`, whichever comes first.
 *
 * @example
 * ```ts
 * const { records, stoppedBy } = await readPartition(kafka, { topic: 'orders', partition: 0, from: 0, to: 20, groupId: 'browse-1', maxRecords: 20, maxBytes: 1 << 20, timeoutMs: 8000 });
 * ```
 */
export const readPartition = async (
  kafka: Kafka,
  read: PartitionRead,
): Promise<{ records: ReadRecord[]; stoppedBy: ReadStop }> => {
  const records: ReadRecord[] = [];
  if (read.from >= read.to) return { records, stoppedBy: ReadStop.End };
  const consumer = kafka.consumer({
    groupId: read.groupId,
    allowAutoTopicCreation: false,
    maxWaitTimeInMs: 250,
    readUncommitted: false,
    maxBytesPerPartition: Math.max(read.maxBytes, 64 * 1024),
    // A read is one answer: a consumer that crashes (or is disconnected while it joins, when the
    // time bound ends the read) must not restart itself later, after the answer was given.
    retry: { restartOnFailure: () => Promise.resolve(false) },
  });
  let stoppedBy: ReadStop = ReadStop.Time;
  let bytes = 0;
  let running: Promise<void> = Promise.resolve();
  try {
    await consumer.connect();
    await consumer.subscribe({ topic: read.topic, fromBeginning: false });
    await new Promise<void>((resolve, reject) => {
      let done = false;
      const finish = (why: ReadStop): void => {
        if (done) return;
        done = true;
        stoppedBy = why;
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => finish(ReadStop.Time), read.timeoutMs);
      // Batches of transaction markers only never reach eachBatch: follow them here.
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
        if (payload.partition === read.partition && Number(payload.lastOffset) + 1 >= read.to)
          finish(ReadStop.End);
      });
      running = consumer.run({
        autoCommit: false,
        eachBatch: async function readBatch({ batch, pause }) {
          if (batch.topic !== read.topic || batch.partition !== read.partition) {
            pause();
            return;
          }
          for (const message of batch.messages) {
            if (done) return;
            const offset = Number(message.offset);
            if (offset < read.from) continue;
            if (offset >= read.to) return finish(ReadStop.End);
            const record: ReadRecord = {
              offset: message.offset,
              timestamp: message.timestamp,
              key: message.key ?? null,
              value: message.value,
              headers: message.headers ?? {},
            };
            const size = recordBytes(record);
            if (records.length > 0 && bytes + size > read.maxBytes) return finish(ReadStop.Bytes);
            records.push(record);
            bytes += size;
            if (records.length >= read.maxRecords) return finish(ReadStop.Limit);
          }
        },
      });
      running
        .then(() => {
          if (!done)
            consumer.seek({
              topic: read.topic,
              partition: read.partition,
              offset: String(read.from),
            });
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
    // A read cut by its time bound can end while the consumer is still joining: let that
    // settle too, so nothing of this read runs on after it answered.
    await running.catch(() => undefined);
  }
  return { records, stoppedBy };
};
