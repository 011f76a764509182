import { RouteAccess } from './schema';
import type {
  ConsumerDefinition,
  DlqDefinition,
  HttpRouteDefinition,
  PlatformDefinition,
  TopicDefinition,
} from './schema';
import { PlatformDefinitionError } from './errors';

/**
 * The topic an event type is routed to.
 *
 * @example
 * ```ts
 * topicForEventType(platform, 'conversation.started'); // 'conversation.events'
 * ```
 */
export const topicForEventType = (def: PlatformDefinition, eventType: string): string => {
  const route = def.eventRoutes.find((r) => r.eventType === eventType);
  if (!route) throw new PlatformDefinitionError([`event type "${eventType}" has no topic route`]);
  return route.topic;
};

/**
 * A topic of the definition by name.
 *
 * @example
 * ```ts
 * findTopic(platform, 'ai.responses')?.partitions; // 6
 * ```
 */
export const findTopic = (def: PlatformDefinition, name: string): TopicDefinition | undefined =>
  def.topics.find((t) => t.name === name);

/**
 * A consumer of the definition by name; throws when unknown.
 *
 * @example
 * ```ts
 * getConsumer(platform, 'conversation-log').consumerGroupId;
 * ```
 */
export const getConsumer = (def: PlatformDefinition, name: string): ConsumerDefinition => {
  const consumer = def.consumers.find((c) => c.name === name);
  if (!consumer) throw new PlatformDefinitionError([`consumer "${name}" is not defined`]);
  return consumer;
};

/**
 * The consumer group of the event source mapping of `consumer` on `topic`.
 * An MSK event source mapping reads one topic and AWS requires every
 * mapping's group id to be unique: a single-topic consumer keeps its id, a
 * consumer of several topics gets one group per topic, `<groupId>.<topic>`.
 * The CDK stack, the local ESM and the management API all use this.
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

/**
 * What a route lets its caller do: the publish function's routes publish;
 * the management function's routes read, or operate when `mutating`.
 *
 * @example
 * ```ts
 * routeAccess({ function: 'management', mutating: true }); // 'operate'
 * ```
 */
export const routeAccess = (
  route: Pick<HttpRouteDefinition, 'function' | 'mutating'>,
): RouteAccess => {
  if (route.function === 'publish') return RouteAccess.Publish;
  return route.mutating ? RouteAccess.Operate : RouteAccess.Read;
};

/**
 * The JWT scopes of which a token must carry one to call `route` (API
 * Gateway accepts a token holding at least one of a route's scopes):
 * operators may also read.
 *
 * @example
 * ```ts
 * routeScopes(platform, { function: 'management', mutating: false }); // ['xseven-events/read', 'xseven-events/operate']
 * ```
 */
export const routeScopes = (
  def: Pick<PlatformDefinition, 'access'>,
  route: Pick<HttpRouteDefinition, 'function' | 'mutating'>,
): string[] => {
  const { scopes } = def.access;
  switch (routeAccess(route)) {
    case RouteAccess.Publish:
      return [scopes.publish];
    case RouteAccess.Read:
      return [scopes.read, scopes.operate];
    case RouteAccess.Operate:
      return [scopes.operate];
  }
};

/**
 * Transactional ids of the DLQ moves, derived from the DLQ consumer group.
 * Stable, so a restarted run fences a crashed one. The CDK stack grants
 * exactly these; shared/dlq uses them.
 *
 * @example
 * ```ts
 * dlqTransactionalIds({ consumerGroupId: 'xseven-dlq-retry' }).mover; // 'xseven-dlq-retry-mover'
 * ```
 */
export const dlqTransactionalIds = (dlq: Pick<DlqDefinition, 'consumerGroupId'>) =>
  ({
    /** The scheduled retry's mover (also used by a manual retry from the DLQ). */
    mover: `${dlq.consumerGroupId}-mover`,
    /** A manual retry from the archive. */
    archiveRetry: `${dlq.consumerGroupId}-archive-retry`,
  }) as const;

/**
 * Prefix of the throw-away consumer groups that read the DLQ and its archive
 * without moving anything (never committed, deleted after each scan;
 * shared/dlq/scan.ts). The CDK stack grants the functions that scan access
 * to groups with this prefix.
 */
export const DLQ_SCAN_GROUP_PREFIX = 'xseven-management-dlq-scan-';

/**
 * Prefix of the throw-away consumer groups that browse a topic's records for
 * `GET /topics/{name}/messages` (never committed, deleted after each
 * request; shared/management/messages.ts). kafkajs has no assign-style
 * consumer, so a read needs a group; the CDK stack grants the management
 * function access to groups with this prefix, and nothing else uses it.
 */
export const BROWSE_GROUP_PREFIX = 'xseven-management-browse-';
