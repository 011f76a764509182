import type { ICustomPartitioner, PartitionMetadata } from 'kafkajs';
import { kafkajs } from './kafkajs';
import { murmur2 } from './murmur2';
import { ProducerSendError } from './producer-errors';
import { recordsBytes } from './records';
import type { OutgoingRecord } from './records';

/**
 * Per-partition sending (issue #15). kafkajs steps a partition's idempotent
 * sequence number back after a failed produce request by a plain
 * subtraction (src/producer/sendMessages.js): with two requests to one
 * partition in flight, a failure makes the next request reuse sequence
 * numbers the broker already stored, and the broker answers "duplicate"
 * without writing it. One request in flight per partition keeps the
 * sequence exact, so a failed request re-sent on the same producer id
 * carries the same sequence numbers and Kafka deduplicates it if the first
 * one was written after all.
 */

/** A job of a lane, as its caller sees it. */
export interface LaneJob<T> {
  /** Settles with the work's result once it ran (never if it was cancelled first). */
  readonly result: Promise<T>;
  /** Cancels the job if it has not started; whether it was cancelled (then its work never runs). */
  readonly cancel: () => boolean;
}

/** When a lane's records were handed over, and until when they may be tried. */
export interface LaneTiming {
  readonly started: number;
  readonly deadlineAt: number;
}

/** Sends a partition's records in one request (with its retries); resolves with the first one's offset. */
export type LaneSend = (records: readonly OutgoingRecord[], timing: LaneTiming) => Promise<string>;

interface Part {
  readonly records: readonly OutgoingRecord[];
  readonly timing: LaneTiming;
  readonly send: LaneSend;
  readonly resolve: (baseOffset: string) => void;
  readonly reject: (error: unknown) => void;
  state: 'queued' | 'started' | 'cancelled';
}

interface Lane {
  running: boolean;
  readonly queue: Part[];
}

/** The offset of the record `n` records after `base` (`-1` stays `-1`: acks=0 gets no offsets). */
const offsetAfter = (base: string, n: number): string =>
  n === 0 || base === '-1' ? base : (BigInt(base) + BigInt(n)).toString();

/**
 * One produce request at a time per key (a topic-partition), in the order
 * queued. Records queued behind a request in flight go together in the
 * next one, up to `batchBytes` (as the Java client's batches fill while a
 * request is out): under concurrent publishing a partition gets one
 * request per round trip, not one per call (issue #13 item 2). Each caller gets the offset of its own first
 * record. When Kafka refuses a joined request for good (a record it will
 * not take: nothing of it was written), each part is sent again on its
 * own, so one caller's bad record never fails another's. A part queued
 * behind a stuck request can be cancelled before it starts; a lane is held
 * until its request settles, even when its callers gave up waiting.
 *
 * @example
 * ```ts
 * const lanes = new ProducerLanes(MAX_RECORD_BYTES);
 * const job = lanes.run('orders\u00000', records, { started, deadlineAt }, sendPartition);
 * const baseOffset = await job.result;
 * ```
 */
export class ProducerLanes {
  private readonly lanes = new Map<string, Lane>();
  private readonly batchBytes: number;

  public constructor(batchBytes: number) {
    this.batchBytes = batchBytes;
  }

  /** Queues `records` on the lane of `key`; `send` sends them (with any joined to them). */
  public run(
    key: string,
    records: readonly OutgoingRecord[],
    timing: LaneTiming,
    send: LaneSend,
  ): LaneJob<string> {
    let lane = this.lanes.get(key);
    if (lane === undefined) {
      lane = { running: false, queue: [] };
      this.lanes.set(key, lane);
    }
    let part: Part | undefined;
    const result = new Promise<string>((resolve, reject) => {
      part = { records, timing, send, resolve, reject, state: 'queued' };
    });
    const queued = part as Part;
    lane.queue.push(queued);
    if (!lane.running) {
      lane.running = true;
      // Started in a promise callback: the other partitions of the call (and
      // of calls made meanwhile) are queued by then, and share a request
      // (producer-requests.ts).
      const started = lane;
      void Promise.resolve().then(() => this.next(key, started));
    }
    return {
      result,
      cancel: () => {
        if (queued.state !== 'queued') return false;
        queued.state = 'cancelled';
        return true;
      },
    };
  }

  /** Keys with a request in flight or queued. */
  public get busy(): number {
    return this.lanes.size;
  }

  /** Sends what is queued on `lane`, then the lane's next request, until it is empty. */
  private async next(key: string, lane: Lane): Promise<void> {
    for (;;) {
      const parts = this.take(lane);
      if (parts.length === 0) {
        lane.running = false;
        this.lanes.delete(key);
        return;
      }
      await this.send(parts);
    }
  }

  /** The queued parts of the next request: the first, then the next ones while they fit. */
  private take(lane: Lane): Part[] {
    const parts: Part[] = [];
    let bytes = 0;
    while (lane.queue.length > 0) {
      const part = lane.queue[0] as Part;
      if (part.state === 'cancelled') {
        lane.queue.shift();
        continue;
      }
      if (parts.length > 0) {
        const size = recordsBytes(part.records);
        if (bytes + size > this.batchBytes) break;
        bytes += size;
      } else bytes = lane.queue.length > 1 ? recordsBytes(part.records) : 0;
      lane.queue.shift();
      part.state = 'started';
      parts.push(part);
    }
    return parts;
  }

  private async send(parts: readonly Part[]): Promise<void> {
    const [first] = parts;
    if (first === undefined) return;
    if (parts.length === 1) {
      await first.send(first.records, first.timing).then(first.resolve, first.reject);
      return;
    }
    const timing: LaneTiming = {
      started: Math.min(...parts.map((p) => p.timing.started)),
      // The earliest caller's deadline bounds the joined request's tries.
      deadlineAt: Math.min(...parts.map((p) => p.timing.deadlineAt)),
    };
    try {
      const base = await first.send(
        parts.flatMap((p) => p.records),
        timing,
      );
      let n = 0;
      for (const part of parts) {
        part.resolve(offsetAfter(base, n));
        n += part.records.length;
      }
    } catch (error) {
      if (!(error instanceof ProducerSendError)) {
        for (const part of parts) part.reject(error);
        return;
      }
      // Refused for good, so nothing of it was appended: each part on its own.
      for (const part of parts)
        await part.send(part.records, part.timing).then(part.resolve, part.reject);
    }
  }
}

/** Records of one call bound for one partition, with their indexes in the call. */
export interface PartitionGroup {
  readonly topic: string;
  readonly partition: number;
  readonly indexes: readonly number[];
}

/** The lane of a topic-partition. */
export const laneKey = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

/** Partition metadata of topics, as kafkajs' partitioner reads it. */
export type TopicPartitions = ReadonlyMap<string, readonly PartitionMetadata[]>;

/**
 * Groups records by the partition kafkajs' default partitioner gives them
 * (murmur2 of the key, as the Java client; round-robin over partitions
 * with a leader for records without a key; a record's own `partition`
 * wins), in input order within each group. `partitioner` keeps its
 * round-robin counters between calls.
 *
 * @example
 * ```ts
 * const groups = groupByPartition(records, metadata, Partitioners.DefaultPartitioner());
 * ```
 */
export const groupByPartition = (
  records: readonly OutgoingRecord[],
  metadata: TopicPartitions,
  partitioner: ReturnType<ICustomPartitioner>,
): PartitionGroup[] => {
  // Per record only the partitioner and a lookup by partition number (this runs per record of
  // every call): the topic's metadata and groups are looked up when the topic changes.
  const groups: { topic: string; partition: number; indexes: number[] }[] = [];
  const byTopic = new Map<string, Map<number, (typeof groups)[number]>>();
  let topic: string | undefined;
  let partitions: PartitionMetadata[] = [];
  let topicGroups = new Map<number, (typeof groups)[number]>();
  for (let index = 0; index < records.length; index += 1) {
    const record = records[index] as OutgoingRecord;
    if (record.topic !== topic) {
      topic = record.topic;
      // A copy per topic: kafkajs' partitioner takes a mutable array.
      partitions = [...(metadata.get(topic) ?? [])];
      topicGroups = byTopic.get(topic) ?? new Map();
      byTopic.set(topic, topicGroups);
    }
    const partition =
      record.partition ??
      partitioner({
        topic,
        partitionMetadata: partitions,
        message: { key: record.key, value: record.value },
      });
    let group = topicGroups.get(partition);
    if (group === undefined) {
      group = { topic, partition, indexes: [] };
      topicGroups.set(partition, group);
      groups.push(group);
    }
    group.indexes.push(index);
  }
  return groups;
};

/**
 * kafkajs' default partitioner, one per producer (its round-robin counters
 * for records without a key), with keyed records placed by
 * {@link murmur2} in 32-bit arithmetic: the partition kafkajs (and the
 * Java client) would choose, without kafkajs' 64-bit emulation and its
 * copy of the partition list per record (docs/performance.md, "placement
 * in 32-bit arithmetic").
 */
export const defaultPartitioner = (): ReturnType<ICustomPartitioner> => {
  const kafkajsPartitioner = kafkajs().Partitioners.DefaultPartitioner();
  return (args) => {
    const { message, partitionMetadata } = args;
    if (message.partition !== null && message.partition !== undefined) return message.partition;
    if (message.key === null || message.key === undefined) return kafkajsPartitioner(args);
    return (murmur2(message.key) & 0x7fffffff) % partitionMetadata.length;
  };
};
