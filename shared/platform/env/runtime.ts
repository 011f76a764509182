/**
 * The variables of the environment contract that every function shares
 * ({@link PlatformEnv}, most written by the CDK stack) and those of the
 * consumer and management functions.
 */
import * as z from 'zod';
import { MAX_RECORD_BYTES } from '../limits';
import { METRICS_NAMESPACE } from '../metrics';
import { envVar } from './contract';

/** What every function of the platform reads (or Lambda and Powertools do). */
export const PlatformEnv = {
  TopicPrefix: envVar(
    'XSEVEN_TOPIC_PREFIX',
    () =>
      z
        .string()
        .regex(/^[a-zA-Z0-9._-]*$/)
        .default(''),
    'Prefix of every topic and consumer group (environments sharing a cluster); applied by loadPlatform',
  ),
  ServiceName: envVar(
    'POWERTOOLS_SERVICE_NAME',
    () => z.string().min(1).optional(),
    'Service of the structured logs and `service` dimension of the EMF metrics (the definition name)',
  ),
  LogLevel: envVar(
    'POWERTOOLS_LOG_LEVEL',
    () => z.string().min(1).default('INFO'),
    'Log level of the structured logs',
  ),
  MetricsNamespace: envVar(
    'POWERTOOLS_METRICS_NAMESPACE',
    () => z.string().min(1).default(METRICS_NAMESPACE),
    "CloudWatch namespace of the EMF metrics (the definition's `metricsNamespace`)",
  ),
  MskClusterArn: envVar(
    'XSEVEN_MSK_CLUSTER_ARN',
    () =>
      z
        .string()
        .regex(/^arn:aws[a-z-]*:kafka:/, 'must be an MSK cluster ARN')
        .optional(),
    'The MSK cluster (set by the stack); restricts the event source mapping lookup of the offset reset',
  ),
  LambdaFunctionName: envVar(
    'AWS_LAMBDA_FUNCTION_NAME',
    () => z.string().min(1).optional(),
    'Set by Lambda: its presence selects the AWS behaviour (EMF, CloudWatch counters, ESM API)',
  ),
  TraceEnabled: envVar(
    'POWERTOOLS_TRACE_ENABLED',
    () => z.enum(['true', 'false', 'TRUE', 'FALSE', '1', '0']).optional(),
    'In AWS, `false` turns off the X-Ray subsegments of Powertools Tracer (Kafka sends, handler calls, AWS SDK calls); on by default under active tracing',
  ),
  SchemaRegistryName: envVar(
    'XSEVEN_SCHEMA_REGISTRY_NAME',
    () => z.string().min(1).optional(),
    'The AWS Glue Schema Registry the function may resolve schemas through (set by the stack, docs/schemas.md)',
  ),
  NodeOptions: envVar(
    'NODE_OPTIONS',
    () => z.string().optional(),
    'Node.js options of the functions (the stack enables source maps)',
  ),
} as const;

/** A consumer function's settings. */
export const ConsumerEnv = {
  MaxRecordBytes: envVar(
    'XSEVEN_MAX_RECORD_BYTES',
    () => z.coerce.number().int().min(1).default(MAX_RECORD_BYTES),
    'Largest record value accepted; larger records are dead-lettered as deserialization failures',
  ),
  ReserveMs: envVar(
    'XSEVEN_CONSUMER_RESERVE_MS',
    () => z.coerce.number().int().min(0).default(1_000),
    'Milliseconds kept back from the remaining time for the DLQ write and the response',
  ),
  HandledLog: envVar(
    'XSEVEN_HANDLED_LOG',
    () => z.string().min(1).optional(),
    'Local journal: a file to which the ids of processed events are appended ("<consumer> <id>")',
  ),
  ConsumerName: envVar(
    'XSEVEN_CONSUMER_NAME',
    () => z.string().min(1).optional(),
    'The consumer a function was deployed for (set by the stack); a handler module built for another consumer refuses to start',
  ),
} as const;

/** The management function's settings (alert thresholds: {@link AlertThresholdEnv}). */
export const ManagementEnv = {
  HealthTimeoutMs: envVar(
    'XSEVEN_HEALTH_TIMEOUT_MS',
    () => z.coerce.number().int().min(100).max(29_000).default(2000),
    'How long GET /health?deep=true waits for the broker',
  ),
  DlqStatsMaxRecords: envVar(
    'XSEVEN_DLQ_STATS_MAX_RECORDS',
    () => z.coerce.number().int().min(1).max(1_000_000).default(10_000),
    'Most DLQ records one GET /dead-letter-queue/stats reads',
  ),
  DlqStatsTimeoutMs: envVar(
    'XSEVEN_DLQ_STATS_TIMEOUT_MS',
    () => z.coerce.number().int().min(500).max(25_000).default(10_000),
    'How long GET /dead-letter-queue/stats may read',
  ),
  MetricsWindowMinutes: envVar(
    'XSEVEN_METRICS_WINDOW_MINUTES',
    () => z.coerce.number().int().min(5).max(180).default(60),
    'Window of the CloudWatch counters of GET /metrics and /prometheus-metrics in AWS (alerts use ALERT_WINDOW_MINUTES)',
  ),
  EsmDisableTimeoutMs: envVar(
    'XSEVEN_ESM_DISABLE_TIMEOUT_MS',
    () => z.coerce.number().int().min(1000).max(600_000).default(20_000),
    "How long the reset waits for an event source mapping to become Disabled (with the group wait, within API Gateway's 30 s)",
  ),
  MaxPartitionsPerRequest: envVar(
    'XSEVEN_MAX_PARTITIONS_PER_REQUEST',
    () => z.coerce.number().int().min(1).max(100_000).default(1000),
    'Most partitions one POST /topics may create (more is 422)',
  ),
  MaxClusterPartitions: envVar(
    'XSEVEN_MAX_CLUSTER_PARTITIONS',
    () => z.coerce.number().int().min(1).max(1_000_000).default(10_000),
    'Most partitions the cluster may hold after a POST /topics (more is 409): a broker has one log directory and file handles per partition replica',
  ),
  GroupEmptyTimeoutMs: envVar(
    'XSEVEN_GROUP_EMPTY_TIMEOUT_MS',
    () => z.coerce.number().int().min(0).max(600_000).default(5000),
    'How long the reset waits for a group to lose its members after its ESM stopped',
  ),
} as const;

/** The alert levels a threshold variable sets. */
export const AlertLevel = { Info: 'INFO', Warning: 'WARNING', Critical: 'CRITICAL' } as const;
export type AlertLevel = (typeof AlertLevel)[keyof typeof AlertLevel];

/** Prefix of the threshold variables of each alerted metric (`<prefix>_<LEVEL>`). */
const ALERT_PREFIX = {
  consumer_lag: 'XSEVEN_ALERT_CONSUMER_LAG',
  error_rate: 'XSEVEN_ALERT_ERROR_RATE',
  processing_time: 'XSEVEN_ALERT_PROCESSING_TIME_SECONDS',
  dlq_depth: 'XSEVEN_ALERT_DLQ_DEPTH',
} as const;

const thresholdSchema = (): z.ZodOptional<z.ZodCoercedNumber> =>
  z.coerce.number().min(0).optional();

/**
 * The alert threshold variables, by metric and level, e.g.
 * `AlertThresholdEnv.consumer_lag.WARNING` is `XSEVEN_ALERT_CONSUMER_LAG_WARNING`.
 */
export const AlertThresholdEnv = Object.fromEntries(
  Object.entries(ALERT_PREFIX).map(([metric, prefix]) => [
    metric,
    Object.fromEntries(
      Object.values(AlertLevel).map((level) => [
        level,
        envVar(
          `${prefix}_${level}`,
          thresholdSchema,
          `${level.toLowerCase()} threshold of the ${metric} alert`,
        ),
      ]),
    ),
  ]),
) as {
  readonly [M in keyof typeof ALERT_PREFIX]: {
    readonly [L in AlertLevel]: ReturnType<
      typeof envVar<string, ReturnType<typeof thresholdSchema>>
    >;
  };
};
