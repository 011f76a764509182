import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { join } from 'node:path';
import { PROMETHEUS_METRIC_NAMES, renderPrometheus } from '../../../shared/management/prometheus';
import type { MonitoringSnapshot } from '../../../shared/management/snapshot';
import { ALERT_WINDOW_MINUTES, MetricName } from '../../../shared/platform/metrics';
import { parsePrometheusText, sampleValue } from './prometheus-parser';

const root = join(__dirname, '..', '..', '..');

const snapshot = (origin: 'in-process' | 'cloudwatch'): MonitoringSnapshot => ({
  takenAt: '2026-11-27T03:00:00.000Z',
  cluster: { clusterId: 'c', controller: 1, brokers: [{ nodeId: 1, host: 'h', port: 9092 }] },
  topics: [
    {
      name: 'orders "eu"\\x',
      partitions: [
        {
          partition: 0,
          leader: 1,
          replicas: [1, 2],
          isr: [1],
          offlineReplicas: [],
          lowOffset: 2,
          highOffset: 10,
        },
      ],
      replicationFactor: 2,
      configs: {},
      messages: 8,
      underReplicatedPartitions: 1,
      offlinePartitions: 0,
    },
  ],
  groups: [
    {
      groupId: 'billing',
      state: 'Stable',
      protocol: 'RoundRobinAssigner',
      members: [{ memberId: 'm', clientId: 'c', clientHost: 'h', assignment: {} }],
      partitions: [
        {
          topic: 'orders "eu"\\x',
          partition: 0,
          currentOffset: 7,
          logStartOffset: 2,
          logEndOffset: 10,
          lag: 3,
          memberId: 'm',
          clientId: 'c',
        },
        {
          topic: 'never-committed',
          partition: 0,
          currentOffset: null,
          logStartOffset: 0,
          logEndOffset: 4,
          lag: null,
          memberId: null,
          clientId: null,
        },
      ],
      lagSummary: {
        totalLag: 3,
        maxLag: 3,
        maxLagTopic: 'orders',
        maxLagPartition: 0,
        maxLagConsumerId: 'm',
        maxLagClientId: 'c',
      },
    },
  ],
  counters: {
    origin,
    window: origin === 'in-process' ? 'since process start' : 'last 60 minutes',
    series: [
      { name: MetricName.ProducerMessagesSent, labels: { topic: 'a' }, sum: 5, count: 2, max: 3 },
      { name: MetricName.ProducerMessagesSent, labels: {}, sum: 1, count: 1, max: 1 },
      {
        name: MetricName.ConsumerProcessingDurationSeconds,
        labels: {},
        sum: 1.5,
        count: 3,
        max: 1,
      },
    ],
  },
  dlqDepth: 4,
  missingTopics: [],
  drift: [],
  alerts: [
    {
      id: 'dlq_depth',
      metric: 'dlq_depth',
      severity: 'warning',
      value: 4,
      threshold: 1,
      labels: {},
      message: 'm',
    },
  ],
  healthScore: 0.9,
});

describe('Prometheus exposition', () => {
  it('renders valid text with every family, escaped labels and the live values', async () => {
    const families = parsePrometheusText(await renderPrometheus(snapshot('in-process')));
    for (const name of PROMETHEUS_METRIC_NAMES)
      expect([name, families.has(name)]).toEqual([name, true]);
    const t = 'orders "eu"\\x';
    expect(
      sampleValue(families, 'kafka_consumergroup_lag', { consumergroup: 'billing', topic: t }),
    ).toBe(3);
    expect(sampleValue(families, 'kafka_consumergroup_current_offset', { topic: t })).toBe(7);
    expect(sampleValue(families, 'kafka_consumergroup_members', { consumergroup: 'billing' })).toBe(
      1,
    );
    expect(sampleValue(families, 'kafka_topic_partition_oldest_offset', { topic: t })).toBe(2);
    expect(
      sampleValue(families, 'kafka_topic_partition_under_replicated_partition', { topic: t }),
    ).toBe(1);
    expect(sampleValue(families, 'kafka_active_alerts_count', { severity: 'warning' })).toBe(1);
    expect(sampleValue(families, 'kafka_active_alerts_count', { severity: 'critical' })).toBe(0);
    expect(sampleValue(families, 'kafka_dlq_depth', {})).toBe(4);
    expect(sampleValue(families, 'kafka_system_health_score', {})).toBe(0.9);
    expect(sampleValue(families, 'kafka_producer_messages_sent_total', { topic: 'a' })).toBe(5);
    expect(sampleValue(families, 'kafka_producer_messages_sent_total', { topic: '' })).toBe(1);
    expect(sampleValue(families, 'kafka_consumer_processing_duration_seconds_sum', {})).toBe(1.5);
    expect(sampleValue(families, 'kafka_consumer_processing_duration_seconds_count', {})).toBe(3);
    // A partition without a committed offset has no lag sample (as kafka_exporter).
    expect(() =>
      sampleValue(families, 'kafka_consumergroup_lag', { topic: 'never-committed' }),
    ).toThrow(/0 samples/);
  });

  it('types in-process counters as counters and summaries, CloudWatch window sums as gauges', async () => {
    const local = parsePrometheusText(await renderPrometheus(snapshot('in-process')));
    const aws = parsePrometheusText(await renderPrometheus(snapshot('cloudwatch')));
    expect(local.get(MetricName.ProducerMessagesSent)?.type).toBe('counter');
    expect(aws.get(MetricName.ProducerMessagesSent)?.type).toBe('gauge');
    expect(aws.get(MetricName.ProducerMessagesSent)?.help).toContain('cloudwatch, last 60 minutes');
    expect(sampleValue(aws, 'kafka_metrics_source_info', { source: 'cloudwatch' })).toBe(1);
    expect(local.get(MetricName.ConsumerProcessingDurationSeconds)?.type).toBe('summary');
    expect(aws.has(MetricName.ConsumerProcessingDurationSeconds)).toBe(false);
    expect(aws.get(`${MetricName.ConsumerProcessingDurationSeconds}_sum`)?.type).toBe('gauge');
    expect(sampleValue(aws, `${MetricName.ConsumerProcessingDurationSeconds}_count`, {})).toBe(3);
  });

  it('round-trips any group id and lag through the exposition text', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
        fc.nat({ max: 1_000_000_000 }),
        async (groupId, lag) => {
          const base = snapshot('in-process');
          const [group] = base.groups;
          const [partition] = group?.partitions ?? [];
          if (!group || !partition) throw new Error('fixture has a group');
          const families = parsePrometheusText(
            await renderPrometheus({
              ...base,
              groups: [{ ...group, groupId, partitions: [{ ...partition, lag }] }],
            }),
          );
          expect(sampleValue(families, 'kafka_consumergroup_lag', { consumergroup: groupId })).toBe(
            lag,
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it('is refused by the parser when malformed (the parser is strict)', () => {
    expect(() => parsePrometheusText('kafka_x 1')).toThrow(/undeclared/);
    expect(() => parsePrometheusText('# TYPE kafka_x gauge\nkafka_x{a="b} 1')).toThrow();
    expect(() => parsePrometheusText('# TYPE kafka_x gauge\nkafka_x one')).toThrow(/value/);
  });
});

const referencedNames = (text: string): string[] =>
  [...new Set([...text.matchAll(/\bkafka_[a-z_]+\b/g)].map((m) => m[0]))].map((n) =>
    PROMETHEUS_METRIC_NAMES.includes(n) ? n : n.replace(/_(sum|count)$/, ''),
  );

describe('monitoring assets', () => {
  const rules = readFileSync(join(root, 'monitoring', 'prometheus', 'xseven-alerts.yml'), 'utf8');
  const dashboard = readFileSync(
    join(root, 'monitoring', 'grafana', 'xseven-kafka-dashboard.json'),
    'utf8',
  );

  it('the alert rules use only exposed metric names and the three severities', () => {
    const names = referencedNames(rules);
    expect(names.length).toBeGreaterThan(5);
    for (const name of names)
      expect([name, PROMETHEUS_METRIC_NAMES.includes(name)]).toEqual([name, true]);
    const severities = [...rules.matchAll(/severity: (\S+)/g)].map((m) => m[1]);
    expect(severities.length).toBe([...rules.matchAll(/- alert: /g)].length);
    expect(new Set(severities).size).toBeGreaterThan(1);
    for (const s of severities) expect(['info', 'warning', 'critical']).toContain(s);
  });

  it('the rate-based rules use the alert window of /alerts and the CloudWatch alarms', () => {
    const rates = [...rules.matchAll(/rate\(\w+\[(\w+)\]\)/g)].map((m) => m[1]);
    expect(rates.length).toBeGreaterThanOrEqual(6);
    expect(new Set(rates)).toEqual(new Set([`${ALERT_WINDOW_MINUTES}m`]));
    // A range written any other way would escape the check above.
    expect([...rules.matchAll(/\[[^\]]*\]/g)].length).toBe(rates.length);
  });

  it('the Grafana dashboard is valid JSON and its queries use only exposed metric names', () => {
    const parsed = JSON.parse(dashboard) as { panels: { targets: { expr: string }[] }[] };
    const exprs = parsed.panels.flatMap((p) => p.targets.map((t) => t.expr));
    expect(exprs.length).toBeGreaterThan(10);
    for (const name of referencedNames(exprs.join('\n')))
      expect([name, PROMETHEUS_METRIC_NAMES.includes(name)]).toEqual([name, true]);
  });
});
