/**
 * The DLQ mover: reads the dead-letter queue with its own consumer group and
 * moves each record out of it atomically — republished to its original
 * topic, archived, or re-queued (not yet due) — in a Kafka transaction that
 * also commits the DLQ offset (produce + sendOffsets + commit). A crash
 * between produce and commit aborts the transaction (the next run's producer,
 * with the same transactional id, fences it), so nothing is lost and
 * read_committed readers never see a record twice.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Batch, Consumer, Kafka, Message, Producer, TopicMessages } from 'kafkajs';
import type { DlqDefinition } from '../platform/schema';
import { MetricName, recordMetric } from '../observability/metrics';
import { retry } from '../retry';
import { DlqMoveError } from './errors';
import { dlqTransactionalIds } from '../platform/queries';
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

/** Test and instrumentation hooks of a run. */
export interface MoverHooks {
  /** Called after a transaction's records and offsets are sent, before its commit. */
  readonly beforeCommit?: (moved: readonly MovedRecord[]) => Promise<void>;
}

/** Options of {@link runDlqMover}. */
export interface DlqMoverOptions {
  readonly kafka: Kafka;
  readonly dlq: DlqDefinition;
  readonly logger: Logger;
  /** Epoch ms after which no new transaction starts. */
  readonly deadline: number;
  readonly now?: () => Date;
  readonly random?: RandomSource;
  /** Replaces the scheduled policy decision (manual retry). */
  readonly decide?: DecideMove;
  /** Re-queue undecodable DLQ records instead of archiving them (manual retry). @default false */
  readonly keepInvalid?: boolean;
  readonly hooks?: MoverHooks;
  /** @default `${dlq.consumerGroupId}-mover` (stable: a restart fences a crashed run) */
  readonly transactionalId?: string;
  /** @default 100 */
  readonly maxRecordsPerTransaction?: number;
  /** Stop after this long without progress once the group is joined. @default 3000 */
  readonly idleMs?: number;
  /** Session (and rebalance) timeout of the DLQ consumer. @default 10000 */
  readonly sessionTimeoutMs?: number;
}

/** Counts and details of one run. */
export interface DlqMoverResult {
  readonly read: number;
  readonly retried: number;
  readonly archived: number;
  readonly requeued: number;
  readonly moved: readonly MovedRecord[];
  /** Every DLQ record present at the start was handled. */
  readonly complete: boolean;
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

interface PlannedMove {
  readonly output: { readonly topic: string; readonly message: Message };
  readonly moved: MovedRecord;
  readonly refailed: boolean;
}

/** What one run decides with. */
interface PlanContext {
  readonly dlq: DlqDefinition;
  readonly decide: DecideMove;
  readonly now: Date;
  readonly keepInvalid: boolean;
  /** Topics of the cluster at the start of the run. */
  readonly topics: ReadonlySet<string>;
  /** DLQ offsets (`partition:offset`) whose move the broker refused for good, with its error. */
  readonly refused: ReadonlyMap<string, string>;
}

const planMove = (
  context: PlanContext,
  partition: number,
  message: ConsumedRecord,
): PlannedMove => {
  const { dlq, decide, now, keepInvalid, topics } = context;
  let record: DlqRecord;
  try {
    record = decodeDlqRecord({ topic: dlq.topic, partition }, message);
  } catch (error) {
    const problem = error instanceof Error ? error.message : String(error);
    if (keepInvalid)
      return {
        output: {
          topic: dlq.topic,
          message: {
            key: message.key,
            value: message.value,
            headers: message.headers ?? {},
            partition,
            timestamp: message.timestamp,
          },
        },
        moved: { action: 'requeue', dlqPartition: partition, dlqOffset: message.offset },
        refailed: false,
      };
    return {
      output: { topic: dlq.archiveTopic, message: toInvalidArchiveMessage(message, problem, now) },
      moved: {
        action: 'archive',
        dlqPartition: partition,
        dlqOffset: message.offset,
        reason: ArchiveReason.InvalidDlqRecord,
      },
      refailed: false,
    };
  }
  const decided = decide(record, now);
  const refusal = context.refused.get(`${partition}:${message.offset}`);
  // A record that can never be republished or re-queued is archived rather than block the DLQ.
  const decision: MoveDecision =
    refusal !== undefined && decided.action !== 'archive'
      ? { action: 'archive', reason: ArchiveReason.MoveRefused }
      : decided.action === 'retry' && !topics.has(record.originalTopic)
        ? { action: 'archive', reason: ArchiveReason.OriginalTopicMissing }
        : decided;
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
        output: { topic: record.originalTopic, message: toRetryMessage(record) },
        moved: { ...base, action: 'retry' },
        refailed,
      };
    case 'archive':
      return {
        output: {
          topic: dlq.archiveTopic,
          message: withRefusal(toArchiveMessage(record, decision.reason, now), refusal),
        },
        moved: { ...base, action: 'archive', reason: decision.reason },
        refailed,
      };
    case 'requeue': {
      const requeues = Number(record.rawHeaders[DlqMoverHeader.Requeues]?.toString('utf8') ?? '0');
      const message = toRequeueMessage(record, decision.dueAt);
      return {
        output: {
          topic: dlq.topic,
          message: {
            ...message,
            headers: {
              ...message.headers,
              [DlqMoverHeader.Requeues]: String((Number.isFinite(requeues) ? requeues : 0) + 1),
            },
          },
        },
        moved: { ...base, action: 'requeue', dueAt: decision.dueAt.toISOString() },
        refailed,
      };
    }
  }
};

const withRefusal = (message: Message, refusal: string | undefined): Message =>
  refusal === undefined
    ? message
    : { ...message, headers: { ...message.headers, [DlqMoverHeader.ArchiveError]: refusal } };

/** Broker errors that refuse a record for good (retrying the same bytes fails the same way). */
const REFUSALS: ReadonlySet<string> = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'CORRUPT_MESSAGE',
  'UNKNOWN_TOPIC_OR_PARTITION',
  'INVALID_TOPIC_EXCEPTION',
]);

const refusalOf = (error: unknown): string | undefined => {
  const type = (error as { type?: unknown } | null)?.type;
  return typeof type === 'string' && REFUSALS.has(type)
    ? `${type}: ${(error as Error).message}`
    : undefined;
};

const groupByTopic = (plans: readonly PlannedMove[]): TopicMessages[] => {
  const byTopic = new Map<string, Message[]>();
  for (const { output } of plans) {
    const list = byTopic.get(output.topic) ?? [];
    list.push(output.message);
    byTopic.set(output.topic, list);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
};

const recordMoveMetrics = (plans: readonly PlannedMove[]): void => {
  for (const { moved, refailed } of plans) {
    const labels = { topic: moved.originalTopic ?? 'unknown' };
    if (moved.action === 'retry') recordMetric(MetricName.DlqMessagesRetried, 1, labels);
    if (moved.action === 'archive')
      recordMetric(MetricName.DlqMessagesArchived, 1, {
        ...labels,
        reason: moved.reason ?? 'unknown',
      });
    if (refailed) recordMetric(MetricName.DlqMessagesRefailed, 1, labels);
  }
};

/**
 * The offsets to read up to: the DLQ's high watermarks now, per partition
 * whose committed offset (of the retry group) is below them.
 */
const pendingPartitions = async (
  kafka: Kafka,
  dlq: DlqDefinition,
): Promise<{ stopAt: Map<number, number>; topics: ReadonlySet<string> }> => {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const marks = await admin.fetchTopicOffsets(dlq.topic);
    // The group coordinator may move (NOT_COORDINATOR) right after a run: kafkajs' admin does not retry it.
    const committed = await retry(
      () => admin.fetchOffsets({ groupId: dlq.consumerGroupId, topics: [dlq.topic] }),
      { retries: 5, baseDelayMs: 100, maxDelayMs: 1000 },
    );
    const committedOf = new Map(
      (committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]),
    );
    const pending = new Map<number, number>();
    for (const mark of marks) {
      const from = Math.max(committedOf.get(mark.partition) ?? -1, Number(mark.low));
      if (from < Number(mark.high)) pending.set(mark.partition, Number(mark.high));
    }
    const topics = pending.size === 0 ? new Set<string>() : new Set(await admin.listTopics());
    return { stopAt: pending, topics };
  } finally {
    await admin.disconnect();
  }
};

/**
 * One run of the DLQ mover: handles every record in the DLQ at the start of
 * the run (records re-queued by the run itself wait for the next one), until
 * done or until `deadline`. Throws {@link DlqMoveError} when a transaction
 * fails (nothing of that transaction moved; the next run resumes).
 *
 * @example
 * ```ts
 * const result = await runDlqMover({ kafka, dlq: platform.dlq, logger, deadline: Date.now() + 60_000 });
 * logger.info('dlq run', { retried: result.retried, archived: result.archived });
 * ```
 */
export const runDlqMover = async (options: DlqMoverOptions): Promise<DlqMoverResult> => {
  const { kafka, dlq, logger, deadline } = options;
  const now = options.now ?? ((): Date => new Date());
  const decide = options.decide ?? policyDecision(dlq, options.random);
  const maxPerTx = options.maxRecordsPerTransaction ?? 100;
  const idleMs = options.idleMs ?? 3000;
  const moved: MovedRecord[] = [];
  const keepInvalid = options.keepInvalid ?? false;
  const refused = new Map<string, string>();
  let read = 0;

  const { stopAt, topics } = await pendingPartitions(kafka, dlq);
  if (stopAt.size === 0) return summarize(moved, 0, true);

  const producer: Producer = kafka.producer({
    transactionalId: options.transactionalId ?? dlqTransactionalIds(dlq).mover,
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
  });
  const consumer: Consumer = kafka.consumer({
    groupId: dlq.consumerGroupId,
    readUncommitted: false,
    maxWaitTimeInMs: 250,
    // A crashed run's member blocks the next join until its session expires: keep that short.
    sessionTimeout: options.sessionTimeoutMs ?? 10_000,
    rebalanceTimeout: options.sessionTimeoutMs ?? 10_000,
  });
  const position = new Map<number, number>();
  let failure: unknown;
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  let joined = false;
  let lastProgress = Date.now();

  const allDone = (): boolean =>
    [...stopAt].every(([partition, high]) => (position.get(partition) ?? -1) >= high);

  const eachBatch = async ({
    batch,
    resolveOffset,
    heartbeat,
    isRunning,
  }: {
    batch: Batch;
    resolveOffset: (offset: string) => void;
    heartbeat: () => Promise<void>;
    isRunning: () => boolean;
  }): Promise<void> => {
    const stop = stopAt.get(batch.partition) ?? 0;
    const messages = batch.messages.filter((m) => Number(m.offset) < stop);
    let handledAll = true;
    let size = maxPerTx;
    for (let i = 0; i < messages.length;) {
      if (!isRunning() || failure !== undefined || Date.now() >= deadline) {
        handledAll = false;
        break;
      }
      const chunk = messages.slice(i, i + size);
      const last = chunk[chunk.length - 1]?.offset ?? '0';
      let plans: PlannedMove[];
      // Any failure stops the run here (never thrown into kafkajs, which would retry the batch on its own).
      let tx: Awaited<ReturnType<Producer['transaction']>> | undefined;
      try {
        const context = { dlq, decide, now: now(), keepInvalid, topics, refused };
        plans = chunk.map((m) => planMove(context, batch.partition, m));
        tx = await producer.transaction();
        await tx.sendBatch({ topicMessages: groupByTopic(plans) });
        await tx.sendOffsets({
          consumerGroupId: dlq.consumerGroupId,
          topics: [
            {
              topic: batch.topic,
              partitions: [{ partition: batch.partition, offset: String(Number(last) + 1) }],
            },
          ],
        });
        await options.hooks?.beforeCommit?.(plans.map((p) => p.moved));
        await tx.commit();
      } catch (error) {
        if (tx !== undefined) await tx.abort().catch(() => undefined);
        const refusal = refusalOf(error);
        const only = chunk[0];
        if (refusal !== undefined && chunk.length > 1) {
          size = 1; // find the refused record: move this chunk one record at a time
          continue;
        }
        const key = only === undefined ? '' : `${batch.partition}:${only.offset}`;
        if (refusal !== undefined && !refused.has(key)) {
          logger.warn('the broker refused a dlq move for good; archiving the record', {
            partition: batch.partition,
            offset: only?.offset,
            refusal,
          });
          refused.set(key, refusal);
          continue;
        }
        failure = error;
        handledAll = false;
        break;
      }
      i += chunk.length;
      read += chunk.length;
      moved.push(...plans.map((p) => p.moved));
      recordMoveMetrics(plans);
      resolveOffset(last);
      position.set(batch.partition, Number(last) + 1);
      lastProgress = Date.now();
      await heartbeat();
    }
    const remainingBeyondStop = batch.messages.length > messages.length;
    if (handledAll && !remainingBeyondStop) {
      // Control records (transaction markers) after the last message count as read.
      position.set(
        batch.partition,
        Math.max(position.get(batch.partition) ?? -1, Number(batch.lastOffset()) + 1),
      );
      lastProgress = Date.now();
    } else if (handledAll) {
      position.set(batch.partition, Math.max(position.get(batch.partition) ?? -1, stop));
    }
    if (failure !== undefined || allDone() || Date.now() >= deadline) finish();
  };

  const watchdog = setInterval(() => {
    if (Date.now() >= deadline || (joined && Date.now() - lastProgress >= idleMs)) finish();
  }, 100);
  try {
    // Fences any crashed run of the same transactional id: its open transaction is aborted.
    await producer.connect();
    const init = await producer.transaction();
    await init.abort();
    await consumer.connect();
    consumer.on(consumer.events.GROUP_JOIN, () => {
      joined = true;
      lastProgress = Date.now();
    });
    await consumer.subscribe({ topic: dlq.topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch,
    });
    await finished;
  } finally {
    clearInterval(watchdog);
    await consumer.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
  }
  if (failure !== undefined) {
    logger.error('dlq move failed; the transaction was aborted', { error: failure });
    throw new DlqMoveError('moving records out of the dead-letter queue failed', {
      cause: failure,
    });
  }
  return summarize(moved, read, allDone());
};

const summarize = (
  moved: readonly MovedRecord[],
  read: number,
  complete: boolean,
): DlqMoverResult => ({
  read,
  retried: moved.filter((m) => m.action === 'retry').length,
  archived: moved.filter((m) => m.action === 'archive').length,
  requeued: moved.filter((m) => m.action === 'requeue').length,
  moved,
  complete,
});
