import {
  cloudWatchCounters,
  inProcessCounters,
  totalOf,
} from '../../../shared/management/counters';
import type { CloudWatchApi, MetricQuery } from '../../../shared/management/counters';
import { CounterSourceError } from '../../../shared/management/errors';
import { MetricName } from '../../../shared/platform/metrics';
import { recordMetric, resetMetrics } from '../../../shared/observability/metrics';

describe('counter sources', () => {
  afterEach(() => resetMetrics());

  it('locally reads the in-process series, labels included', async () => {
    recordMetric(MetricName.ProducerMessagesSent, 3, { topic: 'a' });
    recordMetric(MetricName.ProducerMessagesSent, 4, { topic: 'b' });
    recordMetric(MetricName.ProducerSendDurationSeconds, 0.5, { topic: 'a' });
    const report = await inProcessCounters().read();
    expect(report.origin).toBe('in-process');
    expect(totalOf(report, MetricName.ProducerMessagesSent)).toEqual({ sum: 7, count: 2, max: 4 });
    expect(report.series.find((s) => s.labels.topic === 'b')?.sum).toBe(4);
  });

  it('in AWS sums the Metrics Insights answers of every page over the window', async () => {
    const seen: { queries: readonly MetricQuery[]; start: Date; end: Date; token?: string }[] = [];
    const api: CloudWatchApi = {
      getMetricData: async (input) => {
        seen.push({
          queries: input.MetricDataQueries,
          start: input.StartTime,
          end: input.EndTime,
          ...(input.NextToken ? { token: input.NextToken } : {}),
        });
        const sent = Object.values(MetricName).indexOf(MetricName.ProducerMessagesSent);
        if (input.NextToken === undefined)
          return {
            MetricDataResults: [
              { Id: `m${sent}_sum`, Values: [10, 5] },
              { Id: `m${sent}_count`, Values: [2, 1] },
              { Id: `m${sent}_max`, Values: [6, 5] },
            ],
            NextToken: 'page-2',
          };
        return {
          MetricDataResults: [
            { Id: `m${sent}_sum`, Values: [1] },
            { Id: `m${sent}_count`, Values: [1] },
          ],
        };
      },
    };
    const now = Date.parse('2026-11-27T03:00:00Z');
    const source = cloudWatchCounters({
      api,
      namespace: 'XsevenEvents',
      windowMinutes: 60,
      now: () => now,
    });
    const report = await source.read();

    expect(report).toMatchObject({ origin: 'cloudwatch', window: 'last 60 minutes' });
    expect(report.series).toEqual([
      { name: MetricName.ProducerMessagesSent, labels: {}, sum: 16, count: 4, max: 6 },
    ]);
    expect(seen.map((s) => s.token)).toEqual([undefined, 'page-2']);
    expect(seen[0]?.end.toISOString()).toBe('2026-11-27T03:00:00.000Z');
    expect(seen[0]?.start.toISOString()).toBe('2026-11-27T02:00:00.000Z');
    expect(seen[0]?.queries).toContainEqual({
      Id: expect.stringMatching(/^m\d+_sum$/),
      Expression: 'SELECT SUM(ProducerMessagesSentTotal) FROM "XsevenEvents"',
      Period: 300,
    });
    expect(seen[0]?.queries.every((q) => /^[a-z][a-zA-Z0-9_]*$/.test(q.Id))).toBe(true);
  });

  it('reports a CloudWatch failure as a retriable error', async () => {
    const api: CloudWatchApi = {
      getMetricData: async () => {
        throw new Error('AccessDenied');
      },
    };
    const source = cloudWatchCounters({ api, namespace: 'X', windowMinutes: 5 });
    const error = await source.read().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CounterSourceError);
    expect((error as CounterSourceError).retriable).toBe(true);
  });
});
