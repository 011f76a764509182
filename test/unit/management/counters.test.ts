import { inProcessCounters, totalOf } from '../../../shared/management/counters';
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
});
