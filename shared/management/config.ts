import * as z from 'zod';
import { booleanFlagSchema, parseEnv } from '../config/env';

/** The metrics an alert threshold can watch. */
export const AlertMetric = {
  ConsumerLag: 'consumer_lag',
  ErrorRate: 'error_rate',
  ProcessingTime: 'processing_time',
  DlqDepth: 'dlq_depth',
} as const;
export type AlertMetric = (typeof AlertMetric)[keyof typeof AlertMetric];

/** Severities of an alert, from least to most severe. */
export const Severity = { Info: 'info', Warning: 'warning', Critical: 'critical' } as const;
export type Severity = (typeof Severity)[keyof typeof Severity];

/** The thresholds of one metric; an unset level never fires. */
export interface Thresholds {
  readonly info?: number;
  readonly warning?: number;
  readonly critical?: number;
}

const ENV_PREFIX: Readonly<Record<AlertMetric, string>> = {
  consumer_lag: 'XSEVEN_ALERT_CONSUMER_LAG',
  error_rate: 'XSEVEN_ALERT_ERROR_RATE',
  processing_time: 'XSEVEN_ALERT_PROCESSING_TIME_SECONDS',
  dlq_depth: 'XSEVEN_ALERT_DLQ_DEPTH',
};

/** Default thresholds (warning, critical); info is off unless set. */
const DEFAULTS: Readonly<Record<AlertMetric, Thresholds>> = {
  consumer_lag: { warning: 1000, critical: 10_000 },
  error_rate: { warning: 0.05, critical: 0.2 },
  processing_time: { warning: 5, critical: 30 },
  dlq_depth: { warning: 1, critical: 100 },
};

const threshold = z.coerce.number().min(0).optional();
const thresholdShape = Object.fromEntries(
  Object.values(ENV_PREFIX).flatMap((prefix) =>
    ['INFO', 'WARNING', 'CRITICAL'].map((level) => [`${prefix}_${level}`, threshold]),
  ),
) as Record<string, typeof threshold>;

/** Environment of the management function. */
export const managementEnvSchema = z.object({
  /** Local bearer token; every management route needs it when set. */
  XSEVEN_API_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** `1` lets mutating routes run without a token (local development only). */
  XSEVEN_ALLOW_UNAUTHENTICATED_MUTATIONS: booleanFlagSchema.default(false),
  /** How long GET /health waits for the broker. */
  XSEVEN_HEALTH_TIMEOUT_MS: z.coerce.number().int().min(100).max(29_000).default(2000),
  /** Most DLQ records one GET /dead-letter-queue/stats reads. */
  XSEVEN_DLQ_STATS_MAX_RECORDS: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
  /** How long GET /dead-letter-queue/stats may read. */
  XSEVEN_DLQ_STATS_TIMEOUT_MS: z.coerce.number().int().min(500).max(25_000).default(10_000),
  /** Window of the CloudWatch counters in AWS (Metrics Insights covers at most 3 h). */
  XSEVEN_METRICS_WINDOW_MINUTES: z.coerce.number().int().min(5).max(180).default(60),
  /**
   * How long the reset waits for an event source mapping to become Disabled.
   * With the group wait, it must fit in API Gateway's 30 s integration timeout.
   */
  XSEVEN_ESM_DISABLE_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(20_000),
  /** How long the reset waits for a group to lose its members after its ESM stopped. */
  XSEVEN_GROUP_EMPTY_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(5000),
  POWERTOOLS_METRICS_NAMESPACE: z.string().min(1).default('XsevenEvents'),
  /** In AWS: restricts the ESM lookup of the offset reset to the cluster's mappings. */
  XSEVEN_MSK_CLUSTER_ARN: z
    .string()
    .regex(/^arn:aws[a-z-]*:kafka:/, 'must be an MSK cluster ARN')
    .optional(),
  /** Set by Lambda: its presence selects the AWS behaviour (CloudWatch, authorizer, ESM API). */
  AWS_LAMBDA_FUNCTION_NAME: z.string().min(1).optional(),
  ...thresholdShape,
});

/** Validated management settings. */
export interface ManagementConfig {
  readonly apiToken?: string;
  readonly allowUnauthenticatedMutations: boolean;
  readonly healthTimeoutMs: number;
  readonly dlqStatsMaxRecords: number;
  readonly dlqStatsTimeoutMs: number;
  readonly metricsWindowMinutes: number;
  readonly esmDisableTimeoutMs: number;
  readonly groupEmptyTimeoutMs: number;
  readonly metricsNamespace: string;
  readonly mskClusterArn?: string;
  /** Running inside AWS Lambda. */
  readonly inAws: boolean;
  readonly thresholds: Readonly<Record<AlertMetric, Thresholds>>;
}

const thresholdsFrom = (
  env: Readonly<Record<string, unknown>>,
): Readonly<Record<AlertMetric, Thresholds>> => {
  const out = {} as Record<AlertMetric, Thresholds>;
  for (const metric of Object.values(AlertMetric)) {
    const prefix = ENV_PREFIX[metric];
    const pick = (level: string, fallback: number | undefined): number | undefined => {
      const value = env[`${prefix}_${level}`];
      return typeof value === 'number' ? value : fallback;
    };
    const info = pick('INFO', DEFAULTS[metric].info);
    const warning = pick('WARNING', DEFAULTS[metric].warning);
    const critical = pick('CRITICAL', DEFAULTS[metric].critical);
    out[metric] = {
      ...(info === undefined ? {} : { info }),
      ...(warning === undefined ? {} : { warning }),
      ...(critical === undefined ? {} : { critical }),
    };
  }
  return out;
};

/**
 * Reads and validates the management settings from the environment; a bad
 * value throws a ConfigError naming the variable.
 *
 * @example
 * ```ts
 * const config = loadManagementConfig({ XSEVEN_ALERT_CONSUMER_LAG_WARNING: '50' });
 * config.thresholds.consumer_lag.warning; // 50
 * ```
 */
export const loadManagementConfig = (
  env: Readonly<Record<string, string | undefined>> = process.env,
): ManagementConfig => {
  const parsed = parseEnv(managementEnvSchema, env);
  return {
    ...(parsed.XSEVEN_API_TOKEN === undefined ? {} : { apiToken: parsed.XSEVEN_API_TOKEN }),
    allowUnauthenticatedMutations: parsed.XSEVEN_ALLOW_UNAUTHENTICATED_MUTATIONS,
    healthTimeoutMs: parsed.XSEVEN_HEALTH_TIMEOUT_MS,
    dlqStatsMaxRecords: parsed.XSEVEN_DLQ_STATS_MAX_RECORDS,
    dlqStatsTimeoutMs: parsed.XSEVEN_DLQ_STATS_TIMEOUT_MS,
    metricsWindowMinutes: parsed.XSEVEN_METRICS_WINDOW_MINUTES,
    esmDisableTimeoutMs: parsed.XSEVEN_ESM_DISABLE_TIMEOUT_MS,
    groupEmptyTimeoutMs: parsed.XSEVEN_GROUP_EMPTY_TIMEOUT_MS,
    metricsNamespace: parsed.POWERTOOLS_METRICS_NAMESPACE,
    ...(parsed.XSEVEN_MSK_CLUSTER_ARN === undefined
      ? {}
      : { mskClusterArn: parsed.XSEVEN_MSK_CLUSTER_ARN }),
    inAws: parsed.AWS_LAMBDA_FUNCTION_NAME !== undefined,
    thresholds: thresholdsFrom(parsed),
  };
};
