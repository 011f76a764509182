import type { Admin, ISocketFactory, ITopicConfig, Kafka } from 'kafkajs';
import { retry } from '../retry';
import { createKafka } from './client';
import type { KafkaConnectionConfig } from './connection-config';
import { loadKafkaConnectionConfig } from './connection-config';
import { TopicsNotServedError } from './errors';
import { net, tls } from './sockets';

/** A broker as the cluster advertises it. */
export interface BrokerAddress {
  readonly nodeId: number;
  readonly host: string;
  readonly port: number;
}

/** A topic to wait for, with the partition count it must reach when known. */
export interface TopicExpectation {
  readonly name: string;
  readonly partitions?: number;
}

/**
 * What to wait for after creating a topic: its name and partition count
 * (kafkajs' -1 or absent means the broker's default: any count).
 *
 * @example
 * ```ts
 * expectationOf({ topic: 'orders', numPartitions: 3 }); // { name: 'orders', partitions: 3 }
 * ```
 */
export const expectationOf = (topic: ITopicConfig): TopicExpectation =>
  topic.numPartitions === undefined || topic.numPartitions < 1
    ? { name: topic.topic }
    : { name: topic.topic, partitions: topic.numPartitions };

/** Options of {@link waitForTopics} and {@link createTopicsAndWait}. */
export interface TopicReadinessOptions {
  /** Security settings of the clients the wait opens (brokers come from the cluster). @default from process.env */
  readonly config?: KafkaConnectionConfig;
  /** Give up after this long. @default 60 s */
  readonly timeoutMs?: number;
}

/**
 * A socket factory that connects to `target` whatever broker kafkajs asks
 * for: a client built with it talks to that one broker only, so its
 * metadata answers are that broker's own view of the cluster.
 *
 * @example
 * ```ts
 * new Kafka({ brokers: ['b2:9092'], socketFactory: pinnedSocketFactory({ host: 'b2', port: 9092 }) });
 * ```
 */
export const pinnedSocketFactory =
  (target: Pick<BrokerAddress, 'host' | 'port'>): ISocketFactory =>
  ({ ssl, onConnect }) => {
    const { host, port } = target;
    const socket = ssl
      ? tls().connect(
          { host, port, ...(net().isIP(host) ? {} : { servername: host }), ...ssl },
          onConnect,
        )
      : net().connect({ host, port }, onConnect);
    // kafkajs' own factory keeps connections alive the same way.
    socket.setKeepAlive(true, 60_000);
    return socket;
  };

const clientOf = (
  config: KafkaConnectionConfig,
  brokers: readonly BrokerAddress[],
  socketFactory?: ISocketFactory,
): Kafka =>
  createKafka({
    config: { ...config, KAFKA_BOOTSTRAP_SERVERS: brokers.map((b) => `${b.host}:${b.port}`) },
    clientId: 'xseven-topic-readiness',
    // Each check is retried below: a client must fail fast, not retry itself.
    retry: { retries: 0 },
    ...(socketFactory ? { socketFactory } : {}),
  });

/** Why `admin`'s broker does not serve the topics yet, or undefined when it does. */
const metadataGap = async (
  admin: Admin,
  expected: readonly TopicExpectation[],
): Promise<string | undefined> => {
  const { topics } = await admin.fetchTopicMetadata({ topics: expected.map((t) => t.name) });
  for (const { name, partitions: want } of expected) {
    const partitions = topics.find((t) => t.name === name)?.partitions ?? [];
    if (partitions.length === 0 || (want !== undefined && partitions.length < want))
      return `${name} has ${partitions.length} partition(s)`;
    const leaderless = partitions.find((p) => p.leader < 0);
    if (leaderless) return `${name}-${leaderless.partitionId} has no leader`;
  }
  return undefined;
};

/** Runs `work` with a connected admin of `kafka`, disconnecting it afterwards. */
const withAdmin = async <T>(kafka: Kafka, work: (admin: Admin) => Promise<T>): Promise<T> => {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
};

/** One check of every broker: undefined when all serve the topics, else what is missing. */
const checkAllBrokers = async (
  cluster: Admin,
  config: KafkaConnectionConfig,
  expected: readonly TopicExpectation[],
): Promise<string | undefined> => {
  const { brokers } = await cluster.describeCluster();
  const gaps = await Promise.all(
    brokers.map(async (broker) => {
      const gap = await withAdmin(clientOf(config, [broker], pinnedSocketFactory(broker)), (a) =>
        metadataGap(a, expected),
      ).catch((error: unknown) => (error as Error).message);
      return gap === undefined ? undefined : `broker ${broker.nodeId}: ${gap}`;
    }),
  );
  const gap = gaps.find((g) => g !== undefined);
  if (gap !== undefined) return gap;
  // Every leader answers for its partitions (a fresh client: no cached metadata).
  return withAdmin(clientOf(config, brokers), async (admin) => {
    for (const { name } of expected) await admin.fetchTopicOffsets(name);
    return undefined;
  }).catch((error: unknown) => `offsets: ${(error as Error).message}`);
};

/**
 * Waits until every broker of the cluster serves the topics: each broker,
 * asked on its own, knows every partition with a leader (and at least the
 * expected count), and every leader answers for its partitions. A topic
 * just created is known to the controller first and reaches the brokers a
 * moment later (longer on a busy machine): producing, consuming or even
 * kafkajs' own `waitForLeaders` meanwhile fail with "This server does not
 * host this topic-partition".
 *
 * @example
 * ```ts
 * await admin.createTopics({ waitForLeaders: false, topics: [{ topic: 'orders', numPartitions: 3 }] });
 * await waitForTopics(admin, [{ name: 'orders', partitions: 3 }]);
 * ```
 */
export const waitForTopics = async (
  admin: Admin,
  topics: readonly (string | TopicExpectation)[],
  options: TopicReadinessOptions = {},
): Promise<void> => {
  if (topics.length === 0) return;
  const expected = topics.map((t) => (typeof t === 'string' ? { name: t } : t));
  const config = options.config ?? loadKafkaConnectionConfig();
  const timeoutMs = options.timeoutMs ?? 60_000;
  await retry(
    async () => {
      const gap = await checkAllBrokers(admin, config, expected).catch((e: Error) => e.message);
      if (gap !== undefined) throw new TopicsNotServedError(expected, gap);
    },
    {
      retries: Number.MAX_SAFE_INTEGER,
      baseDelayMs: 50,
      maxDelayMs: 500,
      jitter: 0,
      deadlineMs: timeoutMs,
      shouldRetry: (error) => error instanceof TopicsNotServedError,
    },
  );
};

/**
 * Asks the cluster to create the topics; those that exist already are left
 * as they are. Transient failures (a busy controller, a timed-out request)
 * are retried: a retry of a request that did create them finds them
 * existing. Resolves `false` when some existed, `true` otherwise, as
 * kafkajs does. Does not wait for the brokers: see {@link waitForTopics}.
 *
 * @example
 * ```ts
 * await createMissingTopics(admin, [{ topic: 'orders', numPartitions: 3 }]);
 * ```
 */
export const createMissingTopics = (
  admin: Admin,
  topics: readonly ITopicConfig[],
): Promise<boolean> =>
  retry(
    // kafkajs' own waitForLeaders gives up on a busy cluster's brief
    // "unknown topic": never use it, wait with waitForTopics instead.
    () => admin.createTopics({ topics: [...topics], waitForLeaders: false }),
    { retries: 5, baseDelayMs: 200, maxDelayMs: 2_000 },
  );

/**
 * Creates topics ({@link createMissingTopics}) and waits until every broker
 * serves all of them ({@link waitForTopics}).
 *
 * @example
 * ```ts
 * await createTopicsAndWait(admin, [{ topic: 'orders', numPartitions: 3, replicationFactor: 1 }]);
 * ```
 */
export const createTopicsAndWait = async (
  admin: Admin,
  topics: readonly ITopicConfig[],
  options: TopicReadinessOptions = {},
): Promise<boolean> => {
  const created = await createMissingTopics(admin, topics);
  await waitForTopics(admin, topics.map(expectationOf), options);
  return created;
};
