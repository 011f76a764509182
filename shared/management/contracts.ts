import * as z from 'zod';
import { lazy } from '../lazy';
import { manualRetryRequestSchema } from '../dlq/manual-retry-request';
import { header, routeContract } from '../http/contract';
import type { AnswerContract, ContractTable } from '../http/contract';
import { booleanFlagSchema } from '../platform/env';
import * as answer from './answer-schemas';
import { browseQuerySchema } from './messages';
import { resetOffsetRequestSchema } from './offset-reset';
import { patchTopicRequestSchema } from './topic-patch';
import { createTopicRequestSchema } from './topics';

/**
 * The contracts of the management function's routes (shared/http/contract.ts):
 * the schemas routes.ts serves them with, and their answers (answer-schemas.ts).
 */

/** A boolean query flag, off by default; its default is documented as the caller writes it ("false"). */
const flag = (description: string) =>
  booleanFlagSchema()
    .in.default('false')
    .pipe(booleanFlagSchema().out)
    .meta({ description: `${description} (true, 1, yes)` });

const json = (description: string, body: z.ZodType): AnswerContract => ({ description, body });

/** 403 of the routes that act only on the topics the management role has in AWS (topic-access.ts). */
const notAdministeredAnswer = (access: 'read' | 'operate'): AnswerContract => ({
  description: `not a topic of the definition nor under access.apiTopicPrefix (the management role's rights in AWS), or the caller lacks the ${access} access`,
});

const location = { Location: header('the topic, `{base}/topics/{name}`') };

/**
 * The management routes' contracts, by route key below the API base path:
 * built on the first request (serveRoutes), not at the function's init (#13).
 */
export const managementContracts = lazy(
  () =>
    ({
      'GET /health': routeContract({
        operationId: 'get_health',
        description:
          "Liveness: the function answers, without a Kafka round trip. With `deep=true`, readiness: every partition of the definition's topics has a leader and at least min.insync.replicas in sync (answer reused for 2 s). Open: no credentials.",
        query: z.object({
          deep: flag('readiness instead of liveness: 503 naming what cannot take writes'),
        }),
        answers: () => ({
          200: json(
            'alive; with deep=true, ready',
            z.union([answer.livenessSchema(), answer.readinessSchema()]),
          ),
          503: {
            description:
              '(deep=true) not ready: `errors` names each partition that cannot take writes, or the broker did not answer',
            headers: { 'Retry-After': header('seconds to wait', 'integer') },
          },
        }),
      }),
      'GET /status': routeContract({
        operationId: 'get_status',
        answers: () => ({
          200: json('the cluster, topics, consumers, DLQ and alerts', answer.statusSchema()),
          503: {
            description: 'the broker is unreachable (code BROKER_UNREACHABLE)',
            headers: { 'Retry-After': header('seconds to wait', 'integer') },
          },
        }),
      }),
      'GET /metrics': routeContract({
        operationId: 'get_metrics',
        answers: () => ({ 200: json('counters, lag, offsets and sizes', answer.metricsSchema()) }),
      }),
      'GET /topics': routeContract({
        operationId: 'list_topics',
        answers: () => ({ 200: json('the topics of this environment', answer.topicListSchema()) }),
      }),
      'POST /topics': routeContract({
        operationId: 'create_topic',
        description:
          'Safe to retry: the same settings again answer 200 with the topic, other settings 409.',
        body: createTopicRequestSchema().meta({ id: 'CreateTopicRequest' }),
        answers: () => ({
          200: {
            description: 'the topic exists with these settings (a retry), or validate_only passed',
            body: z.union([answer.topicSchema(), answer.topicValidationSchema()]),
            headers: { Location: header('the topic (not for validate_only)', 'string', false) },
          },
          201: {
            description: 'created and served by every broker',
            body: answer.topicSchema(),
            headers: location,
          },
          202: {
            description: 'created, not yet served by every broker; a retry answers 200',
            body: answer.topicPendingSchema(),
            headers: location,
          },
          409: {
            description:
              'exists with other settings, collides with a topic ("." vs "_"), or beyond the cluster partition budget',
          },
          422: {
            description:
              'the body is invalid, Kafka refused the settings, or beyond the per-request partition budget; `errors` names each field',
          },
        }),
      }),
      'GET /topics/{name}': routeContract({
        operationId: 'get_topic',
        description:
          'Partitions with leader, replicas, ISR and watermarks; every config with its source; retained records. Sizes are null: Kafka reports them only through DescribeLogDirs, which kafkajs does not implement.',
        path: z.object({ name: z.string() }),
        answers: () => ({
          200: json('the topic', answer.topicDetailSchema()),
          404: { description: 'no such topic in this environment (or an internal one)' },
        }),
      }),
      'PATCH /topics/{name}': routeContract({
        operationId: 'update_topic',
        description:
          "Allow-listed configs (null removes the topic's own value) and a partition increase, under the partition budget of POST /topics. The broker validates the whole change before any of it is applied; validate_only stops there. Only the definition's topics and those under access.apiTopicPrefix.",
        path: z.object({ name: z.string() }),
        body: patchTopicRequestSchema().meta({ id: 'PatchTopicRequest' }),
        answers: () => ({
          200: json(
            'the topic once the broker shows the change; with validate_only, the topic as it would be',
            z.union([answer.topicDetailSchema(), answer.topicPatchValidationSchema()]),
          ),
          403: notAdministeredAnswer('operate'),
          404: { description: 'no such topic in this environment' },
          409: { description: 'the increase would take the cluster beyond its partition budget' },
          422: {
            description:
              'a config outside the allow-list or a bad value, a decrease, beyond the per-request partition budget, an empty change, or Kafka refused it; `errors` names each field',
          },
        }),
      }),
      'GET /topics/{name}/messages': routeContract({
        operationId: 'browse_topic_messages',
        description:
          'One page of a partition from an offset (clamped to the retained range), a time (the first record at or after it) or the oldest retained; at most `limit` records, 1 MiB of keys, values and headers, and 8 s. Page with `next_offset`.',
        path: z.object({ name: z.string() }),
        query: browseQuerySchema(),
        answers: () => ({
          200: json('a page of records', answer.messagePageSchema()),
          403: notAdministeredAnswer('read'),
          404: { description: 'no such topic in this environment' },
          422: { description: 'a parameter is invalid or names no partition of the topic' },
        }),
      }),
      'DELETE /topics/{name}': routeContract({
        operationId: 'delete_topic',
        description:
          "Only the definition's topics (protected ones with force) and those under access.apiTopicPrefix.",
        path: z.object({ name: z.string() }),
        query: z.object({ force: flag('delete a protected topic of the definition') }),
        answers: () => ({
          200: json('deleted', answer.topicDeletedSchema()),
          403: notAdministeredAnswer('operate'),
          404: { description: 'no such topic in this environment' },
          409: { description: 'a protected topic of the definition, without force' },
        }),
      }),
      'GET /consumers': routeContract({
        operationId: 'list_consumer_groups',
        answers: () => ({
          200: json(
            'the consumer groups of this environment, with lag',
            answer.consumerGroupsSchema(),
          ),
        }),
      }),
      'POST /consumers/{topic}/reset-offset': routeContract({
        operationId: 'reset_consumer_group_offsets',
        path: z.object({ topic: z.string() }),
        body: resetOffsetRequestSchema().meta({ id: 'ResetOffsetRequest' }),
        answers: () => ({
          200: json(
            'the offsets before and after; with dry_run, the offsets a reset would set (nothing committed)',
            answer.offsetResetSchema(),
          ),
          404: { description: 'no such topic in this environment' },
          409: { description: 'the group has active members no event source mapping owns' },
          422: {
            description:
              'the body is invalid, names unknown partitions, shifts where the group has no committed offset, or reaches before 1970; `errors` names each field',
          },
        }),
      }),
      'GET /alerts': routeContract({
        operationId: 'list_alerts',
        answers: () => ({ 200: json('the active alerts', answer.alertsSchema()) }),
      }),
      'GET /prometheus-metrics': routeContract({
        operationId: 'get_prometheus_metrics',
        answers: () => ({
          200: {
            description: 'Prometheus text exposition format 0.0.4',
            contentType: 'text/plain',
            body: z.string(),
          },
        }),
      }),
      'GET /dead-letter-queue/stats': routeContract({
        operationId: 'get_dlq_stats',
        query: z.object({
          scope: z
            .enum(['pending', 'all'])
            .default('pending')
            .meta({ description: 'records not yet retried, or every record the DLQ retains' }),
        }),
        answers: () => ({
          200: json('the DLQ analysis and the archive counts', answer.dlqStatsSchema()),
          404: { description: 'the DLQ topic does not exist' },
        }),
      }),
      'POST /dead-letter-queue/retry': routeContract({
        operationId: 'retry_dead_letters',
        body: manualRetryRequestSchema().meta({ id: 'ManualRetryRequest' }),
        answers: () => ({
          200: json('what moved, or with dry_run what would', answer.manualRetryResultSchema()),
          409: { description: 'another DLQ-retry run is in progress; try again' },
        }),
      }),
      'GET /schemas': routeContract({
        operationId: 'list_event_schemas',
        answers: () => ({
          200: json('every version of every event type', answer.schemaListSchema()),
        }),
      }),
      'GET /schemas/{event_type}/versions/{n}': routeContract({
        operationId: 'get_event_schema',
        path: z.object({
          event_type: z.string(),
          n: z.string().meta({ description: '`<major>.<version>` or `latest`' }),
        }),
        answers: () => ({
          200: {
            description:
              "the version's JSON Schema (draft 2020-12); its `$id` is the `dataschema` URI",
            contentType: 'application/schema+json',
            body: answer.jsonSchemaDocumentSchema(),
          },
          404: { description: 'unknown event type or version' },
        }),
      }),
    }) as const satisfies ContractTable<'management'>,
);
