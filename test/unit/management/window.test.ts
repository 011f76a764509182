import { evaluateAlerts } from '../../../shared/management/alerts';
import { loadManagementConfig } from '../../../shared/management/config';
import { inProcessCounters, totalOf } from '../../../shared/management/counters';
import type { CounterSeries } from '../../../shared/management/counters';
import { recordMetric, resetMetrics } from '../../../shared/observability/metrics';
import { windowedSeries } from '../../../shared/management/window';
import { MetricName } from '../../../shared/platform/metrics';

const thresholds = loadManagementConfig({}).thresholds;

const setup = () => {
  let clock = 1_000_000_000;
  const totals = { sent: 0, failed: 0 };
  const read = (): CounterSeries[] => [
    { name: MetricName.ProducerMessagesSent, labels: {}, sum: totals.sent, count: 1, max: 1 },
    { name: MetricName.ProducerMessagesFailed, labels: {}, sum: totals.failed, count: 1, max: 1 },
  ];
  const window = windowedSeries({ read, now: () => clock });
  const advance = (ms: number): void => {
    // As the interval timer does: one sample per 30 s bucket.
    for (let t = 0; t < ms; t += 30_000) {
      clock += Math.min(30_000, ms - t);
      window.sample();
    }
  };
  const producerAlerts = () =>
    evaluateAlerts({
      groups: [],
      dlqDepth: 0,
      thresholds,
      // The cumulative series (what Prometheus scrapes) keep the failure forever;
      // alerts must follow the window.
      counters: {
        origin: 'in-process',
        window: 'since process start',
        series: read(),
        alertWindow: { window: 'last 5 minutes', series: window.read() },
      },
    }).filter((a) => a.id === 'error_rate:producer');
  return { totals, advance, window, producerAlerts };
};

describe('alert window over the in-process counters', () => {
  afterEach(() => resetMetrics());

  it('raises an alert for a failed publish, and clears it once the failure is older than 5 minutes', () => {
    const { totals, advance, producerAlerts } = setup();
    totals.sent = 1;
    totals.failed = 1;
    advance(60_000);
    expect(producerAlerts()).toEqual([
      expect.objectContaining({ severity: 'critical', value: 0.5 }),
    ]);
    advance(4 * 60_000);
    expect(producerAlerts()).toHaveLength(1);
    advance(90_000);
    expect(producerAlerts()).toEqual([]);
  });

  it('is what the in-process source reports for alerts, while its series stay cumulative', async () => {
    let clock = 2_000_000_000;
    const source = inProcessCounters({ now: () => clock });
    recordMetric(MetricName.ProducerMessagesFailed, 1);
    const at = async (ms: number) => {
      clock += ms;
      return source.read();
    };
    const early = await at(60_000);
    expect(totalOf(early, MetricName.ProducerMessagesFailed).sum).toBe(1);
    expect(
      early.alertWindow?.series.find((s) => s.name === MetricName.ProducerMessagesFailed)?.sum,
    ).toBe(1);
    await at(3 * 60_000);
    const late = await at(3 * 60_000);
    expect(late.window).toBe('since process start');
    expect(late.alertWindow?.window).toBe('last 5 minutes');
    expect(totalOf(late, MetricName.ProducerMessagesFailed).sum).toBe(1);
    expect(
      late.alertWindow?.series.find((s) => s.name === MetricName.ProducerMessagesFailed)?.sum,
    ).toBe(0);
  });

  it('counts only what happened within the window', () => {
    const { totals, advance, window } = setup();
    totals.sent = 100;
    advance(10 * 60_000);
    totals.sent = 103;
    advance(60_000);
    const sent = window.read().find((s) => s.name === MetricName.ProducerMessagesSent);
    expect(sent?.sum).toBe(3);
  });

  it('holds a bounded number of snapshots whatever the uptime', () => {
    const { totals, advance, window } = setup();
    for (let i = 0; i < 200; i += 1) {
      totals.sent += 1;
      advance(30_000);
    }
    expect(window.size()).toBe(11);
    expect(window.read().find((s) => s.name === MetricName.ProducerMessagesSent)?.sum).toBe(10);
  });
});
