import * as z from 'zod';
import { lazy } from '../lazy';

/**
 * The management routes' answers as the API writes them (wire.ts: snake_case,
 * Confluent REST Proxy v3's names, offsets as decimal strings), as zod
 * schemas for the OpenAPI document. Strict: a field an answer gains without
 * its schema fails the integration tests (test/support/openapi-contract.ts).
 * Built on first use only (lazy), never at a cold start.
 */

const offset = () => z.string().regex(/^\d+$/).describe('decimal string (64-bit offset)');
const count = () => z.number().int().min(0);
const counts = () => z.record(z.string(), count());

/** A partition of a topic, with its leader, replicas and watermarks. */
export const partitionSchema = lazy(() =>
  z
    .strictObject({
      partition: count(),
      leader: z.number().int().describe('broker id; -1 when the partition has no leader'),
      replicas: z.array(z.number().int()),
      isr: z.array(z.number().int()),
      offline_replicas: z.array(z.number().int()),
      low_offset: offset(),
      high_offset: offset(),
    })
    .meta({ id: 'TopicPartition' }),
);

/** A topic as the broker describes it. */
export const topicSchema = lazy(() =>
  z
    .strictObject({
      name: z.string(),
      partitions: z.array(partitionSchema()),
      replication_factor: count(),
      configs: z
        .record(z.string(), z.string())
        .describe('configs set on the topic (broker defaults left out)'),
      messages: count().describe('records retained: the sum over partitions of high - low'),
      under_replicated_partitions: count(),
      offline_partitions: count(),
    })
    .meta({ id: 'Topic' }),
);

export const topicListSchema = lazy(() =>
  z
    .strictObject({
      topics: z.array(
        topicSchema().extend({
          defined: z.boolean().describe('a topic of the platform definition'),
          protected: z.boolean().describe('deleting it needs ?force=true'),
        }),
      ),
    })
    .meta({ id: 'TopicList' }),
);

export const topicValidationSchema = lazy(() =>
  z
    .strictObject({
      validate_only: z.literal(true),
      valid: z.literal(true),
      name: z.string(),
      partitions: count(),
      replication_factor: count(),
      configs: z.record(z.string(), z.string()),
    })
    .meta({ id: 'TopicValidation' }),
);

export const topicPendingSchema = lazy(() =>
  z.strictObject({ name: z.string(), status: z.literal('creating') }).meta({ id: 'TopicPending' }),
);

export const topicDeletedSchema = lazy(() =>
  z.strictObject({ deleted: z.string(), forced: z.boolean() }).meta({ id: 'TopicDeleted' }),
);

const lagSummarySchema = () =>
  z.strictObject({
    total_lag: count(),
    max_lag: count(),
    max_lag_topic_name: z.string().nullable(),
    max_lag_partition_id: z.number().int().nullable(),
    max_lag_consumer_id: z.string().nullable(),
    max_lag_client_id: z.string().nullable(),
  });

/** A consumer group with its members and lag (Confluent REST Proxy v3 names). */
export const consumerGroupsSchema = lazy(() =>
  z
    .strictObject({
      groups: z.array(
        z
          .strictObject({
            consumer_group_id: z.string(),
            state: z.string(),
            protocol: z.string(),
            members: z.array(
              z.strictObject({
                consumer_id: z.string(),
                client_id: z.string(),
                client_host: z.string(),
                assignment: z.record(z.string(), z.array(z.number().int())),
              }),
            ),
            partitions: z.array(
              z.strictObject({
                topic: z.string(),
                partition: count(),
                current_offset: offset().nullable().describe('null: the group never committed'),
                log_start_offset: offset(),
                log_end_offset: offset(),
                lag: count().nullable(),
                consumer_id: z.string().nullable(),
                client_id: z.string().nullable(),
              }),
            ),
            lag_summary: lagSummarySchema(),
          })
          .meta({ id: 'ConsumerGroup' }),
      ),
    })
    .meta({ id: 'ConsumerGroupList' }),
);

export const offsetResetSchema = lazy(() =>
  z
    .strictObject({
      group: z.string(),
      topic: z.string(),
      to: z.enum(['earliest', 'latest', 'timestamp', 'offset', 'shift', 'duration']),
      dry_run: z
        .boolean()
        .describe(
          'true: nothing was stopped nor committed; these are the offsets a reset would set',
        ),
      from_time: z
        .string()
        .optional()
        .describe('timestamp and duration: the time searched from (ISO-8601)'),
      partitions: z.array(
        z.strictObject({
          partition: count(),
          previous_offset: offset().nullable().describe('null when the group never committed'),
          new_offset: offset(),
          clamped: z
            .boolean()
            .describe(
              "the offset asked for lay outside the partition's retained range: moved to its nearest end",
            ),
        }),
      ),
      event_source_mapping_paused: z.boolean(),
    })
    .meta({ id: 'OffsetReset' }),
);

/** Where a topic config's value comes from: Kafka's `ConfigEntry.ConfigSource`, lower-cased (topic-detail.ts). */
const configSource = () =>
  z.enum([
    'unknown',
    'dynamic_topic_config',
    'dynamic_broker_config',
    'dynamic_default_broker_config',
    'static_broker_config',
    'default_config',
    'dynamic_broker_logger_config',
  ]);

/** GET /topics/{name} (and PATCH's answer): the topic with every config and its source. */
export const topicDetailSchema = lazy(() =>
  topicSchema()
    .extend({
      config_entries: z
        .array(
          z.strictObject({
            name: z.string(),
            value: z.string().nullable().describe('null when the broker marks it sensitive'),
            source: configSource(),
            is_default: z.boolean(),
            read_only: z.boolean(),
            sensitive: z.boolean(),
          }),
        )
        .describe('every config of the topic with its source (DescribeConfigs)'),
      size_bytes: z.null().describe('not available: see size_unavailable'),
      size_unavailable: z.string(),
      defined: z.boolean().describe('a topic of the platform definition'),
      protected: z.boolean().describe('deleting it needs ?force=true'),
    })
    .meta({ id: 'TopicDetail' }),
);

/** PATCH /topics/{name} with validate_only: the topic as it would be. */
export const topicPatchValidationSchema = lazy(() =>
  z
    .strictObject({
      validate_only: z.literal(true),
      valid: z.literal(true),
      name: z.string(),
      partitions_count: count(),
      configs: z
        .record(z.string(), z.string())
        .describe('the configs set on the topic after the change'),
    })
    .meta({ id: 'TopicPatchValidation' }),
);

const encoding = () => z.enum(['json', 'utf8', 'base64']);

/** GET /topics/{name}/messages: one page of a partition's records (messages.ts). */
export const messagePageSchema = lazy(() =>
  z
    .strictObject({
      topic: z.string(),
      partition: count(),
      from_offset: offset().describe(
        'the first offset read (the oldest retained when asked before it)',
      ),
      next_offset: offset().describe('`offset` of the next page'),
      low_offset: offset(),
      high_offset: offset(),
      truncated: z
        .enum(['limit', 'bytes', 'time'])
        .nullable()
        .describe('why the page stopped before the high watermark; null when it reached it'),
      records: z.array(
        z.strictObject({
          partition: count(),
          offset: offset(),
          timestamp: z.string().describe("the record's Kafka timestamp, ISO-8601"),
          key: z.string().nullable(),
          key_encoding: encoding().nullable().describe('utf8 or base64; null for a null key'),
          headers: z.array(
            z.strictObject({ name: z.string(), value: z.string(), encoding: encoding() }),
          ),
          value: z
            .unknown()
            .describe(
              'the JSON value when it is UTF-8 JSON whose integers JSON keeps exactly, else base64 of the bytes; null for a null value',
            ),
          value_encoding: encoding().nullable().describe('json or base64; null for a null value'),
        }),
      ),
    })
    .meta({ id: 'MessagePage' }),
);

const thresholdsSchema = () =>
  z.strictObject({
    info: z.number().optional(),
    warning: z.number().optional(),
    critical: z.number().optional(),
  });

export const alertSchema = lazy(() =>
  z
    .strictObject({
      id: z.string(),
      metric: z.string(),
      severity: z.enum(['info', 'warning', 'critical']),
      value: z.number(),
      threshold: z.number(),
      labels: z.record(z.string(), z.string()),
      message: z.string(),
    })
    .meta({ id: 'Alert' }),
);

const countersSchema = () =>
  z.strictObject({
    origin: z.string(),
    window: z.string(),
    unavailable: z.string().optional(),
  });

export const alertsSchema = lazy(() =>
  z
    .strictObject({
      taken_at: z.string(),
      alerts: z.array(alertSchema()),
      counters: countersSchema().describe('where the rates come from: the alert window'),
      counts: counts().describe('active alerts by severity'),
      thresholds: z.record(z.string(), thresholdsSchema()),
    })
    .meta({ id: 'Alerts' }),
);

export const statusSchema = lazy(() =>
  z
    .strictObject({
      status: z.enum(['ok', 'degraded']),
      taken_at: z.string(),
      health_score: z.number().min(0).max(1),
      cluster: z.strictObject({
        cluster_id: z.string(),
        controller: z.number().int().nullable(),
        brokers: z.array(
          z.strictObject({ node_id: z.number().int(), host: z.string(), port: z.number().int() }),
        ),
      }),
      topics: z.strictObject({
        expected: count(),
        present: count(),
        missing: z.array(z.string()),
        drift: z.array(
          z.strictObject({
            topic: z.string(),
            setting: z.string(),
            expected: z.string(),
            actual: z.string(),
          }),
        ),
        offline_partitions: count(),
        under_replicated_partitions: count(),
      }),
      consumers: z.array(
        z.strictObject({
          consumer: z.string(),
          topic: z.string(),
          consumer_group_id: z.string(),
          state: z.string(),
          members: count(),
          total_lag: count().nullable(),
        }),
      ),
      consumer_groups: z.array(
        z.strictObject({
          consumer_group_id: z.string(),
          state: z.string(),
          members: count(),
          total_lag: count(),
        }),
      ),
      dlq: z.strictObject({ topic: z.string(), depth: count() }),
      counters: countersSchema(),
      alerts: z.array(alertSchema()),
    })
    .meta({ id: 'Status' }),
);

const timingSchema = () =>
  z.strictObject({ count: count(), sum: z.number(), avg: z.number(), max: z.number() });

export const metricsSchema = lazy(() =>
  z
    .strictObject({
      taken_at: z.string(),
      sources: z.strictObject({
        counters: countersSchema(),
        lag_offsets_and_sizes: z.string(),
      }),
      producer: z.strictObject({
        messages_sent: z.number(),
        messages_failed: z.number(),
        send_duration_seconds: timingSchema(),
        batch_size: timingSchema(),
      }),
      consumer: z.strictObject({
        messages_consumed: z.number(),
        messages_processed: z.number(),
        processing_duration_seconds: timingSchema(),
      }),
      dlq: z.strictObject({
        depth: count(),
        messages_sent: z.number(),
        messages_retried: z.number(),
        messages_archived: z.number(),
        messages_refailed: z.number(),
      }),
      series: z.array(
        z.strictObject({
          name: z.string(),
          labels: z.record(z.string(), z.string()),
          sum: z.number(),
          count: z.number(),
          max: z.number(),
        }),
      ),
      lag: z.array(
        z.strictObject({
          consumergroup: z.string(),
          topic: z.string(),
          partition: count(),
          current_offset: offset().nullable(),
          log_end_offset: offset(),
          lag: count().nullable(),
        }),
      ),
      topics: z.array(
        z.strictObject({
          topic: z.string(),
          partitions: count(),
          messages: count(),
          offsets: z.array(z.strictObject({ partition: count(), low: offset(), high: offset() })),
        }),
      ),
    })
    .meta({ id: 'Metrics' }),
);

export const livenessSchema = lazy(() =>
  z.strictObject({ status: z.literal('ok') }).meta({ id: 'Liveness' }),
);

export const readinessSchema = lazy(() =>
  z
    .strictObject({
      status: z.literal('ok'),
      ready: z.literal(true),
      topics: count(),
      partitions: count(),
      not_writable: z.array(
        z.strictObject({
          topic: z.string(),
          partition: count().nullable(),
          reason: z.string(),
          isr: count().nullable(),
          min_in_sync_replicas: count(),
        }),
      ),
    })
    .meta({ id: 'Readiness' }),
);

export const dlqStatsSchema = lazy(() =>
  z
    .strictObject({
      topic: z.string(),
      scope: z.enum(['pending', 'all']),
      depth: count(),
      total: count(),
      scanned: count(),
      truncated: z.boolean(),
      by_original_topic: counts(),
      by_category: counts(),
      by_attempt: counts(),
      by_handler: counts(),
      oldest: z
        .strictObject({
          age_seconds: z.number(),
          timestamp: z.string(),
          partition: count(),
          offset: offset(),
        })
        .nullable(),
      top_errors: z.array(
        z.strictObject({
          message: z.string(),
          count: count(),
          by_category: counts(),
          original_topics: z.array(z.string()),
          last_seen: z.string(),
        }),
      ),
      archive: z
        .strictObject({
          topic: z.string(),
          archived: count(),
          retried: count(),
          by_reason: counts(),
          by_original_topic: counts(),
          by_category: counts(),
          scanned: count(),
          truncated: z.boolean(),
        })
        .nullable()
        .describe('null when the archive topic does not exist'),
    })
    .meta({ id: 'DlqStats' }),
);

export const manualRetryResultSchema = lazy(() =>
  z
    .strictObject({
      source: z.enum(['dlq', 'archive']),
      dry_run: z.boolean(),
      matched: count(),
      moved: count(),
      truncated: z.boolean(),
      skipped_topic_missing: count(),
      records: z.array(
        z.strictObject({
          event_id: z.string().nullable(),
          original_topic: z.string(),
          category: z.string().nullable(),
          attempt: count(),
          last_failure_time: z.string(),
          location: z.strictObject({ topic: z.string(), partition: count(), offset: offset() }),
        }),
      ),
    })
    .meta({ id: 'ManualRetryResult' }),
);

export const schemaListSchema = lazy(() =>
  z
    .strictObject({
      schemas: z.array(
        z.strictObject({
          event_type: z.string(),
          major: count(),
          version: count(),
          label: z.string(),
          dataschema: z.string(),
          registry_name: z.string(),
          current: z.boolean(),
        }),
      ),
    })
    .meta({ id: 'SchemaList' }),
);

/** A JSON Schema (draft 2020-12) document: its `$id` is a record's `dataschema`. */
export const jsonSchemaDocumentSchema = lazy(() =>
  z.looseObject({ $schema: z.string(), $id: z.string() }).meta({ id: 'JsonSchemaDocument' }),
);
