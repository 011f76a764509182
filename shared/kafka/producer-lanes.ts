import type { ICustomPartitioner, PartitionMetadata } from 'kafkajs';
import { kafkajs } from './kafkajs';
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

interface Lane {
  tail: Promise<unknown>;
  jobs: number;
}

/**
 * One job at a time per key (a topic-partition), in the order queued; a job
 * queued behind a stuck one can be cancelled before it starts. A lane is
 * held until its job's work settles, even when its caller gave up waiting.
 *
 * @example
 * ```ts
 * const lanes = new ProducerLanes();
 * const job = lanes.run('orders\u00000', () => producer.sendBatch(request));
 * const metadata = await job.result;
 * ```
 */
export class ProducerLanes {
  private readonly lanes = new Map<string, Lane>();

  /** Queues `work` on the lane `key`; it starts when every job queued before it has settled. */
  public run<T>(key: string, work: () => Promise<T>): LaneJob<T> {
    const lane = this.lanes.get(key) ?? { tail: Promise.resolve(), jobs: 0 };
    this.lanes.set(key, lane);
    lane.jobs += 1;
    let state: 'queued' | 'started' | 'cancelled' = 'queued';
    let release: () => void = () => undefined;
    const done = new Promise<void>((resolve) => {
      release = resolve;
    });
    const gate = lane.tail;
    lane.tail = done;
    void done.then(() => {
      lane.jobs -= 1;
      if (lane.jobs === 0 && this.lanes.get(key) === lane) this.lanes.delete(key);
    });
    const result = gate.then(() => {
      if (state === 'cancelled') {
        // Its turn came: the next job may start; this one's result never settles.
        release();
        return new Promise<T>(() => undefined);
      }
      state = 'started';
      const running = Promise.resolve().then(work);
      void running.then(release, release);
      return running;
    });
    return {
      result,
      cancel: () => {
        if (state !== 'queued') return false;
        state = 'cancelled';
        return true;
      },
    };
  }

  /** Lanes with a job queued or running (tests, diagnostics). */
  public get busy(): number {
    return this.lanes.size;
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
  const groups = new Map<string, { topic: string; partition: number; indexes: number[] }>();
  records.forEach((record, index) => {
    const partition =
      record.partition ??
      partitioner({
        topic: record.topic,
        partitionMetadata: [...(metadata.get(record.topic) ?? [])],
        message: { key: record.key, value: record.value },
      });
    const key = laneKey(record.topic, partition);
    const group = groups.get(key) ?? { topic: record.topic, partition, indexes: [] };
    groups.set(key, group);
    group.indexes.push(index);
  });
  return [...groups.values()];
};

/** kafkajs' default partitioner, one per producer (its round-robin counters). */
export const defaultPartitioner = (): ReturnType<ICustomPartitioner> =>
  kafkajs().Partitioners.DefaultPartitioner();
