import { EventType } from '../events/event-types';
import { definitionWithDefaults } from './defaults';
import { METRICS_NAMESPACE } from './metrics';
import type { PlatformDefinition, PlatformDefinitionInput } from './schema';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/** Topic names of the platform, as constants for code that needs one by name. */
export const Topic = {
  ConversationEvents: 'conversation.events',
  AiResponses: 'ai.responses',
  BusinessAnalytics: 'business.analytics',
  SystemMonitoring: 'system.monitoring',
  UserActions: 'user.actions',
  WorkflowEvents: 'workflow.events',
  DeadLetterQueue: 'dead.letter.queue',
  DeadLetterArchive: 'dead.letter.archive',
} as const;
export type Topic = (typeof Topic)[keyof typeof Topic];

const API = '/api/v1/kafka';

/**
 * The single source of truth of the platform, as written. Both the CDK stack
 * (infra/) and the local runtime (local/) read it. See docs/platform-definition.md
 * for the reasoning behind each choice (notably: no compaction, see there).
 */
export const platformDefinitionInput = {
  name: 'xseven-events',
  metricsNamespace: METRICS_NAMESPACE,
  apiBasePath: API,
  topics: [
    {
      name: Topic.ConversationEvents,
      partitions: 3,
      retentionMs: 7 * DAY_MS,
      description: 'conversation started, message, ended',
    },
    {
      name: Topic.AiResponses,
      partitions: 6,
      retentionMs: 3 * DAY_MS,
      description: 'AI response generated, model switched',
    },
    {
      name: Topic.BusinessAnalytics,
      partitions: 2,
      retentionMs: 30 * DAY_MS,
      description: 'business metrics updates',
    },
    {
      name: Topic.SystemMonitoring,
      partitions: 1,
      retentionMs: 1 * DAY_MS,
      description: 'system health, errors',
    },
    {
      name: Topic.UserActions,
      partitions: 3,
      retentionMs: 7 * DAY_MS,
      description: 'user actions (unrouted in the seed)',
    },
    {
      name: Topic.WorkflowEvents,
      partitions: 3,
      retentionMs: 7 * DAY_MS,
      description: 'workflow started, completed, failed (unrouted in the seed)',
    },
    {
      name: Topic.DeadLetterQueue,
      partitions: 1,
      retentionMs: 7 * DAY_MS,
      description: 'failed records awaiting retry',
    },
    {
      name: Topic.DeadLetterArchive,
      partitions: 1,
      retentionMs: 90 * DAY_MS,
      description: 'records past their last retry, with history',
    },
  ],
  eventRoutes: [
    { eventType: EventType.ConversationStarted, topic: Topic.ConversationEvents },
    { eventType: EventType.ConversationMessage, topic: Topic.ConversationEvents },
    { eventType: EventType.ConversationEnded, topic: Topic.ConversationEvents },
    { eventType: EventType.AiResponseGenerated, topic: Topic.AiResponses },
    { eventType: EventType.AiModelSwitched, topic: Topic.AiResponses },
    { eventType: EventType.BusinessAnalyticsUpdate, topic: Topic.BusinessAnalytics },
    { eventType: EventType.UserAction, topic: Topic.UserActions },
    { eventType: EventType.SystemError, topic: Topic.SystemMonitoring },
    { eventType: EventType.HealthCheck, topic: Topic.SystemMonitoring },
    { eventType: EventType.WorkflowStarted, topic: Topic.WorkflowEvents },
    { eventType: EventType.WorkflowCompleted, topic: Topic.WorkflowEvents },
    { eventType: EventType.WorkflowFailed, topic: Topic.WorkflowEvents },
  ],
  consumers: [
    {
      name: 'conversation-log',
      description: 'keeps the log of each conversation',
      topics: [Topic.ConversationEvents],
      handlerModule: 'functions/consumers/conversation-log.ts',
      consumerGroupId: 'xseven-conversation-log',
      batchSize: 100,
      maximumBatchingWindowMs: 500,
    },
    {
      name: 'ai-responses',
      description: 'tracks AI model usage, tokens and cost',
      topics: [Topic.AiResponses],
      handlerModule: 'functions/consumers/ai-responses.ts',
      consumerGroupId: 'xseven-ai-responses',
    },
    {
      name: 'business-analytics',
      description: 'aggregates business metrics',
      topics: [Topic.BusinessAnalytics],
      handlerModule: 'functions/consumers/business-analytics.ts',
      consumerGroupId: 'xseven-business-analytics',
    },
    {
      name: 'system-monitoring',
      description: 'counts errors and health checks, user actions and workflows',
      topics: [Topic.SystemMonitoring, Topic.UserActions, Topic.WorkflowEvents],
      handlerModule: 'functions/consumers/system-monitoring.ts',
      consumerGroupId: 'xseven-system-monitoring',
    },
  ],
  dlq: {
    topic: Topic.DeadLetterQueue,
    archiveTopic: Topic.DeadLetterArchive,
    scheduleMinutes: 5,
    consumerGroupId: 'xseven-dlq-retry',
    defaultPolicy: {
      strategy: {
        kind: 'exponential',
        baseDelayMs: 60_000,
        multiplier: 2,
        maxDelayMs: HOUR_MS,
        jitter: 0.2,
      },
      maxRetries: 5,
    },
    byCategory: {
      deserialization: { strategy: { kind: 'none' }, maxRetries: 0 },
      schema_validation: { strategy: { kind: 'none' }, maxRetries: 0 },
      // A newer consumer may be deployed within days: retry hourly for two
      // days, then archive (replayable by hand). docs/schemas.md.
      unknown_schema_version: { strategy: { kind: 'fixed', delayMs: HOUR_MS }, maxRetries: 48 },
    },
    byTopic: {},
  },
  httpRoutes: [
    {
      method: 'POST',
      path: `${API}/events/conversation`,
      function: 'publish',
      summary: 'publish a conversation event (started | message | ended)',
    },
    {
      method: 'POST',
      path: `${API}/events/ai-response`,
      function: 'publish',
      summary: 'publish an ai.response.generated event',
    },
    {
      method: 'POST',
      path: `${API}/events/business-analytics`,
      function: 'publish',
      summary: 'publish a business.analytics.update event',
    },
    {
      method: 'POST',
      path: `${API}/events/generic`,
      function: 'publish',
      summary: 'publish any event type',
    },
    {
      method: 'POST',
      path: `${API}/events/batch`,
      function: 'publish',
      summary: 'publish many events, per-item results',
    },
    {
      method: 'GET',
      path: `${API}/openapi.json`,
      function: 'publish',
      summary: 'OpenAPI 3.1 document',
    },
    {
      method: 'GET',
      path: `${API}/health`,
      function: 'management',
      // A liveness probe carries no credentials; ?deep=true (readiness) names no data either.
      auth: 'none',
      summary: 'liveness; readiness with ?deep=true',
    },
    {
      method: 'GET',
      path: `${API}/status`,
      function: 'management',
      summary: 'brokers, topics, groups, alerts',
    },
    { method: 'GET', path: `${API}/metrics`, function: 'management', summary: 'metrics as JSON' },
    { method: 'GET', path: `${API}/topics`, function: 'management', summary: 'list topics' },
    {
      method: 'POST',
      path: `${API}/topics`,
      function: 'management',
      mutating: true,
      summary: 'create a topic',
    },
    {
      method: 'GET',
      path: `${API}/topics/{name}`,
      function: 'management',
      summary: 'a topic: partitions, leaders, replicas, ISR, offsets, configs',
    },
    {
      method: 'PATCH',
      path: `${API}/topics/{name}`,
      function: 'management',
      mutating: true,
      summary: "change a topic's configs or increase its partitions",
    },
    {
      method: 'GET',
      path: `${API}/topics/{name}/messages`,
      function: 'management',
      summary: "browse a partition's records by offset or timestamp",
    },
    {
      method: 'DELETE',
      path: `${API}/topics/{name}`,
      function: 'management',
      mutating: true,
      summary: 'delete a topic',
    },
    {
      method: 'GET',
      path: `${API}/consumers`,
      function: 'management',
      summary: 'consumer groups and lag',
    },
    {
      method: 'POST',
      path: `${API}/consumers/{topic}/reset-offset`,
      function: 'management',
      mutating: true,
      summary: 'reset a group offset',
    },
    { method: 'GET', path: `${API}/alerts`, function: 'management', summary: 'active alerts' },
    {
      method: 'GET',
      path: `${API}/prometheus-metrics`,
      function: 'management',
      summary: 'Prometheus text exposition',
    },
    {
      method: 'GET',
      path: `${API}/dead-letter-queue/stats`,
      function: 'management',
      summary: 'DLQ error analysis',
    },
    {
      method: 'POST',
      path: `${API}/dead-letter-queue/retry`,
      function: 'management',
      mutating: true,
      summary: 'manual DLQ retry',
    },
    // Read routes (read or operate scope; the operator policy): consumers in
    // other languages resolve a record's `dataschema` here (docs/schemas.md).
    {
      method: 'GET',
      path: `${API}/schemas`,
      function: 'management',
      summary: 'every event schema version',
    },
    {
      method: 'GET',
      path: `${API}/schemas/{event_type}/versions/{n}`,
      function: 'management',
      summary: 'the JSON Schema of a version (<major>.<version> or latest)',
    },
  ],
  access: {
    scopes: {
      publish: 'xseven-events/publish',
      read: 'xseven-events/read',
      operate: 'xseven-events/operate',
    },
    apiTopicPrefix: 'api.',
  },
} as const satisfies PlatformDefinitionInput;

/** A route of the definition. */
type DefinedRoute = (typeof platformDefinitionInput.httpRoutes)[number];

/**
 * The key of a route of `fn`, as its function dispatches it: method and
 * path below the API base path, e.g. `'DELETE /topics/{name}'`. A route
 * table typed `Record<HttpRouteKey<'management'>, ...>` is checked by the
 * compiler against the definition: a missing or an extra route fails to build.
 */
export type HttpRouteKey<Fn extends DefinedRoute['function']> =
  Extract<DefinedRoute, { readonly function: Fn }> extends infer R
    ? R extends {
        readonly method: infer M extends string;
        readonly path: `${typeof API}${infer P}`;
      }
      ? `${M} ${P}`
      : never
    : never;

/**
 * The platform definition with its defaults filled, frozen. Validated at
 * test time (test/unit/platform/definition.test.ts: it loads with
 * `loadPlatformDefinition`, to this very value) and at `cdk synth` (the
 * stack loads what it deploys), not at every import: that cost each
 * Lambda's init ~15-25 ms (issue #13 item 6).
 *
 * @example
 * ```ts
 * import { platform } from '../shared/platform';
 * platform.topics.map((t) => t.name);
 * ```
 */
export const platform: PlatformDefinition = definitionWithDefaults(platformDefinitionInput);

/**
 * Lambda entry points besides the consumers (whose modules the definition
 * names). Paths relative to the repository root; each exports `handler`.
 * The CDK stack bundles them; the local gateway and scheduler invoke them.
 */
export const FunctionEntry = {
  /** API Gateway HTTP API (payload 2.0) handler of the publish routes. */
  publish: 'functions/publish/handler.ts',
  /** API Gateway HTTP API (payload 2.0) handler of the management routes. */
  management: 'functions/management/handler.ts',
  /** EventBridge-scheduled DLQ retry. */
  dlqRetry: 'functions/dlq-retry/handler.ts',
  /** CloudFormation custom resource creating topics where AWS::MSK::Topic is unavailable. */
  topicProvisioner: 'functions/topic-provisioner/handler.ts',
} as const;
export type FunctionEntry = (typeof FunctionEntry)[keyof typeof FunctionEntry];

/**
 * The function behind the HTTP API's `$default` route: API Gateway sends it
 * every request no route matches, and it answers the platform's
 * problem+json 404, or 405 with `Allow` for a known path (the stack and the
 * local gateway both read it).
 */
export const DEFAULT_ROUTE_FUNCTION = 'management' as const satisfies DefinedRoute['function'];
