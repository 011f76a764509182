import type { Logger } from '@aws-lambda-powertools/logger';
import { KafkaUnavailableError } from '../errors';
import type { XsevenError } from '../errors';
import { backoffDelay } from '../retry';
import type { RetryClock } from '../retry';
import { DeliveryTimeoutError, DeliveryUncertainty } from './errors';
import type { ProducerConfig } from './producer-config';
import {
  isTransientKafkaError,
  mayHaveWritten,
  refusedProducerSession,
  toProducerError,
} from './producer-errors';
import { laneKey } from './producer-lanes';
import type { PartitionGroup, ProducerLanes } from './producer-lanes';
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
  /**
   * Sends one partition's records in one produce request on the current
   * producer session; resolves with the base offset (`-1` with acks=0).
   * `deadlineAt` bounds how long the broker may wait for its replicas.
   */
  readonly sendPartition: (
    group: PartitionGroup,
    records: readonly OutgoingRecord[],
    deadlineAt: number,
  ) => Promise<string>;
  /** Replaces the producer session (a new producer id): after Kafka refused it. */
  readonly resetSession: () => Promise<void>;
}

const SETTLED = 'settled';

type Within<T> = { readonly settled: true; readonly value: T } | { readonly settled: false };

/** Waits for `promise` at most `ms` on `clock`; a rejection is rethrown. */
const within = async <T>(
  promise: Promise<T>,
  ms: number,
  clock: RetryClock,
): Promise<Within<T>> => {
  const timer = new AbortController();
  try {
    return await Promise.race([
      promise.then((value): Within<T> => ({ settled: true, value })),
      clock.sleep(Math.max(0, ms), timer.signal).then((): Within<T> => ({ settled: false })),
    ]);
  } finally {
    // A fixed reason: abort() without one builds a DOMException, once per send on the publish path.
    timer.abort(SETTLED);
  }
};

/** One partition's records of the call, and what its attempts taught. */
interface PartitionState {
  readonly group: PartitionGroup;
  /** An attempt failed in a way that may have written the records. */
  uncertain: boolean;
  error: unknown;
}

/** A failure a new attempt may fix: transient, or a refused session (a new producer id writes it). */
const shouldRetry = (error: unknown): boolean =>
  !(error instanceof KafkaUnavailableError) &&
  (isTransientKafkaError(error) || refusedProducerSession(error));

/**
 * Sends records partition by partition, each partition in its lane (one
 * request in flight per partition), and retries with backoff and jitter
 * ONLY the partitions not acknowledged yet, on the same producer session
 * (a re-sent request keeps its sequence numbers, so Kafka deduplicates it
 * if the failed one was written after all); a new session only when Kafka
 * refused the old one. The whole call ends within
 * `config.deliveryTimeoutMs`: records still unconfirmed then fail with a
 * {@link DeliveryTimeoutError} when their request was sent (they may or
 * may not be written), or with a KafkaUnavailableError when it never
 * started (queued behind a stuck request of the same partition: not
 * written). Resolves with one outcome per record, in input order.
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
  const all = records.map((_, index) => index);

  let groups: PartitionGroup[];
  try {
    const grouping = deps.group(records);
    grouping.catch(() => undefined);
    const grouped = await within(grouping, timeoutMs, clock);
    if (!grouped.settled)
      throw new KafkaUnavailableError(`no partition metadata within ${timeoutMs} ms`);
    groups = grouped.value;
  } catch (error) {
    fail(all, toProducerError(error, 'send'));
    return outcomes;
  }

  const finalError = (state: PartitionState): XsevenError =>
    state.uncertain
      ? new DeliveryTimeoutError(
          state.group.indexes.length,
          DeliveryUncertainty.Unconfirmed,
          timeoutMs,
          { cause: state.error },
        )
      : toProducerError(state.error, 'send');

  let pending: PartitionState[] = groups.map((group) => ({
    group,
    uncertain: false,
    error: undefined,
  }));
  for (let attempt = 1; pending.length > 0; attempt += 1) {
    const failed: PartitionState[] = [];
    await Promise.all(
      pending.map(async (state) => {
        const { group } = state;
        const batch = group.indexes.map((index) => records[index] as OutgoingRecord);
        const job = lanes.run(laneKey(group.topic, group.partition), () =>
          deps.sendPartition(group, batch, deadlineAt),
        );
        job.result.catch(() => undefined);
        let answer: Within<string>;
        try {
          answer = await within(job.result, deadlineAt - clock.now(), clock);
        } catch (error) {
          state.error = error;
          state.uncertain ||= mayHaveWritten(error);
          failed.push(state);
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
        if (job.cancel() && !state.uncertain)
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
    const retriable = failed.filter((state) => shouldRetry(state.error));
    for (const state of failed)
      if (!retriable.includes(state)) fail(state.group.indexes, finalError(state));
    if (retriable.length === 0) break;
    const delayMs = backoffDelay(
      attempt,
      { baseDelayMs: config.retryBackoffMs, maxDelayMs: config.retryMaxBackoffMs, jitter: 0.5 },
      deps.random,
    );
    const nextAttemptAt = clock.now() + delayMs - started;
    if (
      attempt > config.retries ||
      nextAttemptAt > config.retryDeadlineMs ||
      nextAttemptAt >= timeoutMs
    ) {
      for (const state of retriable) fail(state.group.indexes, finalError(state));
      break;
    }
    deps.logger?.warn('send failed, re-sending the partitions not acknowledged', {
      attempt,
      delayMs,
      partitions: retriable.map(({ group }) => `${group.topic}[${group.partition}]`),
      error: retriable[0]?.error instanceof Error ? retriable[0].error.message : 'unknown',
    });
    if (retriable.some((state) => refusedProducerSession(state.error))) await deps.resetSession();
    await clock.sleep(delayMs);
    pending = retriable;
  }
  return outcomes;
};
