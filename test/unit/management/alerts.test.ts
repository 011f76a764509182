import { evaluateAlerts, healthScore, severityOf } from '../../../shared/management/alerts';
import { loadManagementConfig } from '../../../shared/management/config';
import type { CounterReport, CounterSeries } from '../../../shared/management/counters';
import { MetricName } from '../../../shared/platform/metrics';
import type { LagSummary } from '../../../shared/management/consumers';

const thresholds = loadManagementConfig({
  XSEVEN_ALERT_CONSUMER_LAG_INFO: '10',
  XSEVEN_ALERT_CONSUMER_LAG_WARNING: '100',
  XSEVEN_ALERT_CONSUMER_LAG_CRITICAL: '1000',
}).thresholds;

const counters = (series: Partial<CounterSeries>[] = []): CounterReport => ({
  origin: 'in-process',
  window: 'since process start',
  series: series.map((s) => ({
    name: MetricName.ProducerMessagesSent,
    labels: {},
    sum: 0,
    count: 1,
    max: 0,
    ...s,
  })),
});

const lag = (totalLag: number): LagSummary => ({
  totalLag,
  maxLag: totalLag,
  maxLagTopic: 't',
  maxLagPartition: 0,
  maxLagConsumerId: null,
  maxLagClientId: null,
});

describe('alert evaluation', () => {
  it('picks the most severe level a value reaches, and none below the lowest', () => {
    const t = { info: 10, warning: 100, critical: 1000 };
    expect(severityOf(9, t)).toBeUndefined();
    expect(severityOf(10, t)).toEqual({ severity: 'info', threshold: 10 });
    expect(severityOf(999, t)).toEqual({ severity: 'warning', threshold: 100 });
    expect(severityOf(5000, t)).toEqual({ severity: 'critical', threshold: 1000 });
    expect(severityOf(5000, {})).toBeUndefined();
  });

  it('raises one consumer-lag alert per group over its threshold, most severe first', () => {
    const alerts = evaluateAlerts({
      groups: [
        { groupId: 'quiet', lagSummary: lag(3) },
        { groupId: 'slow', lagSummary: lag(150) },
        { groupId: 'stuck', lagSummary: lag(2000) },
      ],
      counters: counters(),
      dlqDepth: 0,
      thresholds,
    });
    expect(alerts.map((a) => [a.id, a.severity, a.value])).toEqual([
      ['consumer_lag:stuck', 'critical', 2000],
      ['consumer_lag:slow', 'warning', 150],
    ]);
    expect(alerts[0]?.labels).toEqual({ consumergroup: 'stuck' });
  });

  it('computes producer and consumer error rates and the average processing time from the counters', () => {
    const alerts = evaluateAlerts({
      groups: [],
      counters: counters([
        { name: MetricName.ProducerMessagesSent, sum: 90 },
        { name: MetricName.ProducerMessagesFailed, sum: 10 },
        { name: MetricName.ConsumerMessagesConsumed, sum: 100 },
        { name: MetricName.DlqMessagesSent, sum: 30 },
        { name: MetricName.ConsumerProcessingDurationSeconds, sum: 60, count: 10 },
      ]),
      dlqDepth: 0,
      thresholds,
    });
    const byId = new Map(alerts.map((a) => [a.id, a]));
    expect(byId.get('error_rate:producer')).toMatchObject({ severity: 'warning', value: 0.1 });
    expect(byId.get('error_rate:consumer')).toMatchObject({ severity: 'critical', value: 0.3 });
    expect(byId.get('processing_time')).toMatchObject({ severity: 'warning', value: 6 });
  });

  it('raises nothing on silence: no traffic, no lag, an empty DLQ', () => {
    expect(evaluateAlerts({ groups: [], counters: counters(), dlqDepth: 0, thresholds })).toEqual(
      [],
    );
  });

  it('raises a DLQ-depth alert from the default thresholds', () => {
    const [alert] = evaluateAlerts({ groups: [], counters: counters(), dlqDepth: 150, thresholds });
    expect(alert).toMatchObject({ id: 'dlq_depth', severity: 'critical', threshold: 100 });
  });

  it('scores health from 1 (nothing wrong) down to 0 (broker down)', () => {
    expect(healthScore({ brokerUp: true, alerts: [], topicProblems: 0 })).toBe(1);
    expect(
      healthScore({
        brokerUp: true,
        alerts: [{ severity: 'critical' }, { severity: 'warning' }],
        topicProblems: 1,
      }),
    ).toBe(0.55);
    expect(
      healthScore({
        brokerUp: true,
        alerts: Array(5).fill({ severity: 'critical' }),
        topicProblems: 0,
      }),
    ).toBe(0);
    expect(healthScore({ brokerUp: false, alerts: [], topicProblems: 0 })).toBe(0);
  });
});
