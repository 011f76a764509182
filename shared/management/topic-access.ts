import { ForbiddenError } from '../http/errors';
import type { PlatformDefinition } from '../platform';
import { inScope } from './cluster';
import { UnknownTopicError } from './errors';
import { topicNameSchema } from './topics';

/**
 * The topic a `/topics/{name}...` path names, when it is one the API may
 * show: a valid Kafka name in the scope (`XSEVEN_TOPIC_PREFIX`), never an
 * internal topic. Anything else is 404, as for `DELETE /topics/{name}`: a
 * topic outside the scope does not exist for this environment.
 *
 * @example
 * ```ts
 * const topic = scopedTopic('orders', '');
 * ```
 */
export const scopedTopic = (raw: string, prefix: string): string => {
  const name = topicNameSchema().safeParse(raw);
  if (!name.success || !inScope(name.data, prefix)) throw new UnknownTopicError(raw);
  return name.data;
};

/**
 * Why the management API may not alter, delete or read the records of a
 * topic, or undefined when it may: only the definition's topics and those
 * under `access.apiTopicPrefix` are the management role's in AWS (MSK IAM,
 * infra `managementKafkaAccess`). Checked locally too, where the broker has
 * no ACLs, so the API behaves the same. The one rule of `POST /topics`
 * (422 naming `name`: the body names it), `PATCH` and `DELETE
 * /topics/{name}` and `/messages` (403, {@link requireAdministered}).
 *
 * @example
 * ```ts
 * notAdministered(platform, 'orders'); // 'the management API alters ... "api." ...'
 * ```
 */
export const notAdministered = (def: PlatformDefinition, topic: string): string | undefined =>
  topic.startsWith(def.access.apiTopicPrefix) || def.topics.some((t) => t.name === topic)
    ? undefined
    : `the management API creates, alters, deletes and reads only the definition's topics and those starting with "${def.access.apiTopicPrefix}" (access.apiTopicPrefix), the topics its role may use in AWS`;

/**
 * Refuses (403) a topic of the path {@link notAdministered} names: a
 * caller's mistake, answered before Kafka would refuse it in AWS.
 *
 * @example
 * ```ts
 * requireAdministered(platform, 'api.orders');
 * ```
 */
export const requireAdministered = (def: PlatformDefinition, topic: string): void => {
  const problem = notAdministered(def, topic);
  if (problem !== undefined) throw new ForbiddenError(problem);
};
