import { evaluateAlerts } from '../../../shared/management/alerts';
import { cloudWatchCounters, metricQueries } from '../../../shared/management/cloudwatch-counters';
import type { CloudWatchApi, MetricQuery } from '../../../shared/management/cloudwatch-counters';
import { loadManagementConfig } from '../../../shared/management/config';
import { totalOf } from '../../../shared/management/counters';
import { CounterSourceError } from '../../../shared/management/errors';
import { ALERT_WINDOW_MINUTES, emfMetricName, MetricName } from '../../../shared/platform/metrics';

const MINUTE = 60_000;
const NOW = Date.parse('2026-11-27T03:00:30Z');
/** The window's end: the end of the current minute. */
const END = Date.parse('2026-11-27T03:01:00Z');

const idOf = (name: MetricName, stat: 'sum' | 'count' | 'max'): string =>
  `m${Object.values(MetricName).indexOf(name)}_${stat}`;

/** One minute's datapoints, keyed by metric and statistic, `minutesAgo` before the window's end. */
type Minute = { minutesAgo: number; values: Partial<Record<string, number>> };

/** A GetMetricData double answering `minutes` (newest first, as CloudWatch), in pages of `pageSize` results. */
const fakeCloudWatch = (minutes: readonly Minute[], pageSize = 4) => {
  const calls: {
    queries: readonly MetricQuery[];
    start: Date;
    end: Date;
    token?: string;
  }[] = [];
  const results = [...new Set(minutes.flatMap((m) => Object.keys(m.values)))].map((id) => {
    const points = minutes
      .filter((m) => m.values[id] !== undefined)
      .sort((a, b) => a.minutesAgo - b.minutesAgo);
    return {
      Id: id,
      Timestamps: points.map((m) => new Date(END - m.minutesAgo * MINUTE)),
      Values: points.map((m) => m.values[id] ?? 0),
    };
  });
  const api: CloudWatchApi = {
    getMetricData: async (input) => {
      calls.push({
        queries: input.MetricDataQueries,
        start: input.StartTime,
        end: input.EndTime,
        ...(input.NextToken === undefined ? {} : { token: input.NextToken }),
      });
      const from = input.NextToken === undefined ? 0 : Number(input.NextToken);
      const next = from + pageSize;
      return {
        MetricDataResults: results.slice(from, next),
        ...(next < results.length ? { NextToken: String(next) } : {}),
      };
    },
  };
  return { api, calls };
};

const sent = (n: number): Partial<Record<string, number>> => ({
  [idOf(MetricName.ProducerMessagesSent, 'sum')]: n,
  [idOf(MetricName.ProducerMessagesSent, 'count')]: 1,
  [idOf(MetricName.ProducerMessagesSent, 'max')]: n,
});
const failed = (n: number): Partial<Record<string, number>> => ({
  [idOf(MetricName.ProducerMessagesFailed, 'sum')]: n,
  [idOf(MetricName.ProducerMessagesFailed, 'count')]: 1,
  [idOf(MetricName.ProducerMessagesFailed, 'max')]: n,
});

const thresholds = loadManagementConfig({}).thresholds;

describe('CloudWatch counters (AWS)', () => {
  it('queries every platform metric as the alarms name it: namespace, EMF name, service dimension, per minute', () => {
    const queries = metricQueries('XsevenEvents', 'xseven-events');
    expect(queries).toHaveLength(Object.values(MetricName).length * 3);
    // GetMetricData takes at most 500 queries; Metrics Insights (an Expression) only one per call.
    expect(queries.length).toBeLessThanOrEqual(500);
    expect(queries.every((q) => !('Expression' in q))).toBe(true);
    expect(queries.every((q) => /^[a-z][a-zA-Z0-9_]*$/.test(q.Id))).toBe(true);
    expect(new Set(queries.map((q) => q.Id)).size).toBe(queries.length);
    expect(queries).toContainEqual({
      Id: idOf(MetricName.ProducerMessagesFailed, 'sum'),
      MetricStat: {
        Metric: {
          Namespace: 'XsevenEvents',
          MetricName: emfMetricName(MetricName.ProducerMessagesFailed),
          Dimensions: [{ Name: 'service', Value: 'xseven-events' }],
        },
        Period: 60,
        Stat: 'Sum',
      },
    });
    expect(
      queries
        .filter((q) => q.MetricStat.Metric.MetricName === 'ConsumerProcessingDurationSeconds')
        .map((q) => q.MetricStat.Stat),
    ).toEqual(['Sum', 'SampleCount', 'Maximum']);
  });

  it('reads whole minutes up to the end of the current one, every page, over the longer window', async () => {
    const { api, calls } = fakeCloudWatch(
      [
        { minutesAgo: 1, values: sent(3) },
        { minutesAgo: 2, values: sent(4) },
        { minutesAgo: 30, values: failed(1) },
      ],
      1,
    );
    const source = cloudWatchCounters({
      api,
      namespace: 'XsevenEvents',
      serviceName: 'xseven-events',
      windowMinutes: 60,
      now: () => NOW,
    });
    await source.read();
    expect(calls.map((c) => c.token)).toEqual([undefined, '1', '2', '3', '4', '5']);
    expect(calls[0]?.end.toISOString()).toBe('2026-11-27T03:01:00.000Z');
    expect(calls[0]?.start.toISOString()).toBe('2026-11-27T02:01:00.000Z');
    expect(calls.every((c) => c.queries === calls[0]?.queries)).toBe(true);
  });

  it('sums /metrics over its window and the alerts over the last 5 minutes only', async () => {
    const { api } = fakeCloudWatch([
      { minutesAgo: 1, values: sent(3) },
      { minutesAgo: 4, values: sent(4) },
      { minutesAgo: 5, values: { ...sent(5), ...failed(1) } },
      { minutesAgo: 6, values: failed(2) },
      { minutesAgo: 59, values: sent(10) },
    ]);
    const report = await cloudWatchCounters({
      api,
      namespace: 'XsevenEvents',
      serviceName: 'xseven-events',
      windowMinutes: 60,
      now: () => NOW,
    }).read();

    expect(report).toMatchObject({ origin: 'cloudwatch', window: 'last 60 minutes' });
    expect(totalOf(report, MetricName.ProducerMessagesSent)).toEqual({
      sum: 22,
      count: 4,
      max: 10,
    });
    expect(totalOf(report, MetricName.ProducerMessagesFailed).sum).toBe(3);

    expect(ALERT_WINDOW_MINUTES).toBe(5);
    const alertWindow = report.alertWindow;
    expect(alertWindow?.window).toBe('last 5 minutes');
    const inWindow = { ...report, series: alertWindow?.series ?? [] };
    // The minute that began 5 minutes before the end is the window's first; the one before is out.
    expect(totalOf(inWindow, MetricName.ProducerMessagesSent)).toEqual({
      sum: 12,
      count: 3,
      max: 5,
    });
    expect(totalOf(inWindow, MetricName.ProducerMessagesFailed)).toEqual({
      sum: 1,
      count: 1,
      max: 1,
    });
  });

  it('raises the producer error-rate alert on a recent failure, and clears it once the failure is older than the window', async () => {
    const alertsAt = async (failureMinutesAgo: number) => {
      const { api } = fakeCloudWatch([
        { minutesAgo: 1, values: sent(1) },
        { minutesAgo: failureMinutesAgo, values: failed(1) },
      ]);
      const counters = await cloudWatchCounters({
        api,
        namespace: 'XsevenEvents',
        serviceName: 'xseven-events',
        windowMinutes: 60,
        now: () => NOW,
      }).read();
      return evaluateAlerts({ groups: [], counters, dlqDepth: 0, thresholds });
    };
    expect(await alertsAt(2)).toEqual([
      expect.objectContaining({ id: 'error_rate:producer', severity: 'critical', value: 0.5 }),
    ]);
    expect(await alertsAt(ALERT_WINDOW_MINUTES + 1)).toEqual([]);
  });

  it('reports a CloudWatch failure as a retriable error', async () => {
    const api: CloudWatchApi = {
      getMetricData: async () => {
        throw new Error('AccessDenied');
      },
    };
    const source = cloudWatchCounters({
      api,
      namespace: 'X',
      serviceName: 's',
      windowMinutes: 5,
    });
    const error = await source.read().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CounterSourceError);
    expect((error as CounterSourceError).retriable).toBe(true);
  });
});
