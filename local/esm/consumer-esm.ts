import type { Logger } from '@aws-lambda-powertools/logger';
import type { Admin, Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { MSKEvent } from 'aws-lambda';
import { withAdmin } from '../../shared/kafka/admin';
import type { RecordSender } from '../../shared/kafka/records';
import { esmGroupId } from '../../shared/platform';
import { retry } from '../../shared/retry';
import type { ConsumerDefinition } from '../../shared/platform/schema';
import { loadLocalEsmConfig } from './config';
import type { EsmMemoryBounds } from './config';
import { Batcher } from './batcher';
import { deliverBatch } from './delivery';
import type { InvocationOutcome, LambdaHandler } from './delivery';
import { EsmStoppedError } from './errors';
import { MAX_PAYLOAD_BYTES, estimateRecordBytes, eventOverheadBytes } from './msk-event';
import type { EventSourceInfo, PendingRecord } from './msk-event';
import { createDiscard } from './on-failure';
import { createFolderDiscard } from './on-failure-folder';

/** Options of {@link ConsumerEsm}. */
export interface ConsumerEsmOptions {
  readonly consumer: ConsumerDefinition;
  /** The one topic this mapping reads (AWS: one event source mapping per topic). */
  readonly topic: string;
  readonly kafka: Kafka;
  readonly logger: Logger;
  readonly handler: LambdaHandler;
  readonly source: EventSourceInfo;
  /** Producer for the on-failure topic (connected lazily, shared). */
  readonly producer: RecordSender;
  /** The local stand-in of the S3 on-failure bucket, for consumers without an on-failure topic. */
  readonly onFailureDir: string;
  /** Wait between two attempts to write to an unwritable on-failure destination. @default 1 s */
  readonly onFailureRetryMs?: number;
  /** Observes every invocation (tests, debugging). */
  readonly onInvocation?: (event: MSKEvent, outcome: InvocationOutcome) => void;
  /** Delay before retry n of a failed batch. @default 100 ms doubling, capped at 5 s */
  readonly backoffMs?: (retry: number) => number;
  readonly maxPayloadBytes?: number;
  /** @default the defaults of XSEVEN_ESM_READ_AHEAD_BYTES, XSEVEN_ESM_FETCH_MAX_BYTES(_PER_PARTITION) */
  readonly memory?: EsmMemoryBounds;
  /** Bytes a fetch waits for (up to the batching window). @default kafkajs' (1 byte) */
  readonly fetchMinBytes?: number;
}

const TIMESTAMP_LOG_APPEND_TIME = 1;

/**
 * Records fetched ahead of delivery at most: enough for the fetcher to keep
 * the invocations busy (the next fetch runs while two batches wait), bounded
 * so a blocked partition does not hoard memory. Fewer records held means
 * fewer survivors for each scavenge: 4,000 instead cost more in GC than the
 * deeper fetch-ahead saved.
 */
const bufferLimit = (def: ConsumerDefinition): number => Math.max(def.batchSize * 2, 2_000);

/**
 * The fetch minimum (kafkajs `minBytes`) of a mapping: with a batching
 * window, a fetch waits (up to the window, `maxWaitTimeInMs`) until some
 * bytes (16 KiB by default) are there, instead of returning each record as
 * it is written: a record published alone used to cost a fetch of its own
 * (request, answer, decompression, a batch), which took a third of the CPU
 * `npm start` spent under single-event publishing (issue #13 item 2). The
 * batcher does not count the window twice (batcher.ts). Without a window,
 * one byte: records come at once.
 *
 * @example
 * ```ts
 * fetchMinBytes({ ...consumer, maximumBatchingWindowMs: 0 }, memory); // 1
 * ```
 */
export const fetchMinBytes = (
  def: Pick<ConsumerDefinition, 'maximumBatchingWindowMs'>,
  memory: Pick<EsmMemoryBounds, 'fetchMaxBytesPerPartition'>,
): number =>
  // An eighth of a partition's fetch: a fetch of one partition of a backlog
  // ends on a record batch's boundary below its size limit, and must not
  // then wait for bytes that cannot come in it (that halved a backlog's pace).
  def.maximumBatchingWindowMs > 0 ? Math.floor(memory.fetchMaxBytesPerPartition / 8) : 1;

const toPending = (topic: string, partition: number, message: KafkaMessage): PendingRecord => {
  const context = (message as { batchContext?: { timestampType?: number } }).batchContext;
  const headers = message.headers ?? {};
  return {
    topic,
    partition,
    offset: Number(message.offset),
    timestamp: Number(message.timestamp),
    timestampType:
      context?.timestampType === TIMESTAMP_LOG_APPEND_TIME ? 'LOG_APPEND_TIME' : 'CREATE_TIME',
    key: message.key,
    value: message.value,
    headers,
    estimatedBytes: estimateRecordBytes({ topic, key: message.key, value: message.value, headers }),
  };
};

/** Whether the group has no committed offset on any partition of the topics. */
const groupHasNoOffsets = async (admin: Admin, groupId: string, topics: string[]) => {
  const offsets = await admin.fetchOffsets({ groupId, topics });
  return offsets.every((t) => t.partitions.every((p) => Number(p.offset) < 0));
};

/**
 * The local event source mapping of one consumer on one topic: a kafkajs
 * consumer group (AWS's group id, see `esmGroupId`) feeding the consumer's handler with AWS's event
 * shape and semantics (see local/esm/delivery.ts and docs/consumers.md).
 * Offsets are committed only after a batch is delivered.
 *
 * @example
 * ```ts
 * const esm = new ConsumerEsm({ consumer, kafka, logger, handler, source, producer });
 * await esm.start();
 * await esm.stop();
 * ```
 */
export class ConsumerEsm {
  readonly #options: ConsumerEsmOptions;
  #consumer: Consumer | undefined;
  #batcher: Batcher | undefined;
  #controller: AbortController | undefined;
  #restarting = false;
  readonly #toCommit = new Map<string, { topic: string; partition: number; offset: string }>();
  #committing: Promise<void> | undefined;

  public constructor(options: ConsumerEsmOptions) {
    this.#options = options;
  }

  /** The consumer group of this ESM. */
  public get groupId(): string {
    return esmGroupId(this.#options.consumer, this.#options.topic);
  }

  /** Whether the ESM is consuming. */
  public get running(): boolean {
    return this.#consumer !== undefined;
  }

  /**
   * Joins the group and starts delivering. The starting position applies
   * only when the group has no committed offsets, as in AWS.
   *
   * @example
   * ```ts
   * await esm.start();
   * ```
   */
  public async start(): Promise<void> {
    if (this.#consumer) return;
    const { consumer: def, kafka, logger } = this.#options;
    const memory = this.#options.memory ?? loadLocalEsmConfig({}).memory;
    const controller = new AbortController();
    this.#controller = controller;
    await this.#applyStartingPosition();
    const consumer = kafka.consumer({
      groupId: this.groupId,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: Math.min(Math.max(def.maximumBatchingWindowMs, 100), 1_000),
      minBytes: this.#options.fetchMinBytes ?? fetchMinBytes(def, memory),
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      maxBytes: memory.fetchMaxBytes,
      maxBytesPerPartition: memory.fetchMaxBytesPerPartition,
    });
    const batcher = new Batcher({
      batchSize: def.batchSize,
      windowMs: def.maximumBatchingWindowMs,
      maxPayloadBytes: this.#options.maxPayloadBytes ?? MAX_PAYLOAD_BYTES,
      overheadBytes: eventOverheadBytes(this.#options.source),
      maxBuffered: bufferLimit(def),
      maxBufferedBytes: memory.readAheadBytes,
      deliver: (records) => deliverBatch(records, this.#deliveryDeps(controller.signal)),
      committed: (last) => this.#commit(consumer, last),
      onError: (error) => this.#onBatchError(error),
    });
    this.#consumer = consumer;
    this.#batcher = batcher;
    await consumer.connect();
    const partitions = await this.#prepare();
    await consumer.subscribe({
      topics: [this.#options.topic],
      fromBeginning: def.startingPosition !== 'LATEST',
    });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: Math.max(1, Math.min(partitions, 64)),
      eachBatch: (payload) => this.#eachBatch(batcher, payload),
    });
    logger.info('local ESM started', {
      consumer: def.name,
      groupId: this.groupId,
      topic: this.#options.topic,
      batchSize: def.batchSize,
      batchingWindowMs: def.maximumBatchingWindowMs,
    });
  }

  /**
   * Stops delivering and leaves the group (no active member afterwards).
   * A pending batch is not committed: it is delivered again on restart.
   *
   * @example
   * ```ts
   * await esm.stop();
   * ```
   */
  public async stop(): Promise<void> {
    const consumer = this.#consumer;
    if (!consumer) return;
    this.#consumer = undefined;
    this.#controller?.abort();
    this.#batcher?.stop();
    await this.#batcher?.drained();
    // Delivered batches are committed before leaving the group.
    while (this.#committing) await this.#committing;
    await consumer.disconnect();
    this.#options.logger.info('local ESM stopped', {
      consumer: this.#options.consumer.name,
      groupId: this.groupId,
    });
  }

  async #eachBatch(batcher: Batcher, payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload;
    if (!isRunning() || isStale() || batch.messages.length === 0) return;
    const records = batch.messages
      .filter((m) => !(m as { isControlRecord?: boolean }).isControlRecord)
      .map((m) => toPending(batch.topic, batch.partition, m));
    batcher.add(records);
    const last = batch.messages[batch.messages.length - 1];
    if (last) resolveOffset(last.offset);
    while (isRunning() && !batcher.hasRoom) {
      // Wake at least every 2 s to heartbeat while the batcher is full.
      await Promise.race([batcher.waitForRoom(), new Promise((r) => setTimeout(r, 2_000).unref())]);
      await heartbeat().catch(() => undefined);
    }
  }

  /**
   * Queues the offsets of a delivered batch for commit. Commits run one at a
   * time, each taking the latest offsets queued (so they never go
   * backwards), without holding up the next batch's delivery.
   */
  #commit(consumer: Consumer, last: ReadonlyMap<string, PendingRecord>): Promise<void> {
    for (const [key, r] of last)
      this.#toCommit.set(key, {
        topic: r.topic,
        partition: r.partition,
        offset: String(r.offset + 1),
      });
    this.#committing ??= this.#flushCommits(consumer).finally(() => {
      this.#committing = undefined;
    });
    return Promise.resolve();
  }

  async #flushCommits(consumer: Consumer): Promise<void> {
    while (this.#toCommit.size > 0) {
      const offsets = [...this.#toCommit.values()];
      this.#toCommit.clear();
      try {
        await consumer.commitOffsets(offsets);
      } catch (error) {
        // A rebalance took the partition: its new owner delivers from the last commit.
        this.#options.logger.warn('offset commit failed; records will be delivered again', {
          consumer: this.#options.consumer.name,
          error: (error as Error).message,
        });
      }
    }
  }

  #deliveryDeps(signal: AbortSignal) {
    const { consumer, handler, source, logger, producer, onInvocation, backoffMs } = this.#options;
    const common = {
      consumer,
      groupId: this.groupId,
      logger,
      signal,
      ...(this.#options.onFailureRetryMs === undefined
        ? {}
        : { retryDelayMs: this.#options.onFailureRetryMs }),
    };
    // As the stack configures it: the consumer's Kafka topic when it names
    // one, else the S3 bucket (here, its local folder).
    const discard =
      consumer.onFailureTopic === undefined
        ? createFolderDiscard({ ...common, source, dir: this.#options.onFailureDir })
        : createDiscard({ ...common, topic: consumer.onFailureTopic, producer });
    return {
      consumer,
      handler,
      source,
      signal,
      discard,
      ...(onInvocation ? { onInvocation } : {}),
      ...(backoffMs ? { backoffMs } : {}),
      ...(this.#options.maxPayloadBytes ? { maxPayloadBytes: this.#options.maxPayloadBytes } : {}),
    };
  }

  #onBatchError(error: unknown): void {
    if (error instanceof EsmStoppedError) return;
    const { logger, consumer } = this.#options;
    logger.error('local ESM batch failed unexpectedly; restarting from the committed offsets', {
      consumer: consumer.name,
      error: (error as Error).message,
    });
    if (this.#restarting) return;
    this.#restarting = true;
    void this.stop()
      .then(() => this.start())
      .catch((e: unknown) => logger.error('local ESM restart failed', { error: e }))
      .finally(() => {
        this.#restarting = false;
      });
  }

  /**
   * The topic's partition count, once the group's coordinator answers: on a
   * fresh cluster the offsets topic is still being created and loaded, and
   * a join meanwhile crashes the kafkajs consumer (logged at ERROR) before
   * it retries on its own.
   */
  async #prepare(): Promise<number> {
    return withAdmin(this.#options.kafka, async (admin) => {
      await retry(() => admin.describeGroups([this.groupId]), {
        retries: Number.MAX_SAFE_INTEGER,
        baseDelayMs: 100,
        maxDelayMs: 1_000,
        deadlineMs: 60_000,
      });
      const { topics } = await admin.fetchTopicMetadata({ topics: [this.#options.topic] });
      return topics.reduce((n, t) => n + t.partitions.length, 0);
    });
  }

  async #applyStartingPosition(): Promise<void> {
    const { consumer: def, kafka, topic } = this.#options;
    if (def.startingPosition !== 'AT_TIMESTAMP') return;
    await withAdmin(kafka, async (admin) => {
      if (!(await groupHasNoOffsets(admin, this.groupId, [topic]))) return;
      const partitions = await admin.fetchTopicOffsetsByTimestamp(
        topic,
        def.startingPositionTimestamp ?? 0,
      );
      await admin.setOffsets({ groupId: this.groupId, topic, partitions });
    });
  }
}
