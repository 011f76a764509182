/**
 * What the DLQ mover does with each record, decided without Kafka: the
 * scheduled policy's decision, the record it writes (republished, archived
 * or re-queued) and what a failed transaction means for the run. The
 * transactional loop that carries the plans out is shared/dlq/mover.ts.
 */
import type { OutgoingMessage, OutgoingRecord } from '../kafka/records';
import { kafkaErrorType } from '../kafka/producer-errors';
import type { DlqDefinition } from '../platform/schema';
import {
  ArchiveReason,
  DlqMoverHeader,
  decodeDlqRecord,
  toArchiveMessage,
  toInvalidArchiveMessage,
  toRequeueMessage,
  toRetryMessage,
} from './record';
import type { ConsumedRecord, DlqRecord } from './record';
import { isExhausted, nextRetryTime, policyFor } from './retry-policy';
import type { RandomSource } from './retry-strategies';

/** What happens to one DLQ record. */
export type MoveDecision =
  | { readonly action: 'retry' }
  | { readonly action: 'archive'; readonly reason: ArchiveReason }
  | { readonly action: 'requeue'; readonly dueAt: Date };

/** Decides the fate of one decoded DLQ record. */
export type DecideMove = (record: DlqRecord, now: Date) => MoveDecision;

/** One record moved out of the DLQ. */
export interface MovedRecord {
  readonly action: MoveDecision['action'];
  readonly dlqPartition: number;
  readonly dlqOffset: string;
  readonly originalTopic?: string | undefined;
  readonly eventId?: string | undefined;
  readonly category?: string | undefined;
  /** Failed attempts so far. */
  readonly attempt?: number | undefined;
  readonly reason?: ArchiveReason | undefined;
  readonly dueAt?: string | undefined;
  /** Kafka time (epoch ms) of the DLQ record: when it was dead-lettered. */
  readonly timestamp?: string | undefined;
}

/** One record's move: the record written, and what it means. */
export interface PlannedMove {
  readonly output: OutgoingRecord;
  readonly moved: MovedRecord;
  /** A record that failed again after a retry (for the refailed metric). */
  readonly refailed: boolean;
}

/** What one run decides with. */
export interface PlanContext {
  readonly dlq: DlqDefinition;
  readonly decide: DecideMove;
  readonly now: Date;
  /** Re-queue undecodable records instead of archiving them (manual retry). */
  readonly keepInvalid: boolean;
  /** Topics of the cluster at the start of the run. */
  readonly topics: ReadonlySet<string>;
  /** DLQ offsets (`partition:offset`) whose move the broker refused for good, with its error. */
  readonly refused: ReadonlyMap<string, string>;
}

/**
 * The scheduled policy: archive when the record's policy is exhausted,
 * republish when its next-retry time has come, re-queue otherwise.
 *
 * @example
 * ```ts
 * const decide = policyDecision(platform.dlq);
 * decide(record, new Date()); // { action: 'retry' }
 * ```
 */
export const policyDecision =
  (dlq: DlqDefinition, random: RandomSource = Math.random): DecideMove =>
  (record, now) => {
    const policy = policyFor(dlq, { topic: record.originalTopic, category: record.category });
    if (isExhausted(policy, record.attempt))
      return {
        action: 'archive',
        reason:
          policy.strategy.kind === 'none' || policy.maxRetries === 0
            ? ArchiveReason.NotRetriable
            : ArchiveReason.RetriesExhausted,
      };
    const dueAt =
      record.nextRetryTime ??
      nextRetryTime(policy, record.attempt, record.lastFailureTime, random) ??
      record.lastFailureTime;
    return dueAt.getTime() <= now.getTime() ? { action: 'retry' } : { action: 'requeue', dueAt };
  };

/** The key of a DLQ record in {@link PlanContext.refused}. */
export const refusalKey = (partition: number, offset: string): string => `${partition}:${offset}`;

const withRefusal = (message: OutgoingMessage, refusal: string | undefined): OutgoingMessage =>
  refusal === undefined
    ? message
    : { ...message, headers: { ...message.headers, [DlqMoverHeader.ArchiveError]: refusal } };

/** A DLQ record that does not decode: archived byte for byte, or re-queued as it is. */
const planInvalid = (
  context: PlanContext,
  partition: number,
  message: ConsumedRecord,
  problem: string,
): PlannedMove => {
  const { dlq, now } = context;
  if (context.keepInvalid)
    return {
      output: {
        topic: dlq.topic,
        key: message.key,
        value: message.value,
        headers: (message.headers ?? {}) as OutgoingRecord['headers'],
        partition,
        timestamp: message.timestamp,
      },
      moved: { action: 'requeue', dlqPartition: partition, dlqOffset: message.offset },
      refailed: false,
    };
  return {
    output: { topic: dlq.archiveTopic, ...toInvalidArchiveMessage(message, problem, now) },
    moved: {
      action: 'archive',
      dlqPartition: partition,
      dlqOffset: message.offset,
      reason: ArchiveReason.InvalidDlqRecord,
    },
    refailed: false,
  };
};

/** The decision, overridden where the move cannot be done as decided. */
const finalDecision = (
  context: PlanContext,
  record: DlqRecord,
  refusal: string | undefined,
): MoveDecision => {
  const decided = context.decide(record, context.now);
  // A record that can never be republished or re-queued is archived rather than block the DLQ.
  if (refusal !== undefined && decided.action !== 'archive')
    return { action: 'archive', reason: ArchiveReason.MoveRefused };
  if (decided.action === 'retry' && !context.topics.has(record.originalTopic))
    return { action: 'archive', reason: ArchiveReason.OriginalTopicMissing };
  return decided;
};

/**
 * The move of one DLQ record: decoded, decided, and the record to write
 * (republished to its original topic, archived with its history, or
 * re-queued to the DLQ with its due time).
 *
 * @example
 * ```ts
 * const plan = planMove(context, 0, message);
 * plan.output.topic; // 'ai.responses'
 * ```
 */
export const planMove = (
  context: PlanContext,
  partition: number,
  message: ConsumedRecord,
): PlannedMove => {
  const { dlq, now } = context;
  let record: DlqRecord;
  try {
    record = decodeDlqRecord({ topic: dlq.topic, partition }, message);
  } catch (error) {
    return planInvalid(
      context,
      partition,
      message,
      error instanceof Error ? error.message : String(error),
    );
  }
  const refusal = context.refused.get(refusalKey(partition, message.offset));
  const decision = finalDecision(context, record, refusal);
  const base = {
    dlqPartition: partition,
    dlqOffset: message.offset,
    timestamp: message.timestamp,
    originalTopic: record.originalTopic,
    eventId: record.eventId,
    category: record.category,
    attempt: record.attempt,
  };
  const refailed = record.attempt > 1 && record.rawHeaders[DlqMoverHeader.Requeues] === undefined;
  switch (decision.action) {
    case 'retry':
      return {
        output: { topic: record.originalTopic, ...toRetryMessage(record) },
        moved: { ...base, action: 'retry' },
        refailed,
      };
    case 'archive':
      return {
        output: {
          topic: dlq.archiveTopic,
          ...withRefusal(toArchiveMessage(record, decision.reason, now), refusal),
        },
        moved: { ...base, action: 'archive', reason: decision.reason },
        refailed,
      };
    case 'requeue': {
      const requeues = Number(record.rawHeaders[DlqMoverHeader.Requeues]?.toString('utf8') ?? '0');
      const requeue = toRequeueMessage(record, decision.dueAt);
      return {
        output: {
          topic: dlq.topic,
          ...requeue,
          headers: {
            ...requeue.headers,
            [DlqMoverHeader.Requeues]: String((Number.isFinite(requeues) ? requeues : 0) + 1),
          },
        },
        moved: { ...base, action: 'requeue', dueAt: decision.dueAt.toISOString() },
        refailed,
      };
    }
  }
};

/** Broker errors that refuse a record for good (retrying the same bytes fails the same way). */
const REFUSALS: ReadonlySet<string> = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'CORRUPT_MESSAGE',
  'UNKNOWN_TOPIC_OR_PARTITION',
  'INVALID_TOPIC_EXCEPTION',
]);

/**
 * The broker's refusal of a move for good (`MESSAGE_TOO_LARGE: ...`), or
 * undefined when the failure may pass.
 *
 * @example
 * ```ts
 * refusalOf(new TransactionAbortedError('aborted', { cause: tooLarge })); // 'MESSAGE_TOO_LARGE: ...'
 * ```
 */
export const refusalOf = (error: unknown): string | undefined => {
  const type = kafkaErrorType(error);
  if (type === undefined || !REFUSALS.has(type)) return undefined;
  let cause: unknown = error;
  while ((cause as { type?: unknown }).type !== type) cause = (cause as { cause: unknown }).cause;
  return `${type}: ${(cause as Error).message}`;
};

/** What the run does after a transaction of `chunkSize` records failed. */
export type AfterFailure =
  /** Move the chunk again one record at a time, to find the refused one. */
  | { readonly next: 'split' }
  /** Note the refusal of this one record and move it again: it is archived. */
  | { readonly next: 'archive-refused'; readonly refusal: string }
  /** Stop the run: the next one starts again from the last commit. */
  | { readonly next: 'stop' };

/**
 * The run's next step after a failed transaction: a refusal in a chunk of
 * several records splits the chunk; the refusal of a single record (not
 * refused before) archives it; anything else stops the run.
 *
 * @example
 * ```ts
 * afterFailure(tooLargeError, 100, false); // { next: 'split' }
 * ```
 */
export const afterFailure = (
  error: unknown,
  chunkSize: number,
  alreadyRefused: boolean,
): AfterFailure => {
  const refusal = refusalOf(error);
  if (refusal === undefined) return { next: 'stop' };
  if (chunkSize > 1) return { next: 'split' };
  return alreadyRefused ? { next: 'stop' } : { next: 'archive-refused', refusal };
};

/** Counts and details of one run. */
export interface DlqMoverResult {
  readonly read: number;
  readonly retried: number;
  readonly archived: number;
  readonly requeued: number;
  readonly moved: readonly MovedRecord[];
  /** Every DLQ record present at the start was handled. */
  readonly complete: boolean;
  /**
   * The next DLQ offset of each partition this run got past (its moves
   * committed, transaction markers skipped). The group's committed offsets
   * catch up a moment after the last commit returns (the coordinator
   * applies them when the transaction's markers arrive): who reads them
   * right after the run takes these as a floor.
   */
  readonly handledUpTo: ReadonlyMap<number, number>;
}

/**
 * The result of a run from what it moved.
 *
 * @example
 * ```ts
 * summarizeMoves(moved, moved.length, true).retried;
 * ```
 */
export const summarizeMoves = (
  moved: readonly MovedRecord[],
  read: number,
  complete: boolean,
  handledUpTo: ReadonlyMap<number, number> = new Map(),
): DlqMoverResult => ({
  read,
  retried: moved.filter((m) => m.action === 'retry').length,
  archived: moved.filter((m) => m.action === 'archive').length,
  requeued: moved.filter((m) => m.action === 'requeue').length,
  moved,
  complete,
  handledUpTo,
});
