import type { TopicDefinition } from './schema';

/**
 * The Kafka topic configs a topic of the definition asks for. The one
 * mapping from the definition to Kafka's config names: the CDK stack writes
 * it into AWS::MSK::Topic (or the topic custom resource), the local runtime
 * creates topics with it, and the management API's drift check compares the
 * broker against it.
 *
 * @example
 * ```ts
 * topicKafkaConfigs(topic); // { 'cleanup.policy': 'delete', 'retention.ms': '604800000', 'min.insync.replicas': '2' }
 * ```
 */
export const topicKafkaConfigs = (
  topic: Pick<TopicDefinition, 'cleanupPolicy' | 'retentionMs' | 'minInSyncReplicas'>,
): Record<string, string> => ({
  'cleanup.policy': topic.cleanupPolicy,
  'retention.ms': String(topic.retentionMs),
  'min.insync.replicas': String(topic.minInSyncReplicas),
});

/**
 * The configs a topic should hold on a cluster of `brokerCount` brokers:
 * what the drift check expects. In AWS the definition's own
 * ({@link definitionTopicConfigs}); the local runtime, which clamps
 * replication to its brokers, passes its own (local/provision.ts).
 */
export type TopicConfigPolicy = (
  topic: TopicDefinition,
  brokerCount: number,
) => Record<string, string>;

/**
 * The definition's configs, whatever the cluster.
 *
 * @example
 * ```ts
 * definitionTopicConfigs(topic, 3)['min.insync.replicas']; // '2'
 * ```
 */
export const definitionTopicConfigs: TopicConfigPolicy = (topic) => topicKafkaConfigs(topic);
