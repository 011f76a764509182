import type { Admin, ITopicConfig } from 'kafkajs';
import { ConfigResourceTypes } from 'kafkajs';
import { topicKafkaConfigs } from '../shared/platform';
import type { PlatformDefinition, TopicConfigPolicy, TopicDefinition } from '../shared/platform';
import { createMissingTopics, waitForTopics } from '../shared/kafka/topic-readiness';
import type { TopicReadinessOptions } from '../shared/kafka/topic-readiness';

/** One difference between the definition and the broker. */
export interface TopicDrift {
  readonly topic: string;
  readonly setting: string;
  readonly expected: string;
  readonly actual: string;
}

/** What {@link provisionTopics} did and found. */
export interface ProvisionReport {
  readonly created: readonly string[];
  readonly existing: readonly string[];
  readonly drift: readonly TopicDrift[];
  /** Replication factor applied, after clamping to the broker count. */
  readonly replicationFactor: number;
}

/**
 * A topic of the definition as a cluster of `brokerCount` brokers can hold
 * it: replication factor and `min.insync.replicas` clamped to the brokers
 * (a local single broker cannot hold 3 replicas).
 *
 * @example
 * ```ts
 * clampReplication(topic, 1); // { ...topic, replicationFactor: 1, minInSyncReplicas: 1 }
 * ```
 */
export const clampReplication = (topic: TopicDefinition, brokerCount: number): TopicDefinition => {
  const replicationFactor = Math.min(topic.replicationFactor, brokerCount);
  return {
    ...topic,
    replicationFactor,
    minInSyncReplicas: Math.min(topic.minInSyncReplicas, replicationFactor),
  };
};

/**
 * The Kafka topic configs a topic of the definition asks for (shared/platform's
 * mapping), replication clamped to the brokers available. The local
 * runtime's policy for the management API's drift check too.
 *
 * @example
 * ```ts
 * topicConfigs(topic, 1); // { 'cleanup.policy': 'delete', 'retention.ms': '604800000', 'min.insync.replicas': '1' }
 * ```
 */
export const topicConfigs: TopicConfigPolicy = (topic, brokerCount) =>
  topicKafkaConfigs(clampReplication(topic, brokerCount));

const describeConfigs = async (
  admin: Admin,
  topics: readonly string[],
): Promise<Map<string, Map<string, string>>> => {
  const result = new Map<string, Map<string, string>>();
  if (topics.length === 0) return result;
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name })),
  });
  for (const resource of described.resources) {
    result.set(
      resource.resourceName,
      new Map(resource.configEntries.map((e) => [e.configName, e.configValue])),
    );
  }
  return result;
};

/**
 * Creates on the broker every topic of the definition that is missing, and
 * reports how existing topics differ from it (partitions, configs). Never
 * deletes and never alters an existing topic: drift is for a human to resolve.
 * Resolves once every broker serves every topic of the definition
 * (shared/kafka/topic-readiness.ts), so callers can use them at once.
 *
 * @example
 * ```ts
 * const report = await provisionTopics(admin, platform);
 * for (const d of report.drift) console.warn(`${d.topic}: ${d.setting} is ${d.actual}, expected ${d.expected}`);
 * ```
 */
export const provisionTopics = async (
  admin: Admin,
  def: PlatformDefinition,
  options: TopicReadinessOptions = {},
): Promise<ProvisionReport> => {
  const { brokers } = await admin.describeCluster();
  const brokerCount = Math.max(1, brokers.length);
  const present = new Set(await admin.listTopics());
  const missing = def.topics.filter((t) => !present.has(t.name));
  const existing = def.topics.filter((t) => present.has(t.name));

  if (missing.length > 0) {
    const topics: ITopicConfig[] = missing.map((t) => ({
      topic: t.name,
      numPartitions: t.partitions,
      replicationFactor: Math.min(t.replicationFactor, brokerCount),
      configEntries: Object.entries(topicConfigs(t, brokerCount)).map(([name, value]) => ({
        name,
        value,
      })),
    }));
    // Some may have been created meanwhile by another process: that is fine.
    await createMissingTopics(admin, topics);
  }
  // Every broker serves them all before anyone uses them; the existing ones
  // too (one created a moment ago by another process may not be served yet).
  // A created topic must reach its partitions; an existing one is as it is.
  await waitForTopics(
    admin,
    def.topics.map((t) =>
      present.has(t.name) ? t.name : { name: t.name, partitions: t.partitions },
    ),
    options,
  );

  const drift: TopicDrift[] = [];
  if (existing.length > 0) {
    const metadata = await admin.fetchTopicMetadata({ topics: existing.map((t) => t.name) });
    const configs = await describeConfigs(
      admin,
      existing.map((t) => t.name),
    );
    for (const t of existing) {
      const partitions = metadata.topics.find((m) => m.name === t.name)?.partitions.length ?? 0;
      if (partitions !== t.partitions)
        drift.push({
          topic: t.name,
          setting: 'partitions',
          expected: String(t.partitions),
          actual: String(partitions),
        });
      const actual = configs.get(t.name);
      for (const [setting, expected] of Object.entries(topicConfigs(t, brokerCount))) {
        const value = actual?.get(setting) ?? '(unset)';
        if (value !== expected) drift.push({ topic: t.name, setting, expected, actual: value });
      }
    }
  }

  return {
    created: missing.map((t) => t.name),
    existing: existing.map((t) => t.name),
    drift,
    replicationFactor: Math.min(3, brokerCount),
  };
};
