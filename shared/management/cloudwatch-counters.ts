import { ALERT_WINDOW_MINUTES, emfMetricName, MetricName } from '../platform/metrics';
import { CounterOrigin } from './counters';
import type { CounterReport, CounterSeries, CounterSource } from './counters';
import { CounterSourceError } from './errors';
import { captureAwsClient } from '../tracing/xray';

/** The statistics read per metric: a counter's value is its Sum, a timing's average Sum ÷ SampleCount. */
export const CloudWatchStat = { sum: 'Sum', count: 'SampleCount', max: 'Maximum' } as const;
export type CloudWatchStat = (typeof CloudWatchStat)[keyof typeof CloudWatchStat];

/** One GetMetricData query (the subset used here: a MetricStat). */
export interface MetricQuery {
  readonly Id: string;
  readonly MetricStat: {
    readonly Metric: {
      readonly Namespace: string;
      readonly MetricName: string;
      readonly Dimensions: readonly { readonly Name: string; readonly Value: string }[];
    };
    readonly Period: number;
    readonly Stat: CloudWatchStat;
  };
}

/** The GetMetricData call (an adapter over CloudWatchClient, or a test double). */
export interface CloudWatchApi {
  readonly getMetricData: (input: {
    readonly MetricDataQueries: readonly MetricQuery[];
    readonly StartTime: Date;
    readonly EndTime: Date;
    readonly NextToken?: string;
  }) => Promise<{
    MetricDataResults?: readonly {
      Id?: string;
      Timestamps?: readonly Date[];
      Values?: readonly number[];
    }[];
    NextToken?: string;
  }>;
}

/** Options of {@link cloudWatchCounters}. */
export interface CloudWatchCountersOptions {
  readonly api: CloudWatchApi;
  /** POWERTOOLS_METRICS_NAMESPACE of the functions. */
  readonly namespace: string;
  /** POWERTOOLS_SERVICE_NAME of the functions: the EMF `service` dimension. */
  readonly serviceName: string;
  /** Window of the `series` (GET /metrics, /prometheus-metrics). */
  readonly windowMinutes: number;
  /** Window of the alerts. @default ALERT_WINDOW_MINUTES */
  readonly alertWindowMinutes?: number;
  readonly now?: () => number;
}

const MINUTE_MS = 60_000;
/** EMF metrics are standard resolution: one datapoint per minute is the finest there is. */
const PERIOD_SECONDS = 60;

const STAT_KEYS = Object.keys(CloudWatchStat) as (keyof typeof CloudWatchStat)[];

/**
 * The queries of every platform metric, as the stack's alarms name them
 * (infra/constructs/observability.ts): namespace, EMF name, the `service`
 * dimension Powertools Metrics adds to every metric, which all functions
 * share; so one query covers every container of every function. Plain
 * MetricStat queries, not Metrics Insights: a GetMetricData call may hold
 * only one Metrics Insights query, but up to 500 MetricDataQuery structures
 * (GetMetricData API reference).
 *
 * @example
 * ```ts
 * metricQueries('XsevenEvents', 'xseven-events')[0]; // { Id: 'm0_sum', MetricStat: { Metric: { MetricName: 'ProducerMessagesSentTotal', ... }, Period: 60, Stat: 'Sum' } }
 * ```
 */
export const metricQueries = (namespace: string, serviceName: string): MetricQuery[] =>
  Object.values(MetricName).flatMap((name, i) =>
    STAT_KEYS.map((key) => ({
      Id: `m${i}_${key}`,
      MetricStat: {
        Metric: {
          Namespace: namespace,
          MetricName: emfMetricName(name),
          Dimensions: [{ Name: 'service', Value: serviceName }],
        },
        Period: PERIOD_SECONDS,
        Stat: CloudWatchStat[key],
      },
    })),
  );

/** One datapoint of a query: its minute's start and value. */
interface Point {
  readonly at: number;
  readonly value: number;
}

/**
 * The series of the points at or after `since` (every point when undefined):
 * sums of Sum and SampleCount, the largest Maximum; a metric without samples
 * is left out.
 */
const seriesSince = (
  points: ReadonlyMap<string, readonly Point[]>,
  since?: number,
): CounterSeries[] => {
  const series: CounterSeries[] = [];
  Object.values(MetricName).forEach((name, i) => {
    const values = (key: keyof typeof CloudWatchStat): number[] =>
      (points.get(`m${i}_${key}`) ?? [])
        .filter((p) => since === undefined || p.at >= since)
        .map((p) => p.value);
    const sum = values('sum').reduce((a, b) => a + b, 0);
    const count = values('count').reduce((a, b) => a + b, 0);
    const max = Math.max(0, ...values('max'));
    if (count > 0) series.push({ name, labels: {}, sum, count, max });
  });
  return series;
};

/**
 * The counters of every Lambda container, read from CloudWatch in
 * one-minute datapoints: `series` sum the last `windowMinutes`, and
 * `alertWindow` the last {@link ALERT_WINDOW_MINUTES} (the window of the
 * Prometheus rules and of the stack's alarms), on which /alerts is evaluated.
 * The window ends at the end of the current minute, so a failure of the
 * last seconds counts as soon as CloudWatch has it. EMF carries no topic
 * labels, so the series come without labels.
 *
 * @example
 * ```ts
 * const source = cloudWatchCounters({ api: await cloudWatchApi(), namespace: 'XsevenEvents', serviceName: 'xseven-events', windowMinutes: 60 });
 * ```
 */
export const cloudWatchCounters = (options: CloudWatchCountersOptions): CounterSource => {
  const now = options.now ?? Date.now;
  const alertMinutes = options.alertWindowMinutes ?? ALERT_WINDOW_MINUTES;
  const spanMinutes = Math.max(options.windowMinutes, alertMinutes);
  const queries = metricQueries(options.namespace, options.serviceName);

  const readCloudWatch = async (): Promise<CounterReport> => {
    // Whole minutes, as the datapoints: CloudWatch advises a start and end aligned on the period.
    const end = Math.ceil(now() / MINUTE_MS) * MINUTE_MS;
    const points = new Map<string, Point[]>();
    let token: string | undefined;
    try {
      do {
        const page = await options.api.getMetricData({
          MetricDataQueries: queries,
          StartTime: new Date(end - spanMinutes * MINUTE_MS),
          EndTime: new Date(end),
          ...(token === undefined ? {} : { NextToken: token }),
        });
        for (const r of page.MetricDataResults ?? []) {
          if (r.Id === undefined) continue;
          const list = points.get(r.Id) ?? [];
          (r.Values ?? []).forEach((value, j) => {
            // A value without its timestamp cannot be placed in a window: left out.
            const at = r.Timestamps?.[j];
            if (at !== undefined) list.push({ at: at.getTime(), value });
          });
          points.set(r.Id, list);
        }
        token = page.NextToken;
      } while (token !== undefined && token !== '');
    } catch (error) {
      throw new CounterSourceError('CloudWatch GetMetricData failed', { cause: error });
    }
    return {
      origin: CounterOrigin.CloudWatch,
      window: `last ${options.windowMinutes} minutes`,
      series: seriesSince(points, end - options.windowMinutes * MINUTE_MS),
      alertWindow: {
        window: `last ${alertMinutes} minutes`,
        series: seriesSince(points, end - alertMinutes * MINUTE_MS),
      },
    };
  };
  return { origin: CounterOrigin.CloudWatch, read: readCloudWatch };
};

/**
 * Adapts an @aws-sdk/client-cloudwatch client to {@link CloudWatchApi},
 * loaded lazily (only the management function in AWS needs it).
 *
 * @example
 * ```ts
 * const api = await cloudWatchApi();
 * ```
 */
export const cloudWatchApi = async (): Promise<CloudWatchApi> => {
  const sdk = await import('@aws-sdk/client-cloudwatch');
  const client = captureAwsClient(new sdk.CloudWatchClient({}));
  return {
    getMetricData: (input) =>
      client.send(
        new sdk.GetMetricDataCommand({
          ...input,
          MetricDataQueries: input.MetricDataQueries.map((q) => ({
            Id: q.Id,
            MetricStat: {
              ...q.MetricStat,
              Metric: {
                ...q.MetricStat.Metric,
                Dimensions: q.MetricStat.Metric.Dimensions.map((d) => ({ ...d })),
              },
            },
          })),
        }),
      ),
  };
};
