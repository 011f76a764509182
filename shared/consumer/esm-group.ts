import type { ConsumerDefinition } from '../platform/schema';

/**
 * The consumer group of the event source mapping of `consumer` on `topic`,
 * as the CDK stack names it (infra/constructs/consumers.ts,
 * `esmConsumerGroupId`; a unit test keeps the two equal). An MSK event
 * source mapping reads one topic and AWS requires unique group ids: a
 * single-topic consumer keeps its id, a consumer of several topics gets one
 * group per topic, `<groupId>.<topic>`. The local ESM uses the same groups.
 *
 * @example
 * ```ts
 * esmGroupId({ consumerGroupId: 'g', topics: ['a'] }, 'a');      // 'g'
 * esmGroupId({ consumerGroupId: 'g', topics: ['a', 'b'] }, 'b'); // 'g.b'
 * ```
 */
export const esmGroupId = (
  consumer: Pick<ConsumerDefinition, 'consumerGroupId' | 'topics'>,
  topic: string,
): string =>
  consumer.topics.length === 1 ? consumer.consumerGroupId : `${consumer.consumerGroupId}.${topic}`;
