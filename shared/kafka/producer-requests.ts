import type { RecordMetadata } from 'kafkajs';
import { producedBeforeFailure } from './kafkajs-patch';
import { SharedRequestFailedError, UnacknowledgedRecordsError } from './producer-errors';
import type { PartitionGroup } from './producer-lanes';
import type { OutgoingRecord } from './records';

/** One partition's records for one produce request, as the delivery hands them over. */
export interface PartitionRequest<P> {
  /** The producer session to send them on (only requests of one session share a request). */
  readonly producer: P;
  readonly group: PartitionGroup;
  readonly records: readonly OutgoingRecord[];
  /** When the delivery gives up on them (epoch ms on the producer's clock). */
  readonly deadlineAt: number;
}

/** What {@link PartitionRequests} needs from the producer. */
export interface PartitionRequestsDeps<P> {
  /** Sends the partitions' records in ONE produce request on `producer`; Kafka's answer per partition. */
  readonly send: (
    producer: P,
    requests: readonly PartitionRequest<P>[],
  ) => Promise<readonly RecordMetadata[]>;
  /** Whether an answer carries no offsets by design (acks=0). */
  readonly unacknowledged: () => boolean;
  /**
   * Whether partitions may share a request: only with the project's patch
   * of kafkajs (`kafkajsSettlesEveryBrokerRequest` of ./kafkajs-patch),
   * else one partition per request. Asked once, at the first send (it
   * loads kafkajs).
   */
  readonly share: () => boolean;
  /** The producer's clock. */
  readonly now: () => number;
}

interface Waiting<P> extends PartitionRequest<P> {
  readonly resolve: (baseOffset: string) => void;
  readonly reject: (error: unknown) => void;
}

/** The base offset Kafka answered for `request`'s partition, if any. */
const answerOf = (
  request: PartitionRequest<unknown>,
  metadata: readonly RecordMetadata[],
): string | undefined => {
  const { topic, partition } = request.group;
  const answer = metadata.find((m) => m.topicName === topic && m.partition === partition);
  const offset = answer?.baseOffset ?? answer?.offset;
  return offset === undefined || offset === '-1' ? undefined : offset;
};

/**
 * Partition requests started in the same turn of the event loop (before
 * the promise callbacks queued meanwhile have all run) on the same producer
 * session go to Kafka as one produce request (issue #13). kafkajs keeps one
 * idempotent produce request in flight per broker (its eosManager's broker
 * lock), so one request per partition costs one round trip per partition:
 * a call of 100 records over 3 partitions of one broker ran at ~0.75x of a
 * single request. Nothing of the per-partition delivery changes
 * (shared/kafka/producer-delivery.ts): each partition still has one job in
 * its lane, so one request in flight per partition, and gets its own
 * outcome.
 *
 * A shared request can span brokers (kafkajs routes each of its attempts by
 * its own metadata), which is safe only with the project's patch of kafkajs
 * (patches/kafkajs+2.2.4.patch): every broker's part settles before the
 * request fails or is retried, a partition a broker answered is never sent
 * again, and the answers got before a failure come with the error
 * ({@link producedBeforeFailure}). Without the patch ({@link
 * PartitionRequestsDeps.share} false) each partition goes alone.
 *
 * When the shared request fails, a partition with an answer was written and
 * settles with it (sending it again would give it new sequence numbers:
 * written twice). Every other partition's last try failed, so kafkajs has
 * stepped its sequence number back (src/producer/sendMessages.js), and it
 * is sent again alone, at once, with the same records on the same session:
 * Kafka answers it as a duplicate with its offsets if a try had written it,
 * and it gets its own outcome otherwise. So one partition's failure never
 * reaches another's delivery (a refused session would move a partition
 * Kafka had written to a new session, which would write it twice). A
 * partition whose deadline has passed is not sent again: it fails as "may
 * have been written" ({@link SharedRequestFailedError}), since the
 * request's error may be another broker's.
 *
 * @example
 * ```ts
 * const requests = new PartitionRequests({
 *   send,
 *   unacknowledged: () => false,
 *   share: kafkajsSettlesEveryBrokerRequest,
 *   now: Date.now,
 * });
 * const baseOffset = await requests.send({ producer, group, records, deadlineAt });
 * ```
 */
export class PartitionRequests<P> {
  private readonly deps: PartitionRequestsDeps<P>;
  private waiting: Waiting<P>[] = [];
  private shares: boolean | undefined;

  public constructor(deps: PartitionRequestsDeps<P>) {
    this.deps = deps;
  }

  /** Sends one partition's records (with the others of this turn); resolves with the base offset. */
  public send(request: PartitionRequest<P>): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      // The delivery starts each partition's job in a promise callback: a
      // tick runs once every callback queued meanwhile has run, so the
      // partitions of one call (and of calls made meanwhile) are all here.
      const waiting: Waiting<P> = { ...request, resolve, reject };
      this.shares ??= this.deps.share();
      if (!this.shares) {
        void this.alone(waiting);
        return;
      }
      if (this.waiting.length === 0) process.nextTick(() => void this.flush());
      this.waiting.push(waiting);
    });
  }

  private async flush(): Promise<void> {
    const waiting = this.waiting;
    this.waiting = [];
    const bySession = new Map<P, Waiting<P>[]>();
    for (const w of waiting) {
      const list = bySession.get(w.producer);
      if (list) list.push(w);
      else bySession.set(w.producer, [w]);
    }
    await Promise.all([...bySession.values()].map((batch) => this.sendShared(batch)));
  }

  /** The requests of one session in one produce request (alone when only one). */
  private async sendShared(batch: readonly Waiting<P>[]): Promise<void> {
    const [first] = batch;
    if (first === undefined) return;
    if (batch.length === 1) {
      await this.alone(first);
      return;
    }
    let metadata: readonly RecordMetadata[];
    try {
      metadata = await this.deps.send(first.producer, batch);
    } catch (error) {
      const written = producedBeforeFailure(error);
      await Promise.all(
        batch.map((w) => {
          if (answerOf(w, written) !== undefined) return this.settle(w, written);
          if (this.deps.now() < w.deadlineAt) return this.alone(w);
          // Its own broker's failure is not known (the error is the first failing broker's).
          return w.reject(new SharedRequestFailedError(w.records.length, error));
        }),
      );
      return;
    }
    for (const w of batch) this.settle(w, metadata);
  }

  /** One partition's request on its own. */
  private async alone(w: Waiting<P>): Promise<void> {
    try {
      this.settle(w, await this.deps.send(w.producer, [w]));
    } catch (error) {
      w.reject(error);
    }
  }

  private settle(w: Waiting<P>, metadata: readonly RecordMetadata[]): void {
    // acks=0 gets no offsets by design; otherwise a partition without one was not written.
    if (this.deps.unacknowledged()) {
      w.resolve('-1');
      return;
    }
    const offset = answerOf(w, metadata);
    if (offset === undefined) w.reject(new UnacknowledgedRecordsError(w.records.length));
    else w.resolve(offset);
  }
}
