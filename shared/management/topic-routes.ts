/**
 * The operator's routes on one topic (issue #11, item 6): its description,
 * its changes and its records. The work lives in topic-detail.ts,
 * topic-patch.ts and messages.ts; the contracts (contracts.ts) validate the
 * body and query (422), these handlers check the topic (404, 403), call
 * them and answer.
 */
import { jsonResponse } from '../http/problem';
import type { RouteHandler } from './context';
import { browseMessages } from './messages';
import { requireAdministered, scopedTopic } from './topic-access';
import { describeTopicDetail } from './topic-detail';
import { patchTopic } from './topic-patch';

/**
 * GET /topics/{name}: partitions, leaders, replicas, ISR, watermarks,
 * every config with its source; 404 for an unknown topic.
 *
 * @example
 * ```ts
 * const routes = { 'GET /topics/{name}': topicDetailRoute };
 * ```
 */
export const topicDetailRoute: RouteHandler<'GET /topics/{name}'> = async ({ path }, context) => {
  const topic = scopedTopic(path.name, context.prefix);
  return jsonResponse(
    200,
    await describeTopicDetail(await context.admin(), context.platform, topic),
  );
};

/**
 * PATCH /topics/{name}: configs and a partition increase, with the
 * partition budget of POST /topics; `validate_only` changes nothing.
 *
 * @example
 * ```ts
 * const routes = { 'PATCH /topics/{name}': topicPatchRoute };
 * ```
 */
export const topicPatchRoute: RouteHandler<'PATCH /topics/{name}'> = async (
  { path, body },
  context,
) => {
  const topic = scopedTopic(path.name, context.prefix);
  requireAdministered(context.platform, topic);
  const result = await patchTopic(
    {
      admin: await context.admin(),
      platform: context.platform,
      budget: context.config.partitionBudget,
      sleep: context.sleep,
    },
    topic,
    body,
  );
  if (!body.validate_only)
    context.logger.info('topic changed', {
      topic,
      configs: body.configs === undefined ? [] : Object.keys(body.configs),
      partitionsCount: body.partitions_count,
    });
  return jsonResponse(200, result);
};

/**
 * GET /topics/{name}/messages: one page of a partition's records.
 *
 * @example
 * ```ts
 * const routes = { 'GET /topics/{name}/messages': topicMessagesRoute };
 * ```
 */
export const topicMessagesRoute: RouteHandler<'GET /topics/{name}/messages'> = async (
  { path, query },
  context,
) => {
  const topic = scopedTopic(path.name, context.prefix);
  requireAdministered(context.platform, topic);
  return jsonResponse(
    200,
    await browseMessages({ kafka: context.kafka(), admin: await context.admin() }, topic, query),
  );
};
