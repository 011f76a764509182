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
  const name = topicNameSchema.safeParse(raw);
  if (!name.success || !inScope(name.data, prefix)) throw new UnknownTopicError(raw);
  return name.data;
};

/**
 * Refuses (403) to alter or read the records of a topic the management role
 * has no MSK IAM rights on in AWS: only the definition's topics and those
 * under `access.apiTopicPrefix` (infra `managementKafkaAccess`). Checked
 * locally too, where the broker has no ACLs, so the API behaves the same.
 *
 * @example
 * ```ts
 * requireAdministered(platform, 'api.orders');
 * ```
 */
export const requireAdministered = (def: PlatformDefinition, topic: string): void => {
  if (topic.startsWith(def.access.apiTopicPrefix) || def.topics.some((t) => t.name === topic))
    return;
  throw new ForbiddenError(
    `the management API alters and reads only the definition's topics and those starting with "${def.access.apiTopicPrefix}" (access.apiTopicPrefix), the topics its role may use in AWS`,
  );
};
