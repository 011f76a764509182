import { DlqHeader } from '../../../shared/dlq/headers';
import { MetricName } from '../../../shared/platform/metrics';
import { recordMetric, resetMetrics } from '../../../shared/observability/metrics';
import { parsePrometheusText, sampleValue } from '../../unit/management/prometheus-parser';
import { Logger } from '@aws-lambda-powertools/logger';
import { createManagementHandler } from '../../../shared/management/app';
import { cloudWatchCounters } from '../../../shared/management/cloudwatch-counters';
import type { CloudWatchApi } from '../../../shared/management/cloudwatch-counters';
import { bodyOf, lambdaContext, managementEvent } from './events';
import { authorizers } from '../../support/authorizers';
import { invokeDocumented } from '../../support/openapi-contract';
import { createScratchTopic, produce, startHarness } from './harness';
import type { Harness } from './harness';

interface AlertBody {
  id: string;
  metric: string;
  severity: string;
  value: number;
  threshold: number;
}

const alertsOf = async (h: Harness): Promise<AlertBody[]> => {
  const result = await h.call('alerts');
  expect(result.statusCode).toBe(200);
  return bodyOf<{ alerts: AlertBody[] }>(result).alerts;
};

describe('management API: metrics, alerts, Prometheus and DLQ stats on the real broker', () => {
  let h: Harness;
  beforeAll(async () => {
    resetMetrics();
    h = await startHarness('mgmt-monitor', {
      XSEVEN_ALERT_CONSUMER_LAG_WARNING: '5',
      XSEVEN_ALERT_CONSUMER_LAG_CRITICAL: '50',
      XSEVEN_ALERT_DLQ_DEPTH_WARNING: '3',
      XSEVEN_ALERT_DLQ_DEPTH_CRITICAL: '100',
    });
  });
  afterAll(async () => {
    resetMetrics();
    await h.close();
  });

  it('fires a consumer-lag alert when the lag crosses its threshold and clears it after a reset', async () => {
    const topic = `${h.prefix}alerting`;
    const group = `${h.prefix}alerting-group`;
    await createScratchTopic(h.admin, topic, 1);
    await h.call('reset-offset', { pathParameters: { topic }, body: { group, to: 'latest' } });
    await produce(h.kafka, topic, 4, 0);
    expect((await alertsOf(h)).filter((a) => a.metric === 'consumer_lag')).toEqual([]);

    await produce(h.kafka, topic, 2, 0);
    const fired = (await alertsOf(h)).filter((a) => a.metric === 'consumer_lag');
    expect(fired).toEqual([
      expect.objectContaining({
        id: `consumer_lag:${group}`,
        severity: 'warning',
        value: 6,
        threshold: 5,
      }),
    ]);
    const status = bodyOf<{ status: string }>(await h.call('status'));
    expect(status.status).toBe('degraded');

    await h.call('reset-offset', { pathParameters: { topic }, body: { group, to: 'latest' } });
    expect((await alertsOf(h)).filter((a) => a.metric === 'consumer_lag')).toEqual([]);
  });

  it('exposes Prometheus text that parses, with the seed’s and kafka_exporter’s names and live values', async () => {
    const topic = `${h.prefix}prom`;
    const group = `${h.prefix}prom-group`;
    await createScratchTopic(h.admin, topic, 2);
    await h.call('reset-offset', { pathParameters: { topic }, body: { group, to: 'latest' } });
    await produce(h.kafka, topic, 3, 0);
    await produce(h.kafka, topic, 1, 1);
    recordMetric(MetricName.ProducerMessagesSent, 4, { topic });
    recordMetric(MetricName.ProducerSendDurationSeconds, 0.02, { topic });
    recordMetric(MetricName.ProducerSendDurationSeconds, 0.04, { topic });

    const result = await h.call('prometheus-metrics');
    expect(result.statusCode).toBe(200);
    expect(result.headers?.['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const families = parsePrometheusText(result.body ?? '');
    for (const name of [
      'kafka_producer_messages_sent_total',
      'kafka_producer_messages_failed_total',
      'kafka_producer_send_duration_seconds',
      'kafka_consumer_messages_consumed_total',
      'kafka_consumer_lag',
      'kafka_system_health_score',
      'kafka_active_alerts_count',
      'kafka_topic_partition_count',
      'kafka_consumergroup_lag',
      'kafka_topic_partitions',
      'kafka_topic_partition_current_offset',
      'kafka_brokers',
    ])
      expect(families.has(name)).toBe(true);
    expect(families.get('kafka_producer_messages_sent_total')?.type).toBe('counter');
    expect(families.get('kafka_producer_send_duration_seconds')?.type).toBe('summary');
    expect(families.get('kafka_consumergroup_lag')?.type).toBe('gauge');

    const lag = { consumergroup: group, topic };
    expect(sampleValue(families, 'kafka_consumergroup_lag', { ...lag, partition: '0' })).toBe(3);
    expect(sampleValue(families, 'kafka_consumergroup_lag', { ...lag, partition: '1' })).toBe(1);
    expect(sampleValue(families, 'kafka_consumer_lag', { ...lag, partition: '0' })).toBe(3);
    expect(sampleValue(families, 'kafka_consumergroup_lag_sum', lag)).toBe(4);
    expect(sampleValue(families, 'kafka_topic_partitions', { topic })).toBe(2);
    expect(sampleValue(families, 'kafka_topic_partition_count', { topic })).toBe(2);
    expect(
      sampleValue(families, 'kafka_topic_partition_current_offset', { topic, partition: '0' }),
    ).toBe(3);
    expect(sampleValue(families, 'kafka_producer_messages_sent_total', { topic })).toBe(4);
    expect(sampleValue(families, 'kafka_producer_send_duration_seconds_count', { topic })).toBe(2);
    expect(
      sampleValue(families, 'kafka_producer_send_duration_seconds_sum', { topic }),
    ).toBeCloseTo(0.06);
    expect(sampleValue(families, 'kafka_metrics_source_info', { source: 'in-process' })).toBe(1);
    // A warm container renders again from a fresh registry.
    const again = await h.call('prometheus-metrics');
    expect(again.statusCode).toBe(200);
    expect(parsePrometheusText(again.body ?? '').size).toBe(families.size);
    expect(sampleValue(families, 'kafka_brokers', {})).toBe(
      (await h.admin.describeCluster()).brokers.length,
    );
  });

  it('GET /metrics reports the in-process counters, live lag and topic sizes, and says where each comes from', async () => {
    const topic = `${h.prefix}sizes`;
    await createScratchTopic(h.admin, topic, 1);
    await produce(h.kafka, topic, 5, 0);
    recordMetric(MetricName.ConsumerMessagesConsumed, 10, { topic });
    recordMetric(MetricName.ConsumerMessagesProcessed, 9, { topic });

    const result = await h.call('metrics');
    expect(result.statusCode).toBe(200);
    const body = bodyOf<{
      sources: { counters: { origin: string } };
      consumer: { messages_consumed: number; messages_processed: number };
      topics: { topic: string; messages: number; partitions: number }[];
    }>(result);
    expect(body.sources.counters.origin).toBe('in-process');
    expect(body.consumer).toMatchObject({ messages_consumed: 10, messages_processed: 9 });
    expect(body.topics.find((t) => t.topic === topic)).toMatchObject({
      messages: 5,
      partitions: 1,
    });
  });

  it('GET /dead-letter-queue/stats counts pending DLQ records by topic, category and attempt, with the oldest age', async () => {
    const dlq = h.def.dlq.topic;
    const header = (topic: string, category: string, attempt: string): Record<string, string> => ({
      [DlqHeader.OriginalTopic]: topic,
      [DlqHeader.Category]: category,
      [DlqHeader.Attempt]: attempt,
    });
    await produce(h.kafka, dlq, 2, 0, header('a.topic', 'processing', '1'));
    await produce(h.kafka, dlq, 1, 0, header('a.topic', 'timeout', '2'));
    await produce(h.kafka, dlq, 3, 0, header('b.topic', 'processing', '1'));

    const result = await h.call('dlq-stats');
    expect(result.statusCode).toBe(200);
    const stats = bodyOf<{
      depth: number;
      total: number;
      scanned: number;
      truncated: boolean;
      by_original_topic: Record<string, number>;
      by_category: Record<string, number>;
      by_attempt: Record<string, number>;
      oldest: { age_seconds: number; offset: string } | null;
    }>(result);
    expect(stats).toMatchObject({ depth: 6, total: 6, scanned: 6, truncated: false });
    expect(stats.by_original_topic).toEqual({ 'a.topic': 3, 'b.topic': 3 });
    expect(stats.by_category).toEqual({ processing: 5, timeout: 1 });
    expect(stats.by_attempt).toEqual({ '1': 5, '2': 1 });
    expect(stats.oldest?.offset).toBe('0');
    expect(stats.oldest?.age_seconds).toBeGreaterThanOrEqual(0);
    expect(stats.oldest?.age_seconds).toBeLessThan(120);

    const alerts = await alertsOf(h);
    expect(alerts.find((a) => a.metric === 'dlq_depth')).toMatchObject({
      severity: 'warning',
      value: 6,
    });

    // The DLQ-retry function has handled the first 4 records.
    await h.call('reset-offset', {
      pathParameters: { topic: dlq },
      body: { group: h.def.dlq.consumerGroupId, to: 'offset', offset: 4 },
    });
    const pending = bodyOf<{ depth: number; by_original_topic: Record<string, number> }>(
      await h.call('dlq-stats'),
    );
    expect(pending.depth).toBe(2);
    expect(pending.by_original_topic).toEqual({ 'b.topic': 2 });
    const all = bodyOf<{ depth: number; total: number; scanned: number }>(
      await h.call('dlq-stats', { query: { scope: 'all' } }),
    );
    expect(all).toMatchObject({ depth: 2, total: 6, scanned: 6 });
    expect((await alertsOf(h)).find((a) => a.metric === 'dlq_depth')).toBeUndefined();

    const bad = await h.call('dlq-stats', { query: { scope: 'everything' } });
    expect(bad.statusCode).toBe(422);
  });

  it('still reports the live broker figures when the counters cannot be read, and says so', async () => {
    const failing = createManagementHandler({
      env: process.env,
      platform: h.def,
      prefix: h.prefix,
      kafka: h.kafka,
      logger: new Logger({ serviceName: 'management-test', logLevel: 'SILENT' }),
      counters: {
        origin: 'cloudwatch',
        read: async () => {
          throw new Error('AccessDenied: cloudwatch:GetMetricData');
        },
      },
    });
    const auth = { authorizer: authorizers.operatorIam };
    try {
      const status = await invokeDocumented(
        failing.handler,
        managementEvent('status', auth),
        lambdaContext(),
      );
      expect(status.statusCode).toBe(200);
      expect(bodyOf(status)).toMatchObject({
        counters: { origin: 'cloudwatch', unavailable: 'AccessDenied: cloudwatch:GetMetricData' },
      });
      const metrics = await invokeDocumented(
        failing.handler,
        managementEvent('metrics', auth),
        lambdaContext(),
      );
      expect(metrics.statusCode).toBe(200);
      expect(bodyOf<{ topics: { topic: string }[] }>(metrics).topics.map((t) => t.topic)).toContain(
        h.def.dlq.topic,
      );
      const prometheus = await invokeDocumented(
        failing.handler,
        managementEvent('prometheus-metrics', auth),
        lambdaContext(),
      );
      expect(
        sampleValue(parsePrometheusText(prometheus.body ?? ''), 'kafka_metrics_source_info', {
          source: 'cloudwatch',
          window: 'unavailable',
        }),
      ).toBe(1);
    } finally {
      await failing.close();
    }
  });
  it('in AWS evaluates /alerts on the CloudWatch counters of the last 5 minutes only', async () => {
    const now = Date.parse('2026-11-27T03:00:30Z');
    const end = Date.parse('2026-11-27T03:01:00Z');
    const id = (name: MetricName, stat: string): string =>
      `m${Object.values(MetricName).indexOf(name)}_${stat}`;
    // One send a minute ago; one failure `failedMinutesAgo` before the end of the window.
    const cloudWatch = (failedMinutesAgo: number): CloudWatchApi => ({
      getMetricData: async () => ({
        MetricDataResults: [
          [MetricName.ProducerMessagesSent, 1],
          [MetricName.ProducerMessagesFailed, failedMinutesAgo],
        ].flatMap(([name, ago]) =>
          ['sum', 'count', 'max'].map((stat) => ({
            Id: id(name as MetricName, stat),
            Timestamps: [new Date(end - Number(ago) * 60_000)],
            Values: [1],
          })),
        ),
      }),
    });
    const alertsWith = async (failedMinutesAgo: number) => {
      const aws = createManagementHandler({
        env: process.env,
        platform: h.def,
        prefix: h.prefix,
        kafka: h.kafka,
        logger: new Logger({ serviceName: 'management-test', logLevel: 'SILENT' }),
        counters: cloudWatchCounters({
          api: cloudWatch(failedMinutesAgo),
          namespace: 'XsevenEvents',
          serviceName: 'xseven-events',
          windowMinutes: 60,
          now: () => now,
        }),
      });
      try {
        const result = await invokeDocumented(
          aws.handler,
          managementEvent('alerts', { authorizer: authorizers.operatorIam }),
          lambdaContext(),
        );
        expect(result.statusCode).toBe(200);
        return bodyOf<{ alerts: AlertBody[]; counters: Record<string, string> }>(result);
      } finally {
        await aws.close();
      }
    };
    const recent = await alertsWith(2);
    expect(recent.counters).toEqual({ origin: 'cloudwatch', window: 'last 5 minutes' });
    expect(recent.alerts.find((a) => a.id === 'error_rate:producer')).toMatchObject({
      severity: 'critical',
      value: 0.5,
    });
    const old = await alertsWith(6);
    expect(old.alerts.find((a) => a.id === 'error_rate:producer')).toBeUndefined();
  });
});
