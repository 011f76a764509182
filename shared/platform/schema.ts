import * as z from 'zod';
import { lazy } from '../lazy';
import { EVENT_TYPES } from '../events/event-types';
import { METRICS_NAMESPACE } from './metrics';
import { TOPIC_NAME_MAX_LENGTH } from './limits';

/** Kafka topic cleanup policies. */
export const CleanupPolicy = {
  Delete: 'delete',
  Compact: 'compact',
  CompactDelete: 'compact,delete',
} as const;
export type CleanupPolicy = (typeof CleanupPolicy)[keyof typeof CleanupPolicy];

/** ESM starting positions, as AWS names them. */
export const StartingPosition = {
  TrimHorizon: 'TRIM_HORIZON',
  Latest: 'LATEST',
  AtTimestamp: 'AT_TIMESTAMP',
} as const;
export type StartingPosition = (typeof StartingPosition)[keyof typeof StartingPosition];

/**
 * The retries AWS applies to a Kafka event source mapping whose retries are
 * infinite (-1) when it has an on-failure destination. AWS Lambda developer
 * guide, "Using a Kafka topic as an on-failure destination": "When you
 * configure both infinite retries and an on-failure destination, Lambda
 * automatically applies a maximum of 10 retry attempts." (also in
 * "Configuring error handling controls for Kafka event sources").
 */
export const ON_FAILURE_RETRY_CAP = 10;

/** Failure categories of a consumed record (see docs/dead-letter-queue.md). */
export const FailureCategory = {
  Deserialization: 'deserialization',
  SchemaValidation: 'schema_validation',
  Processing: 'processing',
  Timeout: 'timeout',
  Dependency: 'dependency',
  /**
   * The record names a schema version this consumer does not know (an unknown
   * major, or a newer version its known one cannot read): a newer deployment
   * may read it, so it is retried later (docs/schemas.md).
   */
  UnknownSchemaVersion: 'unknown_schema_version',
} as const;
export type FailureCategory = (typeof FailureCategory)[keyof typeof FailureCategory];

const DAY_MS = 24 * 60 * 60 * 1000;
/** Kafka's legal topic name: 1..249 chars of [a-zA-Z0-9._-], not "." or "..". */
export const TOPIC_NAME_PATTERN = new RegExp(`^[a-zA-Z0-9._-]{1,${TOPIC_NAME_MAX_LENGTH}}$`);

/**
 * The values the definition's optional fields take when omitted: the
 * schemas below default to them, and so does the zod-free filler that
 * builds the runtime definition (defaults.ts), so each is written once.
 */
export const TOPIC_DEFAULTS = {
  description: '',
  replicationFactor: 3,
  minInSyncReplicas: 2,
  retentionMs: 7 * DAY_MS,
  cleanupPolicy: CleanupPolicy.Delete,
  protected: true,
} as const;

/** See {@link TOPIC_DEFAULTS}. */
export const CONSUMER_DEFAULTS = {
  description: '',
  batchSize: 100,
  maximumBatchingWindowMs: 500,
  startingPosition: StartingPosition.TrimHorizon,
  maximumRetryAttempts: ON_FAILURE_RETRY_CAP,
  maximumRecordAgeSeconds: -1,
  bisectBatchOnFunctionError: false,
  reportBatchItemFailures: true,
  timeoutSeconds: 60,
  memorySizeMb: 512,
} as const;

/** See {@link TOPIC_DEFAULTS}. */
export const EXPONENTIAL_RETRY_DEFAULTS = { jitter: 0 } as const;

/** See {@link TOPIC_DEFAULTS} (`byCategory` and `byTopic` default to `{}`). */
export const DLQ_DEFAULTS = { scheduleMinutes: 5 } as const;

/** See {@link TOPIC_DEFAULTS}. */
export const HTTP_ROUTE_DEFAULTS = { mutating: false, summary: '', auth: 'required' } as const;

/** See {@link TOPIC_DEFAULTS}. */
export const PLATFORM_DEFAULTS = { metricsNamespace: METRICS_NAMESPACE } as const;

// The schemas are built when first used (validation at test and synth
// time, tests), never at a function's import: see defaults.ts (#13).
const topicSchema = () =>
  z.object({
    name: z
      .string()
      .regex(
        TOPIC_NAME_PATTERN,
        `must be 1-${TOPIC_NAME_MAX_LENGTH} characters of a-z, A-Z, 0-9, ".", "_" or "-"`,
      )
      .refine((n) => n !== '.' && n !== '..', 'must not be "." or ".."'),
    description: z.string().default(TOPIC_DEFAULTS.description),
    partitions: z.number().int().min(1, 'partitions must be at least 1'),
    replicationFactor: z.number().int().min(1).default(TOPIC_DEFAULTS.replicationFactor),
    minInSyncReplicas: z.number().int().min(1).default(TOPIC_DEFAULTS.minInSyncReplicas),
    retentionMs: z.number().int().min(-1).default(TOPIC_DEFAULTS.retentionMs),
    cleanupPolicy: z
      .enum(Object.values(CleanupPolicy) as [CleanupPolicy, ...CleanupPolicy[]])
      .default(TOPIC_DEFAULTS.cleanupPolicy),
    /** Protected topics cannot be deleted through the API without `force`. */
    protected: z.boolean().default(TOPIC_DEFAULTS.protected),
  });

const eventRouteSchema = () =>
  z.object({
    eventType: z.enum(EVENT_TYPES as [string, ...string[]]),
    topic: z.string().min(1),
  });

const consumerSchema = () =>
  z.object({
    name: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,62}$/, 'must be lower-case kebab-case, at most 63 characters'),
    description: z.string().default(CONSUMER_DEFAULTS.description),
    topics: z.array(z.string().min(1)).min(1, 'a consumer needs at least one topic'),
    /** Handler module, relative to the repository root, exporting `handler`. */
    handlerModule: z.string().regex(/^functions\/.+\.ts$/, 'must be a functions/*.ts path'),
    consumerGroupId: z.string().min(1),
    batchSize: z.number().int().min(1).max(10_000).default(CONSUMER_DEFAULTS.batchSize),
    maximumBatchingWindowMs: z
      .number()
      .int()
      .min(0)
      .max(300_000)
      .default(CONSUMER_DEFAULTS.maximumBatchingWindowMs),
    startingPosition: z
      .enum(Object.values(StartingPosition) as [StartingPosition, ...StartingPosition[]])
      .default(CONSUMER_DEFAULTS.startingPosition),
    startingPositionTimestamp: z.number().int().min(0).optional(),
    /**
     * Retries of a failed batch (not counting the first attempt) before its
     * records go to the consumer's on-failure destination; 0-10,000. AWS's -1
     * (infinite) is refused by the loader: every consumer has an on-failure
     * destination, and with one AWS applies at most 10 retries anyway, so the
     * definition states the number that really applies. The default is that
     * number.
     */
    maximumRetryAttempts: z
      .number()
      .int()
      .min(-1)
      .max(10_000)
      .default(CONSUMER_DEFAULTS.maximumRetryAttempts),
    /**
     * Records older than this go to the on-failure destination instead of the
     * handler: 60-604,800 s, or -1 for no age limit (AWS's default; legal with
     * an on-failure destination, where the retry bound still ends a failing batch).
     */
    maximumRecordAgeSeconds: z
      .number()
      .int()
      .min(-1)
      .max(604_800)
      .refine((s) => s === -1 || s >= 60, 'must be -1 (no limit) or 60-604800 seconds, as in AWS')
      .default(CONSUMER_DEFAULTS.maximumRecordAgeSeconds),
    bisectBatchOnFunctionError: z.boolean().default(CONSUMER_DEFAULTS.bisectBatchOnFunctionError),
    reportBatchItemFailures: z.boolean().default(CONSUMER_DEFAULTS.reportBatchItemFailures),
    /**
     * ESM-level on-failure destination: a Kafka topic of the same cluster, not
     * a source topic. Without one, the consumer's on-failure destination is
     * the platform's failure bucket (S3 in AWS; see docs/consumers.md for the
     * local runtime): every consumer has one.
     */
    onFailureTopic: z.string().min(1).optional(),
    timeoutSeconds: z.number().int().min(1).max(840).default(CONSUMER_DEFAULTS.timeoutSeconds),
    memorySizeMb: z.number().int().min(128).max(10_240).default(CONSUMER_DEFAULTS.memorySizeMb),
  });

const retryStrategySchema = () =>
  z.discriminatedUnion('kind', [
    z.object({
      kind: z.literal('exponential'),
      baseDelayMs: z.number().int().min(0),
      multiplier: z.number().min(1),
      maxDelayMs: z.number().int().min(0),
      /** Fraction of the delay randomised (0 = none, 1 = full jitter). */
      jitter: z.number().min(0).max(1).default(EXPONENTIAL_RETRY_DEFAULTS.jitter),
    }),
    z.object({ kind: z.literal('fixed'), delayMs: z.number().int().min(0) }),
    z.object({
      kind: z.literal('linear'),
      baseDelayMs: z.number().int().min(0),
      incrementMs: z.number().int().min(0),
      maxDelayMs: z.number().int().min(0),
    }),
    z.object({ kind: z.literal('none') }),
  ]);

const retryPolicySchema = () =>
  z.object({
    strategy: retryStrategySchema(),
    maxRetries: z.number().int().min(0),
  });

const dlqSchema = () =>
  z.object({
    topic: z.string().min(1),
    archiveTopic: z.string().min(1),
    /** How often the DLQ-retry function runs, in minutes. */
    scheduleMinutes: z.number().int().min(1).max(1440).default(DLQ_DEFAULTS.scheduleMinutes),
    consumerGroupId: z.string().min(1),
    defaultPolicy: retryPolicySchema(),
    /** Overrides by failure category (e.g. no retry for deserialization). */
    byCategory: z
      .partialRecord(
        z.enum(Object.values(FailureCategory) as [FailureCategory, ...FailureCategory[]]),
        retryPolicySchema(),
      )
      .default({}),
    /** Overrides by original topic. Take precedence over byCategory. */
    byTopic: z.record(z.string(), retryPolicySchema()).default({}),
  });

export const HttpFunction = { Publish: 'publish', Management: 'management' } as const;
export type HttpFunction = (typeof HttpFunction)[keyof typeof HttpFunction];

/**
 * Whether a route needs a caller's credentials: `none` only for what a
 * probe without any calls (liveness, `GET /health`). An open route has no
 * authorizer in AWS, gets no token check locally, and `security: []` in
 * the OpenAPI document.
 */
export const RouteAuth = { Required: 'required', None: 'none' } as const;
export type RouteAuth = (typeof RouteAuth)[keyof typeof RouteAuth];

const httpRouteSchema = () =>
  z.object({
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
    /** API Gateway route path, with `{param}` placeholders. */
    path: z.string().regex(/^\/[A-Za-z0-9._\-/{}]*$/, 'must be an absolute path'),
    function: z.enum([HttpFunction.Publish, HttpFunction.Management]),
    /** Mutating management routes need a token locally even without one configured. */
    mutating: z.boolean().default(HTTP_ROUTE_DEFAULTS.mutating),
    summary: z.string().default(HTTP_ROUTE_DEFAULTS.summary),
    auth: z.enum([RouteAuth.Required, RouteAuth.None]).default(HTTP_ROUTE_DEFAULTS.auth),
  });

/**
 * What a route lets its caller do, derived from the route's `function` and
 * `mutating` (see `routeAccess`): publish events, read the platform's state,
 * or operate it (create/delete topics, reset offsets, retry the DLQ).
 */
export const RouteAccess = { Publish: 'publish', Read: 'read', Operate: 'operate' } as const;
export type RouteAccess = (typeof RouteAccess)[keyof typeof RouteAccess];

/**
 * Authorization of the HTTP API routes: `iam` (SigV4, the stack's
 * `publisher` / `operator` policies) or `jwt` (the definition's scopes).
 * The stack's `apiAuth` and the local gateway's `XSEVEN_API_AUTH`.
 */
export const ApiAuthMode = { Iam: 'iam', Jwt: 'jwt' } as const;
export type ApiAuthMode = (typeof ApiAuthMode)[keyof typeof ApiAuthMode];

/** RFC 6749 scope-token: printable ASCII without space, `"` or `\`. */
const oauthScope = () =>
  z
    .string()
    .regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/, 'must be an OAuth scope (printable ASCII, no space)');

const accessSchema = () =>
  z.object({
    /**
     * The JWT scope of each kind of route (HTTP API auth "jwt"): a token must
     * carry the scope of the route it calls; `operate` also lets a caller read.
     */
    scopes: z.object({ publish: oauthScope(), read: oauthScope(), operate: oauthScope() }),
    /**
     * Prefix of the topics created through the management API (after the
     * namespace prefix). The management function may administer the
     * definition's topics and these, nothing else.
     */
    apiTopicPrefix: z
      .string()
      .regex(
        /^[a-zA-Z0-9._-]{1,200}$/,
        'must be 1-200 characters of a-z, A-Z, 0-9, ".", "_" or "-"',
      ),
  });

/** The schema of a platform definition, built on first use. */
export const platformSchema = lazy(() =>
  z.object({
    name: z.string().regex(/^[a-z][a-z0-9-]*$/),
    /** CloudWatch namespace of the EMF metrics, alarms and dashboard. */
    metricsNamespace: z
      .string()
      .regex(/^[A-Za-z0-9._/#:-]{1,255}$/, 'must be a CloudWatch namespace')
      .default(PLATFORM_DEFAULTS.metricsNamespace),
    apiBasePath: z.string().regex(/^\/[a-z0-9/]*[a-z0-9]$/),
    topics: z.array(topicSchema()).min(1),
    eventRoutes: z.array(eventRouteSchema()),
    consumers: z.array(consumerSchema()),
    dlq: dlqSchema(),
    httpRoutes: z.array(httpRouteSchema()),
    access: accessSchema(),
  }),
);

/** A platform definition as written (defaults may be omitted). */
export type PlatformDefinitionInput = z.input<ReturnType<typeof platformSchema>>;
/** A loaded, validated platform definition (all defaults filled). */
export type PlatformDefinition = z.output<ReturnType<typeof platformSchema>>;
export type TopicDefinition = PlatformDefinition['topics'][number];
export type ConsumerDefinition = PlatformDefinition['consumers'][number];
export type EventRoute = PlatformDefinition['eventRoutes'][number];
export type DlqDefinition = PlatformDefinition['dlq'];
export type RetryPolicy = DlqDefinition['defaultPolicy'];
export type RetryStrategy = RetryPolicy['strategy'];
export type HttpRouteDefinition = PlatformDefinition['httpRoutes'][number];
export type AccessDefinition = PlatformDefinition['access'];
