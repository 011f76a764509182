/**
 * The platform's metric names, and their names in CloudWatch: one place
 * that the runtime's metrics (shared/observability), the management API's
 * CloudWatch reader and the CDK stack's alarms and dashboard all read.
 */

/**
 * The window of every rate-based alert, in minutes: the management API's
 * `/alerts` (in-process counters locally, CloudWatch in AWS), the stack's
 * CloudWatch alarms and the Prometheus rules' `rate(...[5m])`
 * (monitoring/prometheus/xseven-alerts.yml, checked by a test) all use it,
 * so an alert clears at the same time wherever it is evaluated.
 */
export const ALERT_WINDOW_MINUTES = 5;

/** CloudWatch namespace of the platform's EMF metrics (the definition's `metricsNamespace`). */
export const METRICS_NAMESPACE = 'XsevenEvents';

/**
 * The platform's metric names (the seed's Prometheus names). The same names
 * are used for the in-process counters and, through {@link emfMetricName},
 * for CloudWatch EMF.
 */
export const MetricName = {
  ProducerMessagesSent: 'kafka_producer_messages_sent_total',
  ProducerMessagesFailed: 'kafka_producer_messages_failed_total',
  ProducerSendDurationSeconds: 'kafka_producer_send_duration_seconds',
  ProducerBatchSize: 'kafka_producer_batch_size',
  ConsumerMessagesConsumed: 'kafka_consumer_messages_consumed_total',
  ConsumerMessagesProcessed: 'kafka_consumer_messages_processed_total',
  ConsumerProcessingDurationSeconds: 'kafka_consumer_processing_duration_seconds',
  ConsumerTombstones: 'kafka_consumer_tombstones_total',
  DlqMessagesSent: 'kafka_dlq_messages_sent_total',
  DlqMessagesRetried: 'kafka_dlq_messages_retried_total',
  DlqMessagesArchived: 'kafka_dlq_messages_archived_total',
  DlqMessagesRefailed: 'kafka_dlq_messages_refailed_total',
} as const;
export type MetricName = (typeof MetricName)[keyof typeof MetricName];

/** EMF-only gauges of the DLQ, published after each DLQ-retry run (shared/dlq/gauges.ts). */
export const DlqGaugeName = {
  DlqDepth: 'DlqDepth',
  ArchiveDepth: 'DlqArchiveDepth',
  OldestAge: 'DlqOldestRecordAgeSeconds',
} as const;
export type DlqGaugeName = (typeof DlqGaugeName)[keyof typeof DlqGaugeName];

/**
 * The CloudWatch (EMF) name of a platform metric: without `kafka_`,
 * CamelCase.
 *
 * @example
 * ```ts
 * emfMetricName('kafka_producer_messages_sent_total'); // 'ProducerMessagesSentTotal'
 * ```
 */
export const emfMetricName = (name: MetricName): string =>
  name
    .replace(/^kafka_/, '')
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
