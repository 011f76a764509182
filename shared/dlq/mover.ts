/**
 * The DLQ mover: reads the dead-letter queue with its own consumer group and
 * moves each record out of it atomically — republished to its original
 * topic, archived, or re-queued (not yet due, see shared/dlq/move-plan.ts) —
 * in a Kafka transaction that also commits the DLQ offset (produce +
 * sendOffsets + commit, through shared/kafka's KafkaProducer.transaction).
 * A crash between produce and commit aborts the transaction (the next run's
 * producer, with the same transactional id, fences it), so nothing is lost
 * and read_committed readers never see a record twice.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Batch, Consumer, Kafka, KafkaMessage } from 'kafkajs';
import { withAdmin } from '../kafka/admin';
import { KafkaProducer } from '../kafka/producer';
import { loadProducerConfig } from '../kafka/producer-config';
import { dlqProducerConfig } from '../kafka/producer-instance';
import { MetricName } from '../platform/metrics';
import { recordMetric } from '../observability/metrics';
import { dlqTransactionalIds } from '../platform/queries';
import type { DlqDefinition } from '../platform/schema';
import { DlqMoveError } from './errors';
import { afterFailure, planMove, policyDecision, refusalKey, summarizeMoves } from './move-plan';
import type { DecideMove, DlqMoverResult, MovedRecord, PlannedMove } from './move-plan';
import type { RandomSource } from './retry-strategies';
import { pendingDlqRanges } from './stats';

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
  /** Stop after this long without progress once the group is joined; a batch in the middle of its move is not idle. @default 3000 */
  readonly idleMs?: number;
  /** Session (and rebalance) timeout of the DLQ consumer. @default 10000 */
  readonly sessionTimeoutMs?: number;
}

/** The partitions to move, each up to the DLQ's high watermark at the start of the run. */
interface Pending {
  readonly stopAt: ReadonlyMap<number, number>;
  readonly topics: ReadonlySet<string>;
}

const pendingWork = (kafka: Kafka, dlq: DlqDefinition): Promise<Pending> =>
  withAdmin(kafka, async (admin) => {
    const ranges = (await pendingDlqRanges(admin, dlq)).filter((r) => r.from < r.to);
    const topics = ranges.length === 0 ? new Set<string>() : new Set(await admin.listTopics());
    return { stopAt: new Map(ranges.map((r) => [r.partition, r.to])), topics };
  });

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

/** The kafkajs eachBatch callbacks a run uses. */
interface BatchControl {
  readonly batch: Batch;
  readonly resolveOffset: (offset: string) => void;
  readonly heartbeat: () => Promise<void>;
  readonly isRunning: () => boolean;
}

/**
 * One run's state: what was moved, how far each partition got, the moves
 * the broker refused for good, and the failure that stopped it. kafkajs
 * calls {@link MoverRun.moveBatch} for each batch of the DLQ.
 */
class MoverRun {
  public readonly moved: MovedRecord[] = [];
  public read = 0;
  public failure: unknown;
  public joined = false;
  public lastProgress = Date.now();
  /** A batch is being moved: its transaction may take long (kafkajs backs off on CONCURRENT_TRANSACTIONS), which is not idleness. */
  public moving = false;
  readonly #position = new Map<number, number>();
  readonly #refused = new Map<string, string>();
  readonly #finished: Promise<void>;
  #finish: () => void = () => undefined;

  public constructor(
    private readonly options: DlqMoverOptions & { readonly decide: DecideMove },
    private readonly pending: Pending,
    private readonly producer: KafkaProducer,
  ) {
    this.#finished = new Promise<void>((resolve) => (this.#finish = resolve));
  }

  /** Resolves when the run is done, failed, or out of time. */
  public get finished(): Promise<void> {
    return this.#finished;
  }

  public finish(): void {
    this.#finish();
  }

  /** The next DLQ offset of each partition the run got past. */
  public get handledUpTo(): ReadonlyMap<number, number> {
    return this.#position;
  }

  /** Every partition reached its high watermark of the start of the run. */
  public allDone(): boolean {
    return [...this.pending.stopAt].every(
      ([partition, high]) => (this.#position.get(partition) ?? -1) >= high,
    );
  }

  #advance(partition: number, next: number): void {
    this.#position.set(partition, Math.max(this.#position.get(partition) ?? -1, next));
  }

  #stopping(control: BatchControl): boolean {
    return (
      !control.isRunning() || this.failure !== undefined || Date.now() >= this.options.deadline
    );
  }

  /** One transaction: the chunk's moves and the DLQ offset after it. Throws when aborted. */
  async #moveChunk(batch: Batch, chunk: readonly KafkaMessage[]): Promise<PlannedMove[]> {
    const { dlq, decide, hooks } = this.options;
    const last = chunk[chunk.length - 1]?.offset ?? '0';
    const context = {
      dlq,
      decide,
      now: (this.options.now ?? (() => new Date()))(),
      keepInvalid: this.options.keepInvalid ?? false,
      topics: this.pending.topics,
      refused: this.#refused,
    };
    const plans = chunk.map((m) => planMove(context, batch.partition, m));
    await this.producer.transaction(async (tx) => {
      await tx.send(plans.map((p) => p.output));
      await tx.sendOffsets({
        consumerGroupId: dlq.consumerGroupId,
        topics: [
          {
            topic: batch.topic,
            partitions: [{ partition: batch.partition, offset: String(Number(last) + 1) }],
          },
        ],
      });
      await hooks?.beforeCommit?.(plans.map((p) => p.moved));
    });
    return plans;
  }

  /**
   * Moves the batch's records below the run's stop offset, in transactions
   * of at most `maxRecordsPerTransaction` records. A failure never reaches
   * kafkajs (which would retry the batch on its own): it stops the run.
   */
  public async moveBatch(control: BatchControl): Promise<void> {
    this.moving = true;
    try {
      await this.#moveBatch(control);
    } finally {
      this.moving = false;
    }
  }

  async #moveBatch(control: BatchControl): Promise<void> {
    const { batch } = control;
    const stop = this.pending.stopAt.get(batch.partition) ?? 0;
    const messages = batch.messages.filter((m) => Number(m.offset) < stop);
    let size = this.options.maxRecordsPerTransaction ?? 100;
    let handledAll = true;
    for (let i = 0; i < messages.length;) {
      if (this.#stopping(control)) {
        handledAll = false;
        break;
      }
      const chunk = messages.slice(i, i + size);
      const last = chunk[chunk.length - 1]?.offset ?? '0';
      let plans: PlannedMove[];
      try {
        plans = await this.#moveChunk(batch, chunk);
      } catch (error) {
        const only = chunk[0];
        const key = only === undefined ? '' : refusalKey(batch.partition, only.offset);
        const next = afterFailure(error, chunk.length, this.#refused.has(key));
        if (next.next === 'split') {
          size = 1; // find the refused record: move this chunk one record at a time
          continue;
        }
        if (next.next === 'archive-refused') {
          this.options.logger.warn('the broker refused a dlq move for good; archiving the record', {
            partition: batch.partition,
            offset: only?.offset,
            refusal: next.refusal,
          });
          this.#refused.set(key, next.refusal);
          continue;
        }
        this.failure = error;
        handledAll = false;
        break;
      }
      i += chunk.length;
      this.read += chunk.length;
      this.moved.push(...plans.map((p) => p.moved));
      recordMoveMetrics(plans);
      control.resolveOffset(last);
      this.#advance(batch.partition, Number(last) + 1);
      this.lastProgress = Date.now();
      await control.heartbeat();
    }
    if (handledAll) {
      // Control records (transaction markers) after the last message count as read.
      const beyondStop = batch.messages.length > messages.length;
      this.#advance(batch.partition, beyondStop ? stop : Number(batch.lastOffset()) + 1);
      if (!beyondStop) this.lastProgress = Date.now();
    }
    if (this.failure !== undefined || this.allDone() || Date.now() >= this.options.deadline)
      this.finish();
  }
}

/** Consumes the DLQ in the retry group until the run finishes. */
const consumeUntilFinished = async (run: MoverRun, options: DlqMoverOptions): Promise<void> => {
  const { kafka, dlq } = options;
  const consumer: Consumer = kafka.consumer({
    groupId: dlq.consumerGroupId,
    readUncommitted: false,
    maxWaitTimeInMs: 250,
    // A crashed run's member blocks the next join until its session expires: keep that short.
    sessionTimeout: options.sessionTimeoutMs ?? 10_000,
    rebalanceTimeout: options.sessionTimeoutMs ?? 10_000,
  });
  const idleMs = options.idleMs ?? 3000;
  const watchdog = setInterval(() => {
    const idle = run.joined && !run.moving && Date.now() - run.lastProgress >= idleMs;
    if (Date.now() >= options.deadline || idle) run.finish();
  }, 100);
  try {
    await consumer.connect();
    consumer.on(consumer.events.GROUP_JOIN, () => {
      run.joined = true;
      run.lastProgress = Date.now();
    });
    await consumer.subscribe({ topic: dlq.topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: (payload) => run.moveBatch(payload),
    });
    await run.finished;
  } finally {
    clearInterval(watchdog);
    await consumer.disconnect().catch(() => undefined);
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
  const { kafka, dlq, logger } = options;
  const pending = await pendingWork(kafka, dlq);
  if (pending.stopAt.size === 0) return summarizeMoves([], 0, true);

  const producer = new KafkaProducer({
    kafka,
    config: dlqProducerConfig(loadProducerConfig()),
    transactionalId: options.transactionalId ?? dlqTransactionalIds(dlq).mover,
    logger,
  });
  const decide = options.decide ?? policyDecision(dlq, options.random);
  const run = new MoverRun({ ...options, decide }, pending, producer);
  try {
    // Opening the transactional connection fences any crashed run of the same
    // transactional id: its open transaction is aborted.
    await producer.transaction(async () => undefined);
    await consumeUntilFinished(run, options);
  } finally {
    await producer.disconnect().catch(() => undefined);
  }
  if (run.failure !== undefined) {
    logger.error('dlq move failed; the transaction was aborted', { error: run.failure });
    throw new DlqMoveError('moving records out of the dead-letter queue failed', {
      cause: run.failure,
    });
  }
  return summarizeMoves(run.moved, run.read, run.allDone(), run.handledUpTo);
};
