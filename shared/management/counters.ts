import { emfMetricName, MetricName } from '../platform/metrics';
import { metricSnapshot } from '../observability/metrics';
import type { MetricLabels } from '../observability/metrics';
import { CounterSourceError } from './errors';
import { ALERT_WINDOW, windowedSeries } from './window';

/** Where the producer/consumer counters come from. */
export const CounterOrigin = {
  /** The local runtime's own process (`npm start` runs every service in it). */
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
  /** `since process start` locally, `last N minutes` from CloudWatch. */
  readonly window: string;
  readonly series: readonly CounterSeries[];
  /**
   * Locally: the increase of each series over the alert window (the
   * Prometheus rules' 5 minutes), on which alerts are evaluated; `series`
   * stay cumulative, as Prometheus counters must. Absent in AWS, where
   * `series` are already window sums.
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
 * the source of the local runtime, where gateway, ESM and this handler share
 * one process.
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
  const readInProcess = async (): Promise<CounterReport> => ({
    origin: CounterOrigin.InProcess,
    window: 'since process start',
    series: cumulative(),
    alertWindow: {
      window: `last ${(ALERT_WINDOW.bucketMs * ALERT_WINDOW.buckets) / 60_000} minutes`,
      series: window.read(),
    },
  });
  return { origin: CounterOrigin.InProcess, read: readInProcess };
};

/** One GetMetricData query (the subset used here). */
export interface MetricQuery {
  readonly Id: string;
  readonly Expression: string;
  readonly Period: number;
}

/** The GetMetricData call (an adapter over CloudWatchClient, or a test double). */
export interface CloudWatchApi {
  readonly getMetricData: (input: {
    readonly MetricDataQueries: readonly MetricQuery[];
    readonly StartTime: Date;
    readonly EndTime: Date;
    readonly NextToken?: string;
  }) => Promise<{
    MetricDataResults?: readonly { Id?: string; Values?: readonly number[] }[];
    NextToken?: string;
  }>;
}

/** Options of {@link cloudWatchCounters}. */
export interface CloudWatchCountersOptions {
  readonly api: CloudWatchApi;
  readonly namespace: string;
  readonly windowMinutes: number;
  readonly now?: () => number;
}

const STATS = { sum: 'SUM', count: 'COUNT', max: 'MAX' } as const;

/**
 * The counters of every Lambda container, summed by CloudWatch over the last
 * `windowMinutes` with Metrics Insights (`SELECT SUM(X) FROM "namespace"`
 * spans every dimension set, i.e. every function). EMF metrics carry no
 * topic labels, so the series come without labels.
 *
 * @example
 * ```ts
 * const source = cloudWatchCounters({ api: await cloudWatchApi(), namespace: platform.metricsNamespace, windowMinutes: 60 });
 * ```
 */
export const cloudWatchCounters = (options: CloudWatchCountersOptions): CounterSource => {
  const now = options.now ?? Date.now;
  const names = Object.values(MetricName);
  const queries: MetricQuery[] = names.flatMap((name, i) =>
    Object.entries(STATS).map(([key, stat]) => ({
      Id: `m${i}_${key}`,
      Expression: `SELECT ${stat}(${emfMetricName(name)}) FROM "${options.namespace}"`,
      Period: 300,
    })),
  );
  const readCloudWatch = async (): Promise<CounterReport> => {
    const end = new Date(now());
    const start = new Date(end.getTime() - options.windowMinutes * 60_000);
    const values = new Map<string, readonly number[]>();
    let token: string | undefined;
    try {
      do {
        const page = await options.api.getMetricData({
          MetricDataQueries: queries,
          StartTime: start,
          EndTime: end,
          ...(token === undefined ? {} : { NextToken: token }),
        });
        for (const r of page.MetricDataResults ?? [])
          if (r.Id !== undefined)
            values.set(r.Id, [...(values.get(r.Id) ?? []), ...(r.Values ?? [])]);
        token = page.NextToken;
      } while (token !== undefined && token !== '');
    } catch (error) {
      throw new CounterSourceError('CloudWatch GetMetricData failed', { cause: error });
    }
    const series: CounterSeries[] = [];
    names.forEach((name, i) => {
      const sum = (values.get(`m${i}_sum`) ?? []).reduce((a, b) => a + b, 0);
      const count = (values.get(`m${i}_count`) ?? []).reduce((a, b) => a + b, 0);
      const max = Math.max(0, ...(values.get(`m${i}_max`) ?? []));
      if (count > 0) series.push({ name, labels: {}, sum, count, max });
    });
    return {
      origin: CounterOrigin.CloudWatch,
      window: `last ${options.windowMinutes} minutes`,
      series,
    };
  };
  return { origin: CounterOrigin.CloudWatch, read: readCloudWatch };
};

/**
 * Adapts an @aws-sdk/client-cloudwatch client to {@link CloudWatchApi},
 * loaded lazily.
 *
 * @example
 * ```ts
 * const api = await cloudWatchApi();
 * ```
 */
export const cloudWatchApi = async (): Promise<CloudWatchApi> => {
  const sdk = await import('@aws-sdk/client-cloudwatch');
  const client = new sdk.CloudWatchClient({});
  return {
    getMetricData: (input) =>
      client.send(
        new sdk.GetMetricDataCommand({
          ...input,
          MetricDataQueries: input.MetricDataQueries.map((q) => ({ ...q })),
        }),
      ),
  };
};
