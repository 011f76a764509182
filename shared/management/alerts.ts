import { MetricName } from '../platform/metrics';
import { AlertMetric, Severity } from './config';
import type { Thresholds } from './config';
import type { ConsumerGroupInfo } from './consumers';
import { totalOf } from './counters';
import type { CounterReport } from './counters';

/** One active alert. */
export interface Alert {
  /** Stable id: metric plus what it is about, e.g. `consumer_lag:xseven-ai-responses`. */
  readonly id: string;
  readonly metric: AlertMetric;
  readonly severity: Severity;
  readonly value: number;
  /** The threshold crossed (value >= threshold). */
  readonly threshold: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly message: string;
}

/** What alerts are evaluated on. */
export interface AlertInputs {
  readonly groups: readonly Pick<ConsumerGroupInfo, 'groupId' | 'lagSummary'>[];
  readonly counters: CounterReport;
  readonly dlqDepth: number;
  readonly thresholds: Readonly<Record<AlertMetric, Thresholds>>;
}

const ORDER: readonly Severity[] = [Severity.Critical, Severity.Warning, Severity.Info];

/**
 * The most severe level whose threshold `value` reaches, if any.
 *
 * @example
 * ```ts
 * severityOf(1500, { warning: 1000, critical: 10000 }); // { severity: 'warning', threshold: 1000 }
 * ```
 */
export const severityOf = (
  value: number,
  thresholds: Thresholds,
): { severity: Severity; threshold: number } | undefined => {
  for (const severity of ORDER) {
    const threshold = thresholds[severity];
    if (threshold !== undefined && value >= threshold) return { severity, threshold };
  }
  return undefined;
};

const rounded = (n: number): number => Math.round(n * 10_000) / 10_000;

/**
 * Evaluates every threshold against live figures (lag, DLQ depth) and the
 * counters (error rates, processing time). Returns the active alerts, most
 * severe first.
 *
 * @example
 * ```ts
 * const alerts = evaluateAlerts({ groups, counters, dlqDepth: 3, thresholds: config.thresholds });
 * ```
 */
export const evaluateAlerts = (inputs: AlertInputs): Alert[] => {
  const alerts: Alert[] = [];
  const check = (
    metric: AlertMetric,
    key: string,
    value: number,
    labels: Record<string, string>,
    describe: (v: number) => string,
  ): void => {
    const hit = severityOf(value, inputs.thresholds[metric]);
    if (!hit) return;
    alerts.push({
      id: key === '' ? metric : `${metric}:${key}`,
      metric,
      severity: hit.severity,
      value: rounded(value),
      threshold: hit.threshold,
      labels,
      message: `${describe(rounded(value))} (${hit.severity} at ${hit.threshold})`,
    });
  };

  for (const g of inputs.groups)
    check(
      AlertMetric.ConsumerLag,
      g.groupId,
      g.lagSummary.totalLag,
      { consumergroup: g.groupId },
      (v) => `consumer group "${g.groupId}" lags ${v} records`,
    );

  // Rates are taken over the alert window (ALERT_WINDOW_MINUTES), locally and from CloudWatch alike.
  const windowed = inputs.counters.alertWindow;
  const counters: CounterReport = windowed
    ? { ...inputs.counters, window: windowed.window, series: windowed.series }
    : inputs.counters;
  const sent = totalOf(counters, MetricName.ProducerMessagesSent).sum;
  const failed = totalOf(counters, MetricName.ProducerMessagesFailed).sum;
  if (sent + failed > 0)
    check(
      AlertMetric.ErrorRate,
      'producer',
      failed / (sent + failed),
      { component: 'producer' },
      (v) => `producer error rate is ${v}`,
    );
  const consumed = totalOf(counters, MetricName.ConsumerMessagesConsumed).sum;
  const deadLettered = totalOf(counters, MetricName.DlqMessagesSent).sum;
  if (consumed > 0)
    check(
      AlertMetric.ErrorRate,
      'consumer',
      deadLettered / consumed,
      { component: 'consumer' },
      (v) => `consumer error rate (records sent to the DLQ per record consumed) is ${v}`,
    );

  const processing = totalOf(counters, MetricName.ConsumerProcessingDurationSeconds);
  if (processing.count > 0)
    check(
      AlertMetric.ProcessingTime,
      '',
      processing.sum / processing.count,
      {},
      (v) => `average processing time is ${v} s`,
    );

  check(
    AlertMetric.DlqDepth,
    '',
    inputs.dlqDepth,
    {},
    (v) => `${v} record(s) wait in the dead-letter queue`,
  );

  return alerts.sort((a, b) => ORDER.indexOf(a.severity) - ORDER.indexOf(b.severity));
};

/**
 * Health score in [0, 1]: 1 when nothing is wrong, 0 when the broker is down;
 * each critical alert costs 0.3, each warning 0.1, each info 0.02, each
 * missing or drifted topic of the definition 0.05.
 *
 * @example
 * ```ts
 * healthScore({ brokerUp: true, alerts: [], topicProblems: 0 }); // 1
 * ```
 */
export const healthScore = (inputs: {
  readonly brokerUp: boolean;
  readonly alerts: readonly Pick<Alert, 'severity'>[];
  readonly topicProblems: number;
}): number => {
  if (!inputs.brokerUp) return 0;
  const cost = { critical: 0.3, warning: 0.1, info: 0.02 } as const;
  const penalty =
    inputs.alerts.reduce((n, a) => n + cost[a.severity], 0) + inputs.topicProblems * 0.05;
  return Math.max(0, Math.round((1 - penalty) * 100) / 100);
};
