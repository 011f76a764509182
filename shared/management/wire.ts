import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/**
 * The management API's wire format: one casing (snake_case, as the seed and
 * the publish routes), Confluent REST Proxy v3's names where we mirror it,
 * offsets as decimal strings (they are 64-bit). The management code works on
 * camelCase domain objects (shared with the Prometheus renderer, alerts and
 * the DLQ); this module is the one place that turns them into answers.
 */

/** Confluent REST Proxy v3 names (ConsumerGroupLagSummaryData, ConsumerLagData, ConsumerGroupData). */
const RENAMED: Readonly<Record<string, string>> = {
  groupId: 'consumer_group_id',
  memberId: 'consumer_id',
  maxLagTopic: 'max_lag_topic_name',
  maxLagPartition: 'max_lag_partition_id',
  maxLagConsumerId: 'max_lag_consumer_id',
  maxLagClientId: 'max_lag_client_id',
};

/** Properties whose value is a map keyed by data (topic names, config names, categories): its keys stay as they are. */
const DATA_KEYED = new Set([
  'configs',
  'assignment',
  'labels',
  'byOriginalTopic',
  'byCategory',
  'byAttempt',
  'byHandler',
  'byTopic',
  'byReason',
  'counts',
  'thresholds',
  'series',
]);

/** Properties holding a Kafka offset (int64): written as decimal strings. */
const OFFSETS = new Set([
  'offset',
  'currentOffset',
  'logStartOffset',
  'logEndOffset',
  'lowOffset',
  'highOffset',
  'previousOffset',
  'newOffset',
  'low',
  'high',
  'fromOffset',
  'nextOffset',
]);

/**
 * Properties written exactly as they are: a record's value as browsed
 * (`GET /topics/{name}/messages`) is the producer's JSON, whose keys and
 * numbers are data, never renamed nor turned into strings.
 */
const VERBATIM = new Set(['value']);

/**
 * A camelCase property name in snake_case (`replicationFactor` → `replication_factor`).
 *
 * @example
 * ```ts
 * snakeCase('underReplicatedPartitions'); // 'under_replicated_partitions'
 * ```
 */
export const snakeCase = (name: string): string =>
  RENAMED[name] ?? name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

const offsetText = (value: unknown): unknown =>
  typeof value === 'number' || typeof value === 'bigint' ? String(value) : value;

/**
 * A domain object as the API writes it: keys in snake_case (maps keyed by
 * data keep their keys), offsets as strings.
 *
 * @example
 * ```ts
 * toWire({ lagSummary: { maxLagTopic: 'a', totalLag: 3 } }); // { lag_summary: { max_lag_topic_name: 'a', total_lag: 3 } }
 * ```
 */
export const toWire = (value: unknown, keepKeys = false): unknown => {
  if (Array.isArray(value)) return value.map((item) => toWire(item));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (keepKeys) {
      out[key] = toWire(inner);
      continue;
    }
    if (VERBATIM.has(key)) {
      out[key] = inner;
      continue;
    }
    out[snakeCase(key)] = OFFSETS.has(key)
      ? Array.isArray(inner)
        ? inner.map(offsetText)
        : offsetText(inner)
      : toWire(inner, DATA_KEYED.has(key));
  }
  return out;
};

/**
 * Rewrites a JSON answer of a management route in the wire format ({@link toWire}).
 *
 * @example
 * ```ts
 * return wireAnswer(await route(request, context));
 * ```
 */
export const wireAnswer = (
  result: APIGatewayProxyStructuredResultV2,
): APIGatewayProxyStructuredResultV2 => {
  const type = result.headers?.['content-type'];
  if (type !== 'application/json' || result.body === undefined) return result;
  return { ...result, body: JSON.stringify(toWire(JSON.parse(result.body) as unknown)) };
};
