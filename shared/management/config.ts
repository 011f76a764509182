import * as z from 'zod';
import { lazy } from '../lazy';
import {
  AlertLevel,
  AlertThresholdEnv,
  ManagementEnv,
  PlatformEnv,
  envShape,
  parseEnv,
} from '../platform/env';

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

/** The `service` Powertools Metrics writes when POWERTOOLS_SERVICE_NAME is unset (its Utility's defaultServiceName). */
const POWERTOOLS_DEFAULT_SERVICE = 'service_undefined';

/** Default thresholds (warning, critical); info is off unless set. */
const DEFAULTS: Readonly<Record<AlertMetric, Thresholds>> = {
  consumer_lag: { warning: 1000, critical: 10_000 },
  error_rate: { warning: 0.05, critical: 0.2 },
  processing_time: { warning: 5, critical: 30 },
  dlq_depth: { warning: 1, critical: 100 },
};

const thresholdVariables = Object.values(AlertThresholdEnv).flatMap((levels) =>
  Object.values(levels),
);

/** Environment of the management function (the contract's {@link ManagementEnv} and alert thresholds). */
export const managementEnvSchema = lazy(() =>
  z.object({
    ...envShape(
      ManagementEnv.HealthTimeoutMs,
      ManagementEnv.DlqStatsMaxRecords,
      ManagementEnv.DlqStatsTimeoutMs,
      ManagementEnv.MetricsWindowMinutes,
      ManagementEnv.EsmDisableTimeoutMs,
      ManagementEnv.GroupEmptyTimeoutMs,
      ManagementEnv.MaxPartitionsPerRequest,
      ManagementEnv.MaxClusterPartitions,
      PlatformEnv.MetricsNamespace,
      PlatformEnv.ServiceName,
      PlatformEnv.MskClusterArn,
      PlatformEnv.LambdaFunctionName,
    ),
    ...envShape(...thresholdVariables),
  }),
);

/** Most partitions one request may create, and the cluster may hold. */
export interface PartitionBudget {
  readonly perRequest: number;
  readonly cluster: number;
}

/** Validated management settings. */
export interface ManagementConfig {
  readonly healthTimeoutMs: number;
  readonly dlqStatsMaxRecords: number;
  readonly dlqStatsTimeoutMs: number;
  readonly metricsWindowMinutes: number;
  readonly esmDisableTimeoutMs: number;
  readonly groupEmptyTimeoutMs: number;
  /** Partition budget of POST /topics: per request (422) and for the whole cluster (409). */
  readonly partitionBudget: PartitionBudget;
  readonly metricsNamespace: string;
  /** The EMF `service` dimension of the functions' metrics (Powertools' default when unset). */
  readonly serviceName: string;
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
    const pick = (level: AlertLevel, fallback: number | undefined): number | undefined => {
      const value = env[AlertThresholdEnv[metric][level].name];
      return typeof value === 'number' ? value : fallback;
    };
    const info = pick(AlertLevel.Info, DEFAULTS[metric].info);
    const warning = pick(AlertLevel.Warning, DEFAULTS[metric].warning);
    const critical = pick(AlertLevel.Critical, DEFAULTS[metric].critical);
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
  const parsed = parseEnv(managementEnvSchema(), env);
  return {
    healthTimeoutMs: parsed.XSEVEN_HEALTH_TIMEOUT_MS,
    dlqStatsMaxRecords: parsed.XSEVEN_DLQ_STATS_MAX_RECORDS,
    dlqStatsTimeoutMs: parsed.XSEVEN_DLQ_STATS_TIMEOUT_MS,
    metricsWindowMinutes: parsed.XSEVEN_METRICS_WINDOW_MINUTES,
    esmDisableTimeoutMs: parsed.XSEVEN_ESM_DISABLE_TIMEOUT_MS,
    groupEmptyTimeoutMs: parsed.XSEVEN_GROUP_EMPTY_TIMEOUT_MS,
    partitionBudget: {
      perRequest: parsed.XSEVEN_MAX_PARTITIONS_PER_REQUEST,
      cluster: parsed.XSEVEN_MAX_CLUSTER_PARTITIONS,
    },
    metricsNamespace: parsed.POWERTOOLS_METRICS_NAMESPACE,
    serviceName: parsed.POWERTOOLS_SERVICE_NAME ?? POWERTOOLS_DEFAULT_SERVICE,
    ...(parsed.XSEVEN_MSK_CLUSTER_ARN === undefined
      ? {}
      : { mskClusterArn: parsed.XSEVEN_MSK_CLUSTER_ARN }),
    inAws: parsed.AWS_LAMBDA_FUNCTION_NAME !== undefined,
    thresholds: thresholdsFrom(parsed),
  };
};
