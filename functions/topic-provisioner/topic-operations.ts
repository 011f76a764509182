import type { Admin } from 'kafkajs';
import { kafkajs } from '../../shared/kafka/kafkajs';
import * as z from 'zod';
import { lazy } from '../../shared/lazy';
import { TOPIC_NAME_PATTERN } from '../../shared/platform';
import { TopicProvisioningError } from './errors';

/** The properties of one topic custom resource, as CloudFormation sends them (all strings). */
export const topicResourcePropertiesSchema = lazy(() =>
  z.object({
    TopicName: z.string().regex(TOPIC_NAME_PATTERN, 'must be a legal Kafka topic name'),
    Partitions: z.coerce.number().int().min(1),
    ReplicationFactor: z.coerce.number().int().min(1),
    Configs: z.record(z.string(), z.string()).default({}),
    RetainOnDelete: z.enum(['true', 'false']).default('true'),
  }),
);
export type TopicResourceProperties = z.output<ReturnType<typeof topicResourcePropertiesSchema>>;

/** What {@link ensureTopic} did. */
export const TopicAction = {
  Created: 'created',
  Updated: 'updated',
  Unchanged: 'unchanged',
} as const;
export type TopicAction = (typeof TopicAction)[keyof typeof TopicAction];

/**
 * Parses the resource properties of a topic custom resource.
 *
 * @example
 * ```ts
 * const props = parseTopicProperties(event.ResourceProperties);
 * ```
 */
export const parseTopicProperties = (raw: unknown): TopicResourceProperties => {
  const parsed = topicResourcePropertiesSchema().safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new TopicProvisioningError(
    `invalid topic resource properties: ${parsed.error.issues
      .map((i) => `${i.path.join('.')}: ${i.message}`)
      .join('; ')}`,
  );
};

/** Kafka's config source of a topic-level override (DYNAMIC_TOPIC_CONFIG). */
const DYNAMIC_TOPIC_CONFIG = 1;

interface TopicConfigState {
  /** Effective value of every config. */
  readonly effective: Map<string, string>;
  /** Topic-level overrides only (what a non-incremental alterConfigs replaces). */
  readonly overrides: Map<string, string>;
}

const currentConfigs = async (admin: Admin, topic: string): Promise<TopicConfigState> => {
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [{ type: kafkajs().ConfigResourceTypes.TOPIC, name: topic }],
  });
  const entries = described.resources[0]?.configEntries ?? [];
  return {
    effective: new Map(entries.map((e) => [e.configName, e.configValue])),
    overrides: new Map(
      entries
        .filter((e) => e.configSource === DYNAMIC_TOPIC_CONFIG)
        .map((e) => [e.configName, e.configValue]),
    ),
  };
};

/**
 * Makes the broker hold the topic as described: creates it when missing;
 * otherwise adds partitions (never removes any: Kafka cannot) and sets the
 * configs that differ. The replication factor of an existing topic is left
 * as it is (changing it needs a reassignment, not a config change).
 *
 * @example
 * ```ts
 * await ensureTopic(admin, { TopicName: 'ai.responses', Partitions: 6, ReplicationFactor: 3, Configs: {}, RetainOnDelete: 'true' });
 * ```
 */
export const ensureTopic = async (
  admin: Admin,
  props: TopicResourceProperties,
): Promise<TopicAction> => {
  const name = props.TopicName;
  const exists = (await admin.listTopics()).includes(name);
  if (!exists) {
    const created = await admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic: name,
          numPartitions: props.Partitions,
          replicationFactor: props.ReplicationFactor,
          configEntries: Object.entries(props.Configs).map(([k, value]) => ({ name: k, value })),
        },
      ],
    });
    // false = it already existed (created concurrently): fall through to reconcile.
    if (created) return TopicAction.Created;
  }

  let changed = false;
  const metadata = await admin.fetchTopicMetadata({ topics: [name] });
  const partitions = metadata.topics[0]?.partitions.length ?? 0;
  if (partitions > props.Partitions)
    throw new TopicProvisioningError(
      `topic "${name}" has ${partitions} partitions; Kafka cannot shrink it to ${props.Partitions}`,
    );
  if (partitions < props.Partitions) {
    await admin.createPartitions({ topicPartitions: [{ topic: name, count: props.Partitions }] });
    changed = true;
  }

  const actual = await currentConfigs(admin, name);
  const differing = Object.entries(props.Configs).filter(([k, v]) => actual.effective.get(k) !== v);
  if (differing.length > 0) {
    // A (non-incremental) alterConfigs replaces every override of the topic:
    // send the overrides found there too, so only ours change.
    const wanted = new Map([...actual.overrides, ...Object.entries(props.Configs)]);
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: kafkajs().ConfigResourceTypes.TOPIC,
          name,
          configEntries: [...wanted].map(([k, value]) => ({ name: k, value })),
        },
      ],
    });
    changed = true;
  }
  return changed ? TopicAction.Updated : TopicAction.Unchanged;
};

/**
 * Deletes the topic unless it is to be retained; a topic already gone is fine.
 *
 * @example
 * ```ts
 * await removeTopic(admin, props); // no-op when props.RetainOnDelete is 'true'
 * ```
 */
export const removeTopic = async (
  admin: Admin,
  props: TopicResourceProperties,
): Promise<boolean> => {
  if (props.RetainOnDelete === 'true') return false;
  if (!(await admin.listTopics()).includes(props.TopicName)) return false;
  await admin.deleteTopics({ topics: [props.TopicName] });
  return true;
};
