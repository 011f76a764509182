import { Counter, Gauge, Registry, Summary } from 'prom-client';
import type { MetricObjectWithValues, MetricValueWithName } from 'prom-client';
import { MetricName } from '../platform/metrics';
import { Severity } from './config';
import { CounterOrigin } from './counters';
import type { CounterSeries } from './counters';
import type { MonitoringSnapshot } from './snapshot';

/** Names of the gauges computed live from the broker and the alerts. */
export const PrometheusGauge = {
  // The seed's names.
  ConsumerLag: 'kafka_consumer_lag',
  SystemHealthScore: 'kafka_system_health_score',
  ActiveAlertsCount: 'kafka_active_alerts_count',
  TopicPartitionCount: 'kafka_topic_partition_count',
  // The DLQ.
  DlqDepth: 'kafka_dlq_depth',
  DlqArchiveDepth: 'kafka_dlq_archive_depth',
  // kafka_exporter's names.
  Brokers: 'kafka_brokers',
  TopicPartitions: 'kafka_topic_partitions',
  TopicPartitionCurrentOffset: 'kafka_topic_partition_current_offset',
  TopicPartitionOldestOffset: 'kafka_topic_partition_oldest_offset',
  TopicPartitionLeader: 'kafka_topic_partition_leader',
  TopicPartitionReplicas: 'kafka_topic_partition_replicas',
  TopicPartitionInSyncReplica: 'kafka_topic_partition_in_sync_replica',
  TopicPartitionUnderReplicated: 'kafka_topic_partition_under_replicated_partition',
  ConsumerGroupCurrentOffset: 'kafka_consumergroup_current_offset',
  ConsumerGroupLag: 'kafka_consumergroup_lag',
  ConsumerGroupLagSum: 'kafka_consumergroup_lag_sum',
  ConsumerGroupMembers: 'kafka_consumergroup_members',
} as const;
export type PrometheusGauge = (typeof PrometheusGauge)[keyof typeof PrometheusGauge];

/** Every metric family the exposition may hold (the counters appear once recorded). */
export const PROMETHEUS_METRIC_NAMES: readonly string[] = [
  ...Object.values(MetricName),
  ...Object.values(PrometheusGauge),
  'kafka_metrics_source_info',
];

export const PROMETHEUS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

/**
 * A summary whose sum and count come precomputed (from the in-process series
 * or CloudWatch): Prometheus `_sum` and `_count`, no quantiles.
 */
class PrecomputedSummary extends Summary<string> {
  private readonly series: readonly CounterSeries[];

  public constructor(name: string, help: string, series: readonly CounterSeries[]) {
    // registers: [] keeps it out of prom-client's global registry (one fresh registry per render).
    super({ name, help, labelNames: labelNamesOf(series), percentiles: [], registers: [] });
    this.series = series;
  }

  public override async get(): Promise<MetricObjectWithValues<MetricValueWithName<string>>> {
    const family = await super.get();
    const labelNames = labelNamesOf(this.series);
    return {
      ...family,
      values: this.series.flatMap((s) => {
        const labels = fullLabels(s, labelNames);
        return [
          { metricName: `${family.name}_sum`, labels, value: s.sum },
          { metricName: `${family.name}_count`, labels, value: s.count },
        ];
      }),
    };
  }
}

const labelNamesOf = (series: readonly CounterSeries[]): string[] =>
  [...new Set(series.flatMap((s) => Object.keys(s.labels)))].sort();

const fullLabels = (s: CounterSeries, names: readonly string[]): Record<string, string> =>
  Object.fromEntries(names.map((n) => [n, s.labels[n] ?? '']));

const HELP: Readonly<Record<MetricName, string>> = {
  kafka_producer_messages_sent_total: 'Records the producer sent',
  kafka_producer_messages_failed_total: 'Records the producer failed to send',
  kafka_producer_send_duration_seconds: 'Producer send duration',
  kafka_producer_batch_size: 'Records per producer send',
  kafka_consumer_messages_consumed_total: 'Records delivered to consumer handlers',
  kafka_consumer_messages_processed_total: 'Records consumer handlers processed successfully',
  kafka_consumer_processing_duration_seconds: 'Consumer processing duration per record',
  kafka_consumer_tombstones_total: 'Tombstones (records without a value) consumers received',
  kafka_dlq_messages_sent_total: 'Records sent to the dead-letter queue',
  kafka_dlq_messages_retried_total: 'DLQ records republished to their topic',
  kafka_dlq_messages_archived_total: 'DLQ records archived after their last retry',
  kafka_dlq_messages_refailed_total: 'DLQ records that failed again',
};

const registerCounters = (registry: Registry, snapshot: MonitoringSnapshot): void => {
  for (const name of Object.values(MetricName)) {
    const series = snapshot.counters.series.filter((s) => s.name === name);
    const help = `${HELP[name]} (source: ${snapshot.counters.origin}, ${snapshot.counters.window})`;
    if (name.endsWith('_total')) {
      const labelNames = labelNamesOf(series);
      // A CloudWatch window sum can go down: it is exposed as a gauge, never as a counter.
      const metric =
        snapshot.counters.origin === CounterOrigin.InProcess
          ? new Counter({ name, help, labelNames, registers: [registry] })
          : new Gauge({ name, help, labelNames, registers: [registry] });
      for (const s of series)
        if (metric instanceof Counter) metric.inc(fullLabels(s, labelNames), s.sum);
        else metric.set(fullLabels(s, labelNames), s.sum);
    } else if (snapshot.counters.origin === CounterOrigin.InProcess) {
      registry.registerMetric(new PrecomputedSummary(name, help, series));
    } else {
      // Window sums again: plain gauges `<name>_sum` and `<name>_count`, not a summary.
      const labelNames = labelNamesOf(series);
      const sum = new Gauge({ name: `${name}_sum`, help, labelNames, registers: [registry] });
      const count = new Gauge({ name: `${name}_count`, help, labelNames, registers: [registry] });
      for (const s of series) {
        sum.set(fullLabels(s, labelNames), s.sum);
        count.set(fullLabels(s, labelNames), s.count);
      }
    }
  }
};

const gauge = (
  registry: Registry,
  name: PrometheusGauge,
  help: string,
  labelNames: readonly string[] = [],
): Gauge<string> => new Gauge({ name, help, labelNames: [...labelNames], registers: [registry] });

const registerBrokerGauges = (registry: Registry, snapshot: MonitoringSnapshot): void => {
  gauge(registry, PrometheusGauge.Brokers, 'Brokers in the cluster').set(
    snapshot.cluster.brokers.length,
  );
  const topicLabels = ['topic'];
  const partLabels = ['topic', 'partition'];
  const groupLabels = ['consumergroup', 'topic', 'partition'];
  const partitionCount = gauge(
    registry,
    PrometheusGauge.TopicPartitionCount,
    'Partitions of each topic (seed name)',
    topicLabels,
  );
  const partitions = gauge(
    registry,
    PrometheusGauge.TopicPartitions,
    'Partitions of each topic',
    topicLabels,
  );
  const current = gauge(
    registry,
    PrometheusGauge.TopicPartitionCurrentOffset,
    'High watermark (next offset) of each partition',
    partLabels,
  );
  const oldest = gauge(
    registry,
    PrometheusGauge.TopicPartitionOldestOffset,
    'Log start offset of each partition',
    partLabels,
  );
  const leader = gauge(
    registry,
    PrometheusGauge.TopicPartitionLeader,
    'Leader broker id of each partition',
    partLabels,
  );
  const replicas = gauge(
    registry,
    PrometheusGauge.TopicPartitionReplicas,
    'Replicas of each partition',
    partLabels,
  );
  const isr = gauge(
    registry,
    PrometheusGauge.TopicPartitionInSyncReplica,
    'In-sync replicas of each partition',
    partLabels,
  );
  const under = gauge(
    registry,
    PrometheusGauge.TopicPartitionUnderReplicated,
    '1 if the partition is under-replicated',
    partLabels,
  );
  for (const t of snapshot.topics) {
    partitionCount.set({ topic: t.name }, t.partitions.length);
    partitions.set({ topic: t.name }, t.partitions.length);
    for (const p of t.partitions) {
      const labels = { topic: t.name, partition: String(p.partition) };
      current.set(labels, p.highOffset);
      oldest.set(labels, p.lowOffset);
      leader.set(labels, p.leader);
      replicas.set(labels, p.replicas.length);
      isr.set(labels, p.isr.length);
      under.set(labels, p.isr.length < p.replicas.length ? 1 : 0);
    }
  }

  const seedLag = gauge(
    registry,
    PrometheusGauge.ConsumerLag,
    'Consumer lag per group, topic and partition (seed name)',
    groupLabels,
  );
  const lag = gauge(
    registry,
    PrometheusGauge.ConsumerGroupLag,
    'Consumer group lag per partition',
    groupLabels,
  );
  const offset = gauge(
    registry,
    PrometheusGauge.ConsumerGroupCurrentOffset,
    'Committed offset of the group per partition',
    groupLabels,
  );
  const lagSum = gauge(
    registry,
    PrometheusGauge.ConsumerGroupLagSum,
    'Consumer group lag summed over the partitions of a topic',
    ['consumergroup', 'topic'],
  );
  const members = gauge(
    registry,
    PrometheusGauge.ConsumerGroupMembers,
    'Members of each consumer group',
    ['consumergroup'],
  );
  for (const g of snapshot.groups) {
    members.set({ consumergroup: g.groupId }, g.members.length);
    const sums = new Map<string, number>();
    for (const p of g.partitions) {
      if (p.lag === null || p.currentOffset === null) continue;
      const labels = { consumergroup: g.groupId, topic: p.topic, partition: String(p.partition) };
      seedLag.set(labels, p.lag);
      lag.set(labels, p.lag);
      offset.set(labels, p.currentOffset);
      sums.set(p.topic, (sums.get(p.topic) ?? 0) + p.lag);
    }
    for (const [topic, sum] of sums) lagSum.set({ consumergroup: g.groupId, topic }, sum);
  }
};

const registerSystemGauges = (registry: Registry, snapshot: MonitoringSnapshot): void => {
  gauge(
    registry,
    PrometheusGauge.SystemHealthScore,
    'Health score from 0 (down) to 1 (no problem)',
  ).set(snapshot.healthScore);
  const alerts = gauge(registry, PrometheusGauge.ActiveAlertsCount, 'Active alerts by severity', [
    'severity',
  ]);
  for (const severity of Object.values(Severity))
    alerts.set({ severity }, snapshot.alerts.filter((a) => a.severity === severity).length);
  gauge(registry, PrometheusGauge.DlqDepth, 'Records awaiting the DLQ-retry function').set(
    snapshot.dlqDepth,
  );
  gauge(registry, PrometheusGauge.DlqArchiveDepth, 'Offsets the DLQ archive retains').set(
    snapshot.dlqArchiveDepth ?? 0,
  );
  new Gauge({
    name: 'kafka_metrics_source_info',
    help: 'Where the producer/consumer counters come from (in-process or cloudwatch)',
    labelNames: ['source', 'window'],
    registers: [registry],
  }).set({ source: snapshot.counters.origin, window: snapshot.counters.window }, 1);
};

/**
 * Renders a monitoring snapshot as Prometheus text exposition (0.0.4)
 * through prom-client: the seed's metric names and kafka_exporter-style
 * gauges. A fresh registry per call: nothing is kept between invocations.
 *
 * @example
 * ```ts
 * const text = await renderPrometheus(await takeSnapshot(deps));
 * ```
 */
export const renderPrometheus = async (snapshot: MonitoringSnapshot): Promise<string> => {
  const registry = new Registry();
  registerCounters(registry, snapshot);
  registerBrokerGauges(registry, snapshot);
  registerSystemGauges(registry, snapshot);
  return registry.metrics();
};
