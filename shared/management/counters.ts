import { ALERT_WINDOW_MINUTES } from '../platform/metrics';
import type { MetricName } from '../platform/metrics';
import { metricSnapshot } from '../observability/metrics';
import type { MetricLabels } from '../observability/metrics';
import { ALERT_WINDOW, windowedSeries } from './window';
import { getCountersRefresh } from './runtime-hooks';

/** Where the producer/consumer counters come from. */
export const CounterOrigin = {
  /** The local runtime's own process (`npm start`: the gateway, and the ESMs in a worker thread). */
  InProcess: 'in-process',
  /** CloudWatch: the Powertools EMF metrics of every Lambda container. */
  CloudWatch: 'cloudwatch',
} as const;
export type CounterOrigin = (typeof CounterOrigin)[keyof typeof CounterOrigin];

/** One counter or timing series. A counter's value is `sum`. */
export interface CounterSeries {
  readonly name: MetricName;
  readonly labels: MetricLabels;
  readonly sum: number;
  readonly count: number;
  readonly max: number;
}

/** The counters as one source sees them. */
export interface CounterReport {
  readonly origin: CounterOrigin;
  /** `since process start` locally, `last N minutes` from CloudWatch (XSEVEN_METRICS_WINDOW_MINUTES). */
  readonly window: string;
  readonly series: readonly CounterSeries[];
  /**
   * The series over the alert window (ALERT_WINDOW_MINUTES, the Prometheus
   * rules' 5 minutes), on which alerts are evaluated. Locally the increase
   * of each series over the window (`series` stay cumulative, as Prometheus
   * counters must); in AWS the CloudWatch sums of its last minutes
   * (shared/management/cloudwatch-counters.ts).
   */
  readonly alertWindow?: { readonly window: string; readonly series: readonly CounterSeries[] };
  /** Set when the source could not be read: why (the series are then empty). */
  readonly unavailable?: string;
}

/** Reads the counters. */
export interface CounterSource {
  readonly origin: CounterOrigin;
  readonly read: () => Promise<CounterReport>;
}

/**
 * Reads a source, turning a failure into an empty report that says why, so
 * that the live broker figures are still reported when counters are not.
 *
 * @example
 * ```ts
 * const report = await readOrUnavailable(source); // report.unavailable?: string
 * ```
 */
export const readOrUnavailable = async (source: CounterSource): Promise<CounterReport> => {
  try {
    return await source.read();
  } catch (error) {
    return {
      origin: source.origin,
      window: 'unavailable',
      series: [],
      unavailable: error instanceof Error ? error.message : String(error),
    };
  }
};

/**
 * Totals of a metric over all its label sets.
 *
 * @example
 * ```ts
 * totalOf(report, MetricName.ProducerMessagesSent); // { sum: 12, count: 3, max: 5 }
 * ```
 */
export const totalOf = (
  report: CounterReport,
  name: MetricName,
): { sum: number; count: number; max: number } => {
  let sum = 0;
  let count = 0;
  let max = 0;
  for (const s of report.series) {
    if (s.name !== name) continue;
    sum += s.sum;
    count += s.count;
    max = Math.max(max, s.max);
  }
  return { sum, count, max };
};

/**
 * The counters recorded in this process (shared/observability/metrics.ts):
 * the source of the local runtime: this thread's (gateway, this handler)
 * and the ESM worker thread's, brought up to date by the registered refresh.
 *
 * @example
 * ```ts
 * const report = await inProcessCounters().read();
 * ```
 */
export const inProcessCounters = (options: { readonly now?: () => number } = {}): CounterSource => {
  const cumulative = (): CounterSeries[] =>
    metricSnapshot().map((s) => ({
      name: s.name,
      labels: s.labels,
      sum: s.sum,
      count: s.count,
      max: s.max,
    }));
  const window = windowedSeries({ now: options.now, read: cumulative });
  // Sampled once per bucket so that the window's start is known to the bucket;
  // unref'd: the sampler never keeps the process alive.
  setInterval(window.sample, ALERT_WINDOW.bucketMs).unref();
  const readInProcess = async (): Promise<CounterReport> => {
    // The ESM worker thread's series, as of now (local/esm/thread-service.ts).
    await getCountersRefresh()?.();
    return readNow();
  };
  const readNow = (): CounterReport => ({
    origin: CounterOrigin.InProcess,
    window: 'since process start',
    series: cumulative(),
    alertWindow: {
      window: `last ${ALERT_WINDOW_MINUTES} minutes`,
      series: window.read(),
    },
  });
  return { origin: CounterOrigin.InProcess, read: readInProcess };
};
