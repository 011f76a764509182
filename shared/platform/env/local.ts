/**
 * The variables of the environment contract that only the local runtime
 * reads (`npm start`: API gateway, scheduler, event source mappings).
 */
import * as z from 'zod';
import { envVar } from './contract';
import { ApiAuthMode } from '../schema';
import { booleanFlagSchema } from './parse';
import { batchingWindowsSchema } from '../batching-window';

export const LocalEnv = {
  ApiPort: envVar(
    'XSEVEN_API_PORT',
    () => z.coerce.number().int().min(0).max(65_535).default(8000),
    "Port of the local API gateway (the seed's curl examples use 8000)",
  ),
  ApiHost: envVar(
    'XSEVEN_API_HOST',
    () => z.string().min(1).default('127.0.0.1'),
    'Interface it listens on',
  ),
  ApiAuth: envVar(
    'XSEVEN_API_AUTH',
    () => z.enum(ApiAuthMode).default(ApiAuthMode.Iam),
    "The authorizer context the local gateway builds, as the stack's `apiAuth`: `iam` (`requestContext.authorizer.iam`) or `jwt` (`authorizer.jwt` with the principal's scopes)",
  ),
  ApiToken: envVar(
    'XSEVEN_API_TOKEN',
    () => z.string().min(16, 'must be at least 16 characters').optional(),
    'Bearer token of the local operator (publish, read and operate); when set, a request without a known token has no principal (401)',
  ),
  ApiPublishToken: envVar(
    'XSEVEN_API_PUBLISH_TOKEN',
    () => z.string().min(16, 'must be at least 16 characters').optional(),
    "Bearer token of the local publisher (publish routes only, like the stack's `publisher` policy / scope); needs XSEVEN_API_TOKEN",
  ),
  AllowUnauthenticatedMutations: envVar(
    'XSEVEN_ALLOW_UNAUTHENTICATED_MUTATIONS',
    () => booleanFlagSchema().default(false),
    '`1`: without XSEVEN_API_TOKEN, the local developer principal may also operate (create/delete topics, reset offsets, retry the DLQ)',
  ),
  ApiHeadersTimeoutMs: envVar(
    'XSEVEN_API_HEADERS_TIMEOUT_MS',
    () => z.coerce.number().int().min(1_000).max(600_000).default(10_000),
    "Time a client has to send a request's headers; a slower socket (slowloris) gets 408 and is closed",
  ),
  ApiRequestTimeoutMs: envVar(
    'XSEVEN_API_REQUEST_TIMEOUT_MS',
    () => z.coerce.number().int().min(1_000).max(600_000).default(30_000),
    'Time a client has to send a whole request, body included (at least the headers timeout)',
  ),
  ApiKeepAliveTimeoutMs: envVar(
    'XSEVEN_API_KEEP_ALIVE_TIMEOUT_MS',
    () => z.coerce.number().int().min(0).max(600_000).default(5_000),
    'How long an idle keep-alive connection stays open between requests',
  ),
  ApiMaxConnections: envVar(
    'XSEVEN_API_MAX_CONNECTIONS',
    () => z.coerce.number().int().min(1).max(1_000_000).default(1_024),
    'Open connections the gateway accepts at once; a connection above the limit is closed at once',
  ),
  DlqRetryIntervalSeconds: envVar(
    'XSEVEN_DLQ_RETRY_INTERVAL_SECONDS',
    () => z.coerce.number().positive().max(86_400).optional(),
    "Interval between the end of a local DLQ-retry run and the next; default the definition's `dlq.scheduleMinutes`",
  ),
  DlqRetryTimeoutSeconds: envVar(
    'XSEVEN_DLQ_RETRY_TIMEOUT_SECONDS',
    () => z.coerce.number().int().min(5).max(840).default(60),
    "The time each local DLQ-retry run may take, like the Lambda's timeout",
  ),
  BatchingWindowMs: envVar(
    'XSEVEN_BATCHING_WINDOW_MS',
    () => batchingWindowsSchema().optional(),
    "The local ESMs' batching windows: `0` for every consumer, or `conversation-log=0,ai-responses=1000` per consumer (0–300000 ms); default each consumer's `maximumBatchingWindowMs` in the definition",
  ),
  EsmReadAheadBytes: envVar(
    'XSEVEN_ESM_READ_AHEAD_BYTES',
    () =>
      z.coerce
        .number()
        .int()
        .min(1_048_576)
        .default(16 * 1_048_576),
    'Bytes of records each local event source mapping holds fetched ahead of its invocations (estimated as in the MSK event; at least 1 MiB); default 16 MiB: two full 6 MB invocation payloads',
  ),
  EsmFetchMaxBytes: envVar(
    'XSEVEN_ESM_FETCH_MAX_BYTES',
    () =>
      z.coerce
        .number()
        .int()
        .min(1_024)
        .default(8 * 1_048_576),
    "kafkajs `maxBytes` of each local event source mapping's fetch requests; default 8 MiB (kafkajs: 10 MiB). A first record larger than the limit is still returned (KIP-74)",
  ),
  EsmFetchMaxBytesPerPartition: envVar(
    'XSEVEN_ESM_FETCH_MAX_BYTES_PER_PARTITION',
    // 128 KiB, not 1 MiB: with 1 MiB one fetch brought ~27,000 gzip records of a
    // backlog, decoded before the first invocation, and the next fetch arrived
    // only after the deliveries had drained (docs/performance.md).
    () => z.coerce.number().int().min(1_024).default(131_072),
    "kafkajs `maxBytesPerPartition` of those fetches; default 128 KiB (a larger first record still comes, KIP-74: the platform's 1 MB records too)",
  ),
  EsmConsumers: envVar(
    'XSEVEN_ESM_CONSUMERS',
    () =>
      z
        .string()
        .transform((s) =>
          s
            .split(',')
            .map((c) => c.trim())
            .filter((c) => c !== ''),
        )
        .optional(),
    'Comma-separated consumers `tsx local/esm/main.ts` runs; default every consumer',
  ),
  OnFailureDir: envVar(
    'XSEVEN_ON_FAILURE_DIR',
    () => z.string().min(1).optional(),
    "The local ESM's stand-in for the S3 on-failure bucket (relative paths from the working directory); default `.xseven/on-failure` in the repository",
  ),
  OtlpEndpoint: envVar(
    'OTEL_EXPORTER_OTLP_ENDPOINT',
    () =>
      z
        .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
        .transform((url) => url.replace(/\/+$/, ''))
        .optional(),
    'An OpenTelemetry collector: the local runtime exports its spans (publish, consumer, request) to `<endpoint>/v1/traces` over OTLP/HTTP (JSON); unset: no spans, the trace ids are in the logs',
  ),
  OtelServiceName: envVar(
    'OTEL_SERVICE_NAME',
    () => z.string().min(1).optional(),
    "`service.name` of the exported spans; default the definition's name",
  ),
  SchemaRegistryUrl: envVar(
    'SCHEMA_REGISTRY_URL',
    () =>
      z
        .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
        .transform((url) => url.replace(/\/+$/, ''))
        .optional(),
    'A Confluent-compatible schema registry the local runtime registers the committed schemas in; unset: the committed files are the registry',
  ),
  ConsumerMaxPollRecords: envVar(
    'KAFKA_CONSUMER_MAX_POLL_RECORDS',
    () => z.coerce.number().int().min(1).max(10_000).optional(),
    "The seed's consumer setting: locally, the batch size of every event source mapping (an ESM's BatchSize, at most 10,000); the stack keeps the definition's",
  ),
  ConsumerAutoOffsetReset: envVar(
    'KAFKA_CONSUMER_AUTO_OFFSET_RESET',
    () =>
      z
        .enum(['earliest', 'latest'])
        .transform((v) => (v === 'earliest' ? 'TRIM_HORIZON' : 'LATEST'))
        .optional(),
    "The seed's consumer setting: locally, every ESM's starting position (`earliest` = TRIM_HORIZON, `latest` = LATEST; a group with offsets resumes from them)",
  ),
  ConsumerFetchMinBytes: envVar(
    'KAFKA_CONSUMER_FETCH_MIN_BYTES',
    () => z.coerce.number().int().min(1).max(52_428_800).optional(),
    "The seed's consumer setting: the local ESM's fetch minimum (kafkajs `minBytes`); the broker waits up to the batching window for it. Default: an eighth of XSEVEN_ESM_FETCH_MAX_BYTES_PER_PARTITION (16 KiB) for a consumer with a batching window, 1 byte without",
  ),
  ConsumerEnableAutoCommit: envVar(
    'KAFKA_CONSUMER_ENABLE_AUTO_COMMIT',
    () => booleanFlagSchema().optional(),
    "The seed's consumer setting: `false` is what an ESM does (commit after a successful batch); `true` is warned about and ignored",
  ),
  ConsumerGroupId: envVar(
    'KAFKA_CONSUMER_GROUP_ID',
    () => z.string().optional(),
    "The seed's single consumer group: warned about and ignored (each ESM's group comes from the definition)",
  ),
  EnableEventSourcing: envVar(
    'ENABLE_EVENT_SOURCING',
    () => z.string().optional(),
    "The seed's switch: warned about and ignored (every event stays in its topic for the definition's retention)",
  ),
  StopBroker: envVar(
    'XSEVEN_STOP_BROKER',
    () => booleanFlagSchema().default(false),
    '`1`: Ctrl-C on `npm start` stops the broker too',
  ),
} as const;
