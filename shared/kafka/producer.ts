import { randomUUID } from 'node:crypto';
import type { Kafka, Producer } from 'kafkajs';
import type { Logger } from '@aws-lambda-powertools/logger';
import { KafkaUnavailableError } from '../errors';
import { MetricName } from '../platform/metrics';
import { recordMetric } from '../observability/metrics';
import { retry, systemClock } from '../retry';
import type { RetryClock } from '../retry';
import { COMPRESSION_CODEC } from './producer-config';
import type { ProducerConfig } from './producer-config';
import {
  UnacknowledgedRecordsError,
  isTransientKafkaError,
  refusedProducerSession,
  toProducerError,
} from './producer-errors';
import { LingerQueue } from './producer-linger';
import { positionsOf, toTopicMessages, trackingPartitioner } from './producer-records';
import type { PartitionLog } from './producer-records';
import type { OutgoingRecord, RecordPosition } from './records';
import { openTransaction } from './producer-transaction';
import type { ProducerTransaction } from './producer-transaction';

export type { ProducerTransaction } from './producer-transaction';

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
}

/** How many of the records go to each topic (one pass). */
const countByTopic = (records: readonly OutgoingRecord[]): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const { topic } of records) counts.set(topic, (counts.get(topic) ?? 0) + 1);
  return counts;
};

/**
 * A Kafka producer for one Lambda container: created once (module scope),
 * connected lazily on the first send, reused by every warm invocation, and
 * reconnected after a connection failure. Idempotent with acks=all and gzip
 * by default; retries transient failures with exponential backoff and
 * jitter ({@link retry}); records the producer metrics.
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
  private readonly partitions: PartitionLog = new WeakMap();
  private readonly linger: LingerQueue | undefined;
  private kafkaClient: Kafka | undefined;
  private connection: Promise<Producer> | undefined;
  private transactional: Promise<Producer> | undefined;
  private transactionQueue: Promise<unknown> = Promise.resolve();

  public constructor(options: KafkaProducerOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.linger =
      options.config.lingerMs > 0
        ? new LingerQueue({
            lingerMs: options.config.lingerMs,
            batchSizeBytes: options.config.batchSizeBytes,
            flush: (records) => this.sendNow(records),
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
    const producer = this.kafka().producer({
      idempotent: transactionalId !== undefined || config.idempotent,
      // Topics come from the definition: a write to a missing topic fails, never creates it.
      allowAutoTopicCreation: false,
      createPartitioner: trackingPartitioner(this.partitions),
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
    await this.connected();
  }

  private connected(): Promise<Producer> {
    if (this.connection === undefined) {
      const attempt = this.connectProducer();
      this.connection = attempt;
      attempt.catch(() => {
        if (this.connection === attempt) this.connection = undefined;
      });
    }
    return this.connection;
  }

  /** Drops the current connection so that the next send reconnects. */
  private async resetConnection(): Promise<void> {
    const current = this.connection;
    this.connection = undefined;
    const producer = await current?.catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
  }

  private async sendOnce(records: readonly OutgoingRecord[]): Promise<RecordPosition[]> {
    const producer = await this.connected();
    const { topicMessages, messages } = toTopicMessages(records);
    const { config } = this.options;
    const metadata = await producer.sendBatch({
      topicMessages,
      acks: config.acks,
      timeout: config.timeoutMs,
      compression: COMPRESSION_CODEC[config.compression],
    });
    const positions = positionsOf(records, messages, metadata, this.partitions);
    // acks=0 gets no offsets by design; otherwise a record without one was not written.
    const missing = positions.filter(({ offset }) => offset === '-1').length;
    if (config.acks !== 0 && missing > 0) throw new UnacknowledgedRecordsError(missing);
    return positions;
  }

  /** Sends with the retry policy, without lingering. */
  private async sendNow(records: readonly OutgoingRecord[]): Promise<RecordPosition[]> {
    const { config, logger } = this.options;
    return retry(() => this.sendOnce(records), {
      retries: config.retries,
      baseDelayMs: config.retryBackoffMs,
      maxDelayMs: config.retryMaxBackoffMs,
      deadlineMs: config.retryDeadlineMs,
      jitter: 0.5,
      clock: this.clock,
      ...(this.options.random ? { random: this.options.random } : {}),
      // A failed connect already went through kafkajs' own connection backoff.
      // A refused session left the batch unwritten: the new producer of the retry writes it.
      shouldRetry: (error) =>
        !(error instanceof KafkaUnavailableError) &&
        (isTransientKafkaError(error) || refusedProducerSession(error)),
      onRetry: async (error, attempt, delayMs) => {
        logger?.warn('send failed, reconnecting and retrying', {
          attempt,
          delayMs,
          error: error instanceof Error ? error.message : String(error),
        });
        await this.resetConnection();
      },
    }).catch((error: unknown) => {
      throw toProducerError(error, 'send');
    });
  }

  /**
   * Writes records (one produce request per broker; records of a call are
   * sent together, as kafkajs `sendBatch`) and returns where each landed,
   * in input order. Throws KafkaUnavailableError when Kafka cannot be
   * reached after the retries (nothing is reported as written), or
   * ProducerSendError when Kafka refuses the records for good.
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
    if (records.length === 0) return [];
    const started = this.clock.now();
    recordMetric(MetricName.ProducerBatchSize, records.length);
    try {
      const positions = await (this.linger ? this.linger.add(records) : this.sendNow(records));
      for (const [topic, count] of countByTopic(records))
        recordMetric(MetricName.ProducerMessagesSent, count, { topic });
      return positions;
    } catch (error) {
      for (const [topic, count] of countByTopic(records))
        recordMetric(MetricName.ProducerMessagesFailed, count, { topic });
      throw error;
    } finally {
      recordMetric(MetricName.ProducerSendDurationSeconds, (this.clock.now() - started) / 1000);
    }
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
        partitions: this.partitions,
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
    await Promise.all([this.resetConnection(), this.resetTransactional()]);
  }
}
