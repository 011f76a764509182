import type { Admin } from 'kafkajs';
import { lazy } from '../lazy';
import { kafkajs } from '../kafka/kafkajs';
import type { PlatformDefinition } from '../platform';
import { describeTopics } from './cluster';
import type { TopicInfo } from './cluster';
import { UnknownTopicError } from './errors';

/**
 * `GET /topics/{name}`: one topic as an operator's tool shows it (Confluent
 * REST Proxy's topic, partitions, replicas and configs; kafbat UI's topic
 * page): partitions with leader, replicas, ISR, offline replicas and
 * watermarks, every config with its source, retained records.
 */

/** Where a config's value comes from: Kafka's `ConfigEntry.ConfigSource`, lower-cased. */
export type ConfigSourceName =
  | 'unknown'
  | 'dynamic_topic_config'
  | 'dynamic_broker_config'
  | 'dynamic_default_broker_config'
  | 'static_broker_config'
  | 'default_config'
  | 'dynamic_broker_logger_config';

/** The name of each kafkajs `ConfigSource` (built on first use: kafkajs is loaded by then). */
const configSourceNames = lazy((): Readonly<Record<number, ConfigSourceName>> => {
  const { ConfigSource } = kafkajs();
  return {
    [ConfigSource.UNKNOWN]: 'unknown',
    [ConfigSource.TOPIC_CONFIG]: 'dynamic_topic_config',
    [ConfigSource.DYNAMIC_BROKER_CONFIG]: 'dynamic_broker_config',
    [ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG]: 'dynamic_default_broker_config',
    [ConfigSource.STATIC_BROKER_CONFIG]: 'static_broker_config',
    [ConfigSource.DEFAULT_CONFIG]: 'default_config',
    [ConfigSource.DYNAMIC_BROKER_LOGGER_CONFIG]: 'dynamic_broker_logger_config',
  };
});

const configSourceName = (source: number): ConfigSourceName =>
  configSourceNames()[source] ?? 'unknown';

/** One config of a topic, whatever its source. */
export interface ConfigEntry {
  readonly name: string;
  /** null when the broker marks it sensitive. */
  readonly value: string | null;
  readonly source: ConfigSourceName;
  readonly isDefault: boolean;
  readonly readOnly: boolean;
  readonly sensitive: boolean;
}

/**
 * Why partitions carry no size: Kafka reports log sizes only through
 * DescribeLogDirs (KIP-113), which kafkajs 2.2.4 does not implement.
 */
export const SIZE_UNAVAILABLE =
  'log sizes need DescribeLogDirs, which kafkajs 2.2.4 does not implement; `messages` counts the retained records';

/** A topic as `GET /topics/{name}` answers it (camelCase; written by wire.ts; answer-schemas.ts `topicDetailSchema`). */
export interface TopicDetail extends TopicInfo {
  readonly configEntries: readonly ConfigEntry[];
  readonly sizeBytes: null;
  readonly sizeUnavailable: string;
  readonly defined: boolean;
  readonly protected: boolean;
}

/**
 * Every config of a topic with its source, sorted by name.
 *
 * @example
 * ```ts
 * (await configEntriesOf(admin, 'orders')).find((c) => c.name === 'retention.ms')?.source;
 * ```
 */
export const configEntriesOf = async (admin: Admin, topic: string): Promise<ConfigEntry[]> => {
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [{ type: kafkajs().ConfigResourceTypes.TOPIC, name: topic }],
  });
  return (described.resources[0]?.configEntries ?? [])
    .map((e): ConfigEntry => ({
      name: e.configName,
      value: e.isSensitive ? null : e.configValue,
      source: configSourceName(e.configSource),
      isDefault: e.isDefault,
      readOnly: e.readOnly,
      sensitive: e.isSensitive,
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
};

/**
 * One topic in full; 404 when the broker does not have it.
 *
 * @example
 * ```ts
 * const detail = await describeTopicDetail(admin, platform, 'orders');
 * ```
 */
export const describeTopicDetail = async (
  admin: Admin,
  def: PlatformDefinition,
  topic: string,
): Promise<TopicDetail> => {
  if (!(await admin.listTopics()).includes(topic)) throw new UnknownTopicError(topic);
  const [[info], configEntries] = await Promise.all([
    describeTopics(admin, [topic]),
    configEntriesOf(admin, topic),
  ]);
  if (info === undefined) throw new UnknownTopicError(topic);
  const defined = def.topics.find((t) => t.name === topic);
  return {
    ...info,
    configEntries,
    sizeBytes: null,
    sizeUnavailable: SIZE_UNAVAILABLE,
    defined: defined !== undefined,
    protected: defined?.protected ?? false,
  };
};
