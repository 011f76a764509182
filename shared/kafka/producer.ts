import { randomUUID } from 'node:crypto';
import type { Admin, Kafka, Message, PartitionMetadata, Producer, RecordMetadata } from 'kafkajs';
import type { Logger } from '@aws-lambda-powertools/logger';
import { KafkaUnavailableError } from '../errors';
import { MetricName } from '../platform/metrics';
import { recordMetric } from '../observability/metrics';
import { systemClock } from '../retry';
import type { RetryClock } from '../retry';
import { DeliveryTimeoutError } from './errors';
import { gzipSmallBatchesInThread } from './codecs';
import { compressionCodec } from './producer-config';
import type { ProducerConfig } from './producer-config';
import { deliver } from './producer-delivery';
import type { SendOutcome } from './producer-delivery';
import { defaultPartitioner, groupByPartition, ProducerLanes } from './producer-lanes';
import type { PartitionGroup, TopicPartitions } from './producer-lanes';
import { LingerQueue } from './producer-linger';
import { MAX_RECORD_BYTES } from '../platform/limits';
import { kafkajsSettlesEveryBrokerRequest } from './kafkajs-patch';
import { PartitionRequests } from './producer-requests';
import type { PartitionRequest } from './producer-requests';
import { ProducerSessions } from './producer-sessions';
import { placedPartitioner, toMessage } from './producer-records';
import type { OutgoingRecord, RecordPosition } from './records';
import { openTransaction } from './producer-transaction';
import type { ProducerTransaction } from './producer-transaction';

export type { ProducerTransaction } from './producer-transaction';
export type { SendOutcome } from './producer-delivery';

/** How long a topic's partition metadata is reused to place records (kafkajs' metadataMaxAge is 5 min). */
const METADATA_MAX_AGE_MS = 60_000;

/** Options of {@link KafkaProducer}. */
export interface KafkaProducerOptions {
  /** The client, or a factory called on first use (keeps module load cheap). */
  readonly kafka: Kafka | (() => Kafka);
  readonly config: ProducerConfig;
  readonly logger?: Logger;
  /** @default systemClock */
  readonly clock?: RetryClock;
  /** @default Math.random */
  readonly random?: () => number;
  /**
   * The transactional id of {@link KafkaProducer.transaction}, exactly: a
   * stable id makes a new producer fence (abort) the open transaction of a
   * crashed one with the same id (the DLQ mover). @default
   * `<KAFKA_PRODUCER_TRANSACTIONAL_ID or xseven-tx>-<uuid>`, unique per
   * container (containers sharing an id would fence each other)
   */
  readonly transactionalId?: string;
  /**
   * The partitions of topics, to place records the way kafkajs' default
   * partitioner would (tests). @default read with the client's admin, cached a minute
   */
  readonly partitionMetadata?: (topics: readonly string[]) => Promise<TopicPartitions>;
}

/**
 * A Kafka producer for one Lambda container: created once (module scope),
 * connected lazily on the first send, reused by every warm invocation.
 * Idempotent with acks=all and gzip by default; delivers per partition, one
 * request in flight per partition (the partitions of one turn share a
 * produce request: {@link PartitionRequests}, with the project's patch of
 * kafkajs only, else one request per partition), and re-sends only the
 * partitions Kafka did not acknowledge, on the same session, with
 * exponential backoff and jitter, within
 * `KAFKA_PRODUCER_DELIVERY_TIMEOUT_MS` ({@link deliver}); records the
 * producer metrics.
 *
 * @example
 * ```ts
 * const producer = new KafkaProducer({ kafka: () => createKafka(), config: loadProducerConfig() });
 * const [position] = await producer.send([{ topic: 'ai.responses', key: 'c1', value: '{}' }]);
 * ```
 */
export class KafkaProducer {
  private readonly options: KafkaProducerOptions;
  private readonly clock: RetryClock;
  private readonly linger: LingerQueue<SendOutcome> | undefined;
  private readonly lanes: ProducerLanes;
  private readonly requests = new PartitionRequests<Producer>({
    send: (producer, requests) => this.sendRequest(producer, requests),
    unacknowledged: () => this.options.config.acks === 0,
    share: () => {
      const patched = kafkajsSettlesEveryBrokerRequest();
      if (!patched)
        this.options.logger?.warn(
          'kafkajs is not patched (patches/kafkajs+2.2.4.patch, applied by npm ci): one produce request per partition',
        );
      return patched;
    },
    now: () => this.clock.now(),
  });
  /** Made on the first send (kafkajs is loaded then, not when the producer is built). */
  private partitioner: ReturnType<typeof defaultPartitioner> | undefined;
  private readonly metadata = new Map<string, { at: number; partitions: PartitionMetadata[] }>();
  private admin: Promise<Admin> | undefined;
  private kafkaClient: Kafka | undefined;
  private readonly sessions = new ProducerSessions<Producer>({
    open: () => this.connectProducer(),
    close: (producer) => producer.disconnect(),
  });
  private transactional: Promise<Producer> | undefined;
  private transactionQueue: Promise<unknown> = Promise.resolve();

  public constructor(options: KafkaProducerOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
    // A joined request carries at most what one call may send in one (a
    // publish call's chunk); a topic with a lower max.message.bytes refuses
    // it, and the lanes send each call's records again on their own.
    this.lanes = new ProducerLanes(MAX_RECORD_BYTES);
    this.linger =
      options.config.lingerMs > 0
        ? new LingerQueue<SendOutcome>({
            lingerMs: options.config.lingerMs,
            batchSizeBytes: options.config.batchSizeBytes,
            flush: (records) => this.deliverNow(records),
          })
        : undefined;
  }

  /** The validated settings this producer uses. */
  public get config(): ProducerConfig {
    return this.options.config;
  }

  private kafka(): Kafka {
    const { kafka } = this.options;
    this.kafkaClient ??= typeof kafka === 'function' ? kafka() : kafka;
    return this.kafkaClient;
  }

  private connectProducer(transactionalId?: string): Promise<Producer> {
    const { config } = this.options;
    // Before the first batch is compressed (kafkajs is loaded by now).
    gzipSmallBatchesInThread();
    const producer = this.kafka().producer({
      idempotent: transactionalId !== undefined || config.idempotent,
      // Topics come from the definition: a write to a missing topic fails, never creates it.
      allowAutoTopicCreation: false,
      // Every message names its partition (placed by `group`); kafkajs warns without a partitioner.
      createPartitioner: placedPartitioner,
      // Transaction control requests (CONCURRENT_TRANSACTIONS right after a
      // commit...) need kafkajs' own patient retries. Sends outside a
      // transaction retry in kafkajs once (in-session retries keep
      // idempotence); the backoff policy of the publish path is ours (see send()).
      ...(transactionalId === undefined
        ? {
            retry: {
              retries: 1,
              initialRetryTime: config.retryBackoffMs,
              maxRetryTime: config.retryMaxBackoffMs,
            },
          }
        : { transactionalId, maxInFlightRequests: 1 }),
    });
    return producer.connect().then(
      () => producer,
      async (error: unknown) => {
        await producer.disconnect().catch(() => undefined);
        throw new KafkaUnavailableError(
          `could not connect to Kafka: ${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        );
      },
    );
  }

  /**
   * Connects now (otherwise the first send connects). Concurrent callers
   * share one connection attempt; a failed attempt is forgotten, so the
   * next call tries again.
   *
   * @example
   * ```ts
   * await producer.connect();
   * ```
   */
  public async connect(): Promise<void> {
    await this.sessions.ready();
  }

  /** The partitions of `topics`, from the admin's metadata (cached {@link METADATA_MAX_AGE_MS}). */
  private async topicPartitions(topics: readonly string[]): Promise<TopicPartitions> {
    if (this.options.partitionMetadata) return this.options.partitionMetadata(topics);
    const now = this.clock.now();
    const stale = topics.filter((topic) => {
      const cached = this.metadata.get(topic);
      return cached === undefined || now - cached.at > METADATA_MAX_AGE_MS;
    });
    if (stale.length > 0) {
      const { topics: fetched } = await (
        await this.connectedAdmin()
      ).fetchTopicMetadata({
        topics: stale,
      });
      for (const { name, partitions } of fetched) this.metadata.set(name, { at: now, partitions });
    }
    return new Map(topics.map((topic) => [topic, this.metadata.get(topic)?.partitions ?? []]));
  }

  private connectedAdmin(): Promise<Admin> {
    if (this.admin === undefined) {
      const admin = this.kafka().admin();
      const attempt = admin.connect().then(() => admin);
      this.admin = attempt;
      attempt.catch(() => {
        if (this.admin === attempt) this.admin = undefined;
      });
    }
    return this.admin;
  }

  /** Groups records by the partition kafkajs' default partitioner gives them. */
  private async group(records: readonly OutgoingRecord[]): Promise<PartitionGroup[]> {
    const unplaced = [
      ...new Set(records.filter((r) => r.partition === undefined).map((r) => r.topic)),
    ];
    const metadata = unplaced.length > 0 ? await this.topicPartitions(unplaced) : new Map();
    for (const topic of unplaced)
      if ((metadata.get(topic)?.length ?? 0) === 0)
        throw new KafkaUnavailableError(`no partition metadata for topic "${topic}"`);
    this.partitioner ??= defaultPartitioner();
    return groupByPartition(records, metadata, this.partitioner);
  }

  /** One produce request on `producer` for the records of some partitions; Kafka's answers. */
  private sendRequest(
    producer: Producer,
    requests: readonly PartitionRequest<Producer>[],
  ): Promise<RecordMetadata[]> {
    const { config } = this.options;
    const byTopic = new Map<string, Message[]>();
    let deadlineAt = Number.POSITIVE_INFINITY;
    for (const { group, records, deadlineAt: at } of requests) {
      let messages = byTopic.get(group.topic);
      if (messages === undefined) {
        // kafkajs keeps one entry per topic (a second one would replace the first).
        messages = [];
        byTopic.set(group.topic, messages);
      }
      for (const record of records) messages.push(toMessage(record, group.partition));
      deadlineAt = Math.min(deadlineAt, at);
    }
    return producer.sendBatch({
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      acks: config.acks,
      // The broker answers before the delivery deadline rather than after it.
      timeout: Math.max(100, Math.min(config.timeoutMs, deadlineAt - this.clock.now())),
      compression: compressionCodec(config.compression),
    });
  }

  /** Delivers with the retry policy and the delivery timeout, without lingering. */
  private deliverNow(records: readonly OutgoingRecord[]): Promise<SendOutcome[]> {
    return deliver(records, {
      config: this.options.config,
      clock: this.clock,
      random: this.options.random ?? Math.random,
      lanes: this.lanes,
      logger: this.options.logger,
      group: (batch) => this.group(batch),
      sessions: this.sessions,
      sendOn: (producer, group, batch, deadlineAt) =>
        this.requests.send({ producer, group, records: batch, deadlineAt }),
    });
  }

  /**
   * Writes records and tells, for each record in input order, where it
   * landed or why it may not have: records are sent per partition (one
   * request in flight per partition), and a failed partition is re-sent on
   * its own, so some partitions of a call can be written while others
   * fail. A failure is a KafkaUnavailableError (not written), a
   * DeliveryTimeoutError (not confirmed within
   * `KAFKA_PRODUCER_DELIVERY_TIMEOUT_MS`: may or may not be written) or a
   * ProducerSendError (refused for good).
   *
   * @example
   * ```ts
   * const outcomes = await producer.sendEach(records);
   * const written = outcomes.filter((o) => o.ok).length;
   * ```
   */
  public async sendEach(records: readonly OutgoingRecord[]): Promise<SendOutcome[]> {
    if (records.length === 0) return [];
    const started = this.clock.now();
    recordMetric(MetricName.ProducerBatchSize, records.length);
    try {
      const outcomes = await (this.linger ? this.linger.add(records) : this.deliverNow(records));
      const sent = new Map<string, number>();
      const failed = new Map<string, number>();
      outcomes.forEach((outcome, index) => {
        const topic = records[index]?.topic ?? '';
        const counts = outcome.ok ? sent : failed;
        counts.set(topic, (counts.get(topic) ?? 0) + 1);
      });
      for (const [topic, count] of sent)
        recordMetric(MetricName.ProducerMessagesSent, count, { topic });
      for (const [topic, count] of failed)
        recordMetric(MetricName.ProducerMessagesFailed, count, { topic });
      return outcomes;
    } finally {
      recordMetric(MetricName.ProducerSendDurationSeconds, (this.clock.now() - started) / 1000);
    }
  }

  /**
   * Writes records and returns where each landed, in input order; throws
   * when any record was not confirmed (see {@link sendEach}; the records of
   * other partitions may be written): a DeliveryTimeoutError when some may
   * or may not be written, else KafkaUnavailableError (nothing reported as
   * written) or ProducerSendError (Kafka refused them for good).
   *
   * @example
   * ```ts
   * const positions = await producer.send([
   *   { topic: 'conversation.events', key: 'conv_123', value: JSON.stringify(event), headers },
   * ]);
   * positions[0].offset; // '42'
   * ```
   */
  public async send(records: readonly OutgoingRecord[]): Promise<RecordPosition[]> {
    const outcomes = await this.sendEach(records);
    const failures = outcomes.flatMap((o) => (o.ok ? [] : [o.error]));
    const failure = failures.find((error) => error instanceof DeliveryTimeoutError) ?? failures[0];
    if (failure !== undefined) throw failure;
    return outcomes.flatMap((o) => (o.ok ? [o.position] : []));
  }

  /**
   * Runs `work` inside a Kafka transaction on this producer's transactional
   * connection (opened on first use: with a stable
   * {@link KafkaProducerOptions.transactionalId}, opening it fences a crashed
   * producer of the same id): its sends (and consumer offsets) commit
   * atomically, or all are aborted when `work` throws, rethrown as a
   * TransactionAbortedError carrying the cause. Transactions of one
   * producer run one after the other.
   *
   * @example
   * ```ts
   * await producer.transaction(async (tx) => {
   *   await tx.send([{ topic: 'dead.letter.archive', key, value, headers }]);
   *   await tx.sendOffsets({ consumerGroupId: 'xseven-dlq-retry', topics: [...] });
   * });
   * ```
   */
  public transaction<T>(work: (tx: ProducerTransaction) => Promise<T>): Promise<T> {
    const run = this.transactionQueue.then(async () => {
      const producer = await this.transactionalProducer();
      return openTransaction(producer, work, {
        config: this.options.config,
        group: (records) => this.group(records),
        reset: () => this.resetTransactional(),
      });
    });
    this.transactionQueue = run.catch(() => undefined);
    return run;
  }

  private transactionalProducer(): Promise<Producer> {
    if (this.transactional === undefined) {
      const id =
        this.options.transactionalId ??
        `${this.options.config.transactionalId ?? 'xseven-tx'}-${randomUUID()}`;
      const attempt = this.connectProducer(id);
      this.transactional = attempt;
      attempt.catch(() => {
        if (this.transactional === attempt) this.transactional = undefined;
      });
    }
    return this.transactional;
  }

  private async resetTransactional(): Promise<void> {
    const current = this.transactional;
    this.transactional = undefined;
    const producer = await current?.catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
  }

  /**
   * Flushes lingering records and disconnects (tests, local shutdown).
   * A later send connects again.
   *
   * @example
   * ```ts
   * await producer.disconnect();
   * ```
   */
  public async disconnect(): Promise<void> {
    await this.linger?.flushAll();
    const admin = this.admin;
    this.admin = undefined;
    await Promise.all([
      this.sessions.closeAll(),
      this.resetTransactional(),
      admin?.then((a) => a.disconnect()).catch(() => undefined),
    ]);
  }
}
