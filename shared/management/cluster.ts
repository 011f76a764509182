import type { Admin } from 'kafkajs';
import { kafkajs } from '../kafka/kafkajs';
import { KafkaUnavailableError } from '../errors';
import { topicWatermarks } from '../kafka/offsets';
import { retry } from '../retry';

/** One partition of a topic, with its watermarks. */
export interface PartitionInfo {
  readonly partition: number;
  readonly leader: number;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
  readonly offlineReplicas: readonly number[];
  /** Oldest retained offset. */
  readonly lowOffset: number;
  /** Next offset to be written (the high watermark). */
  readonly highOffset: number;
}

/** A topic as the broker describes it. */
export interface TopicInfo {
  readonly name: string;
  readonly partitions: readonly PartitionInfo[];
  readonly replicationFactor: number;
  /** Configs set on the topic (not broker defaults), e.g. `retention.ms`. */
  readonly configs: Readonly<Record<string, string>>;
  /** Records retained: the sum over partitions of high − low. */
  readonly messages: number;
  readonly underReplicatedPartitions: number;
  readonly offlinePartitions: number;
}

/** Brokers and controller of the cluster. */
export interface ClusterInfo {
  readonly clusterId: string;
  readonly controller: number | null;
  readonly brokers: readonly {
    readonly nodeId: number;
    readonly host: string;
    readonly port: number;
  }[];
}

/**
 * Resolves `promise` or rejects with a KafkaUnavailableError after `ms`.
 *
 * @example
 * ```ts
 * const cluster = await withTimeout(admin.describeCluster(), 2000, 'describe cluster');
 * ```
 */
export const withTimeout = async <T>(promise: Promise<T>, ms: number, what: string): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new KafkaUnavailableError(`${what} did not answer within ${ms} ms`)),
      ms,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
};

/**
 * Whether a topic belongs to the scope (its prefix), internal topics excluded.
 *
 * @example
 * ```ts
 * inScope('__consumer_offsets', ''); // false
 * inScope('t-1-orders', 't-1-'); // true
 * ```
 */
export const inScope = (name: string, prefix: string): boolean =>
  !name.startsWith('__') && name.startsWith(prefix);

/**
 * Brokers, controller and cluster id.
 *
 * @example
 * ```ts
 * const { brokers, controller } = await describeClusterInfo(admin);
 * ```
 */
export const describeClusterInfo = async (admin: Admin): Promise<ClusterInfo> => {
  const cluster = await admin.describeCluster();
  return {
    clusterId: cluster.clusterId,
    controller: cluster.controller,
    brokers: cluster.brokers
      .map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port }))
      .sort((a, b) => a.nodeId - b.nodeId),
  };
};

/**
 * Configs explicitly set on each topic (broker defaults left out).
 *
 * @example
 * ```ts
 * (await topicConfigsOf(admin, ['orders'])).get('orders')?.['retention.ms'];
 * ```
 */
export const topicConfigsOf = async (
  admin: Admin,
  topics: readonly string[],
): Promise<Map<string, Record<string, string>>> => {
  const result = new Map<string, Record<string, string>>();
  if (topics.length === 0) return result;
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: topics.map((name) => ({ type: kafkajs().ConfigResourceTypes.TOPIC, name })),
  });
  for (const resource of described.resources) {
    const entries = resource.configEntries
      .filter((e) => !e.isDefault && !e.isSensitive)
      .map((e): [string, string] => [e.configName, e.configValue])
      .sort(([a], [b]) => a.localeCompare(b));
    result.set(resource.resourceName, Object.fromEntries(entries));
  }
  return result;
};

/**
 * The topics of the scope (all non-internal topics whose name starts with
 * `prefix`), or only `names` when given, sorted by name.
 *
 * @example
 * ```ts
 * const names = await scopedTopicNames(admin, '');
 * ```
 */
export const scopedTopicNames = async (admin: Admin, prefix: string): Promise<string[]> =>
  (await admin.listTopics()).filter((t) => inScope(t, prefix)).sort();

const topicVanished = (error: unknown): boolean =>
  typeof error === 'object' &&
  error !== null &&
  (error as { type?: unknown }).type === 'UNKNOWN_TOPIC_OR_PARTITION';

/**
 * {@link describeTopics} of every topic of the scope. A topic deleted
 * between listing and describing is not an error: the scope is listed again.
 *
 * @example
 * ```ts
 * const topics = await describeScopedTopics(admin, '');
 * ```
 */
export const describeScopedTopics = (admin: Admin, prefix: string): Promise<TopicInfo[]> =>
  retry(async () => describeTopics(admin, await scopedTopicNames(admin, prefix)), {
    retries: 3,
    baseDelayMs: 50,
    maxDelayMs: 200,
    shouldRetry: topicVanished,
  });

/**
 * Full description of topics: partitions with leaders, replicas, ISR and
 * watermarks; explicit configs; retained record count.
 *
 * @example
 * ```ts
 * const [orders] = await describeTopics(admin, ['orders']);
 * orders?.messages;
 * ```
 */
export const describeTopics = async (
  admin: Admin,
  names: readonly string[],
): Promise<TopicInfo[]> => {
  if (names.length === 0) return [];
  const [metadata, configs, marks] = await Promise.all([
    admin.fetchTopicMetadata({ topics: [...names] }),
    topicConfigsOf(admin, names),
    Promise.all(names.map(async (n) => [n, await topicWatermarks(admin, n)] as const)),
  ]);
  const marksByTopic = new Map(marks);
  return metadata.topics
    .map((topic): TopicInfo => {
      const byPartition = new Map(
        (marksByTopic.get(topic.name) ?? []).map((m) => [m.partition, m]),
      );
      const partitions = topic.partitions
        .map((p): PartitionInfo => ({
          partition: p.partitionId,
          leader: p.leader,
          replicas: [...p.replicas],
          isr: [...p.isr],
          offlineReplicas: [...(p.offlineReplicas ?? [])],
          lowOffset: byPartition.get(p.partitionId)?.low ?? 0,
          highOffset: byPartition.get(p.partitionId)?.high ?? 0,
        }))
        .sort((a, b) => a.partition - b.partition);
      return {
        name: topic.name,
        partitions,
        replicationFactor: partitions[0]?.replicas.length ?? 0,
        configs: configs.get(topic.name) ?? {},
        messages: partitions.reduce((n, p) => n + (p.highOffset - p.lowOffset), 0),
        underReplicatedPartitions: partitions.filter((p) => p.isr.length < p.replicas.length)
          .length,
        offlinePartitions: partitions.filter((p) => p.leader < 0).length,
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
};
