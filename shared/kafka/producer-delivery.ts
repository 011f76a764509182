import type { Logger } from '@aws-lambda-powertools/logger';
import type { Producer } from 'kafkajs';
import { KafkaUnavailableError } from '../errors';
import type { XsevenError } from '../errors';
import { backoffDelay } from '../retry';
import type { RetryClock } from '../retry';
import { DeliveryTimeoutError, DeliveryUncertainty } from './errors';
import type { ProducerConfig } from './producer-config';
import {
  isTransientKafkaError,
  kafkaErrorType,
  mayHaveWritten,
  refusedProducerSession,
  toProducerError,
} from './producer-errors';
import { laneKey } from './producer-lanes';
import type { LaneTiming, PartitionGroup, ProducerLanes } from './producer-lanes';
import type { ProducerSessions } from './producer-sessions';
import type { OutgoingRecord, RecordPosition } from './records';

/** What became of one record of a send: where it was written, or why it may not be. */
export type SendOutcome =
  | { readonly ok: true; readonly position: RecordPosition }
  | { readonly ok: false; readonly error: XsevenError };

/** What {@link deliver} needs from the producer. */
export interface DeliveryDeps {
  readonly config: ProducerConfig;
  readonly clock: RetryClock;
  readonly random: () => number;
  readonly lanes: ProducerLanes;
  readonly logger?: Logger | undefined;
  /** Groups the records by partition (reading partition metadata when it must). */
  readonly group: (records: readonly OutgoingRecord[]) => Promise<PartitionGroup[]>;
  /** The producer's idempotent sessions ({@link ProducerSessions}). */
  readonly sessions: ProducerSessions<Producer>;
  /**
   * Sends one partition's records in one produce request on `producer`;
   * resolves with the base offset (`-1` with acks=0). `deadlineAt` bounds
   * how long the broker may wait for its replicas.
   */
  readonly sendOn: (
    producer: Producer,
    group: PartitionGroup,
    records: readonly OutgoingRecord[],
    deadlineAt: number,
  ) => Promise<string>;
}

type Within<T> = { readonly settled: true; readonly value: T } | { readonly settled: false };

/**
 * The deadline of one {@link deliver} call, on `clock`: every wait of the
 * call (the partition metadata, each partition's job) races the same
 * cancellable timer, one per call rather than one per wait.
 */
const callDeadline = (ms: number, clock: RetryClock) => {
  const timer = clock.timer(Math.max(0, ms));
  const expired = timer.expired.then((): Within<never> => ({ settled: false }));
  return {
    /** Waits for `promise` until the deadline; a rejection is rethrown. */
    within: <T>(promise: Promise<T>): Promise<Within<T>> =>
      Promise.race([promise.then((value): Within<T> => ({ settled: true, value })), expired]),
    end: timer.cancel,
  };
};

/** The error a partition's send ends with once its attempts stop. */
const finalError = (
  error: unknown,
  how: { readonly refused: boolean; readonly possiblyWritten: boolean },
  records: number,
  timeoutMs: number,
): XsevenError => {
  if (how.possiblyWritten)
    return new DeliveryTimeoutError(records, DeliveryUncertainty.Unconfirmed, timeoutMs, {
      cause: error,
    });
  // Kafka refused the session, so this request was not appended; a new session did not get through in time.
  if (how.refused)
    return new KafkaUnavailableError(
      `Kafka refused the producer session (${kafkaErrorType(error) ?? 'unknown'}); nothing was written`,
      { cause: error },
    );
  return toProducerError(error, 'send');
};

/**
 * One partition's records, sent until Kafka answers definitely, always the
 * same records on the same session: a re-send after a failure that may
 * have written them carries the same sequence numbers, so Kafka answers it
 * as a duplicate (with their own offsets) if the first one was written. A
 * new session only when Kafka refused this one (nothing of it appended) or
 * it could not be opened. When the attempts stop after one that may have
 * written, the partition is tainted on its session: its next records go
 * on a newer one ({@link ProducerSessions}), never reusing these sequence
 * numbers. Runs in the partition's lane, so nothing else is sent to the
 * partition meanwhile.
 */
const sendPartition = async (
  group: PartitionGroup,
  records: readonly OutgoingRecord[],
  timing: LaneTiming,
  deps: DeliveryDeps,
): Promise<string> => {
  const { config, clock, sessions } = deps;
  const key = laneKey(group.topic, group.partition);
  let session = sessions.acquire(key);
  let possiblyWritten = false;
  try {
    for (let attempt = 1; ; attempt += 1) {
      let error: unknown;
      try {
        const producer = await session.producer;
        return await deps.sendOn(producer, group, records, timing.deadlineAt);
      } catch (caught) {
        error = caught;
      }
      const unopened = sessions.broken(session);
      possiblyWritten ||= !unopened && mayHaveWritten(error);
      const refused = !unopened && refusedProducerSession(error);
      const retriable = unopened || (refused ? !possiblyWritten : isTransientKafkaError(error));
      const delayMs = backoffDelay(
        attempt,
        { baseDelayMs: config.retryBackoffMs, maxDelayMs: config.retryMaxBackoffMs, jitter: 0.5 },
        deps.random,
      );
      const nextAt = clock.now() + delayMs;
      if (
        !retriable ||
        attempt > config.retries ||
        nextAt - timing.started > config.retryDeadlineMs ||
        nextAt >= timing.deadlineAt
      ) {
        if (possiblyWritten) sessions.taint(key, session);
        throw finalError(
          error,
          { refused, possiblyWritten },
          records.length,
          config.deliveryTimeoutMs,
        );
      }
      deps.logger?.warn('send failed, re-sending the same records of the partition', {
        attempt,
        delayMs,
        partition: `${group.topic}[${group.partition}]`,
        session: session.id,
        error: error instanceof Error ? error.message : 'unknown',
      });
      if (unopened || refused) session = sessions.replace(session);
      await clock.sleep(delayMs);
    }
  } finally {
    sessions.release(session);
  }
};

/**
 * Sends records partition by partition, each partition in its lane (one
 * request in flight per partition, {@link sendPartition} re-sending the
 * same records with backoff and jitter until Kafka answers definitely).
 * The whole call ends within `config.deliveryTimeoutMs`: records still
 * unconfirmed then fail with a {@link DeliveryTimeoutError} when their
 * request was sent (they may or may not be written), or with a
 * KafkaUnavailableError when it never started (queued behind a stuck
 * request of the same partition: not written). Resolves with one outcome
 * per record, in input order.
 *
 * @example
 * ```ts
 * const outcomes = await deliver(records, deps);
 * outcomes.filter((o) => o.ok).length; // records written
 * ```
 */
export const deliver = async (
  records: readonly OutgoingRecord[],
  deps: DeliveryDeps,
): Promise<SendOutcome[]> => {
  const { config, clock, lanes } = deps;
  const timeoutMs = config.deliveryTimeoutMs;
  const started = clock.now();
  const deadlineAt = started + timeoutMs;
  const outcomes: SendOutcome[] = new Array<SendOutcome>(records.length);
  const fail = (indexes: readonly number[], error: XsevenError): void => {
    for (const index of indexes) outcomes[index] = { ok: false, error };
  };
  const deadline = callDeadline(timeoutMs, clock);
  try {
    let groups: PartitionGroup[];
    try {
      const grouping = deps.group(records);
      grouping.catch(() => undefined);
      const grouped = await deadline.within(grouping);
      if (!grouped.settled)
        throw new KafkaUnavailableError(`no partition metadata within ${timeoutMs} ms`);
      groups = grouped.value;
    } catch (error) {
      fail(
        records.map((_, index) => index),
        toProducerError(error, 'send'),
      );
      return outcomes;
    }
    await Promise.all(
      groups.map(async (group) => {
        const batch = group.indexes.map((index) => records[index] as OutgoingRecord);
        const job = lanes.run(
          laneKey(group.topic, group.partition),
          batch,
          { started, deadlineAt },
          (records, timing) => sendPartition(group, records, timing, deps),
        );
        job.result.catch(() => undefined);
        let answer: Within<string>;
        try {
          answer = await deadline.within(job.result);
        } catch (error) {
          fail(group.indexes, toProducerError(error, 'send'));
          return;
        }
        if (answer.settled) {
          const base = BigInt(answer.value);
          group.indexes.forEach((index, i) => {
            const offset = base < 0n ? '-1' : (base + BigInt(i)).toString();
            outcomes[index] = {
              ok: true,
              position: { topic: group.topic, partition: group.partition, offset },
            };
          });
          return;
        }
        // The deadline passed: a request that never started wrote nothing.
        if (job.cancel())
          fail(
            group.indexes,
            new KafkaUnavailableError(
              `no produce request to ${group.topic}[${group.partition}] could start within ${timeoutMs} ms (an earlier one still waits for Kafka); nothing was written`,
            ),
          );
        else
          fail(
            group.indexes,
            new DeliveryTimeoutError(group.indexes.length, DeliveryUncertainty.Deadline, timeoutMs),
          );
      }),
    );
    return outcomes;
  } finally {
    deadline.end();
  }
};
