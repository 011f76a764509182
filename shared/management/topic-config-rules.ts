import type * as z from 'zod';

/**
 * The topic configs `POST /topics` may set and `PATCH /topics/{name}` may
 * change (one rule set for both), each with the values Kafka accepts for it
 * (Kafka 3.9's `TopicConfig` / `LogConfig` docs:
 * https://kafka.apache.org/39/documentation.html#topicconfigs). Checked
 * before Kafka sees the request, so a typo or a bad value is a 422 naming
 * the config rather than a broker refusal. Left out on purpose: the
 * throttled-replica lists, tiered storage (`remote.storage.enable`,
 * `local.retention.*`), message format and preallocation settings — an
 * operator changes those with Kafka's own tools.
 */

/** Checks a config value given as text; answers the problem, or undefined when valid. */
type ValueRule = (value: string) => string | undefined;

const INT32_MAX = 2_147_483_647;
/** Kafka's longs; JSON numbers beyond 2^53 arrive rounded, so the API takes them as text. */
const LONG = /^-?\d{1,19}$/;

const long =
  (min: number): ValueRule =>
  (value) =>
    LONG.test(value) && BigInt(value) >= BigInt(min) && BigInt(value) <= 9_223_372_036_854_775_807n
      ? undefined
      : `must be an integer >= ${min}`;

const int =
  (min: number, max = INT32_MAX): ValueRule =>
  (value) =>
    /^-?\d{1,10}$/.test(value) && Number(value) >= min && Number(value) <= max
      ? undefined
      : `must be an integer from ${min} to ${max}`;

const oneOf =
  (...allowed: string[]): ValueRule =>
  (value) =>
    allowed.includes(value) ? undefined : `must be one of ${allowed.join(', ')}`;

const ratio: ValueRule = (value) =>
  /^\d+(\.\d+)?$/.test(value) && Number(value) >= 0 && Number(value) <= 1
    ? undefined
    : 'must be a number from 0 to 1';

const bool = oneOf('true', 'false');

/** The configs the API changes, by Kafka name. */
export const TOPIC_CONFIG_RULES: Readonly<Record<string, ValueRule>> = {
  'cleanup.policy': oneOf('delete', 'compact', 'compact,delete', 'delete,compact'),
  'compression.type': oneOf('uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'),
  'delete.retention.ms': long(0),
  'file.delete.delay.ms': long(0),
  'max.compaction.lag.ms': long(1),
  'max.message.bytes': int(0),
  'message.timestamp.after.max.ms': long(0),
  'message.timestamp.before.max.ms': long(0),
  'message.timestamp.type': oneOf('CreateTime', 'LogAppendTime'),
  'min.cleanable.dirty.ratio': ratio,
  'min.compaction.lag.ms': long(0),
  'min.insync.replicas': int(1),
  'retention.bytes': long(-1),
  'retention.ms': long(-1),
  'segment.bytes': int(14),
  'segment.index.bytes': int(4),
  'segment.jitter.ms': long(0),
  'segment.ms': long(1),
  'unclean.leader.election.enable': bool,
};

/** A config change refused before Kafka: its name (`configs.<name>`) and why. */
export interface ConfigProblem {
  readonly path: string;
  readonly message: string;
}

/** Why one config value is refused, or undefined; null (remove the override) needs a known name only. */
const problemOf = (name: string, value: string | null): string | undefined => {
  const rule = Object.hasOwn(TOPIC_CONFIG_RULES, name) ? TOPIC_CONFIG_RULES[name] : undefined;
  if (rule === undefined)
    return `not a topic config the API sets (one of ${Object.keys(TOPIC_CONFIG_RULES).join(', ')})`;
  return value === null ? undefined : rule(value);
};

/**
 * The problems of a set of config changes (null values remove the topic's
 * own value, going back to the broker default, and need a known name only).
 *
 * @example
 * ```ts
 * configProblems({ 'retention.ms': '-5' }); // [{ path: 'configs.retention.ms', message: 'must be an integer >= -1' }]
 * ```
 */
export const configProblems = (changes: Readonly<Record<string, string | null>>): ConfigProblem[] =>
  Object.entries(changes).flatMap(([name, value]): ConfigProblem[] => {
    const problem = problemOf(name, value);
    return problem === undefined ? [] : [{ path: `configs.${name}`, message: problem }];
  });

/**
 * The same rules as a zod refinement of a `configs` object, for a request
 * schema (`POST /topics`): each problem is an issue at the config's name,
 * so the 422 names `configs.<name>` as for `PATCH`.
 *
 * @example
 * ```ts
 * z.record(z.string(), z.string()).superRefine(refineTopicConfigs);
 * ```
 */
export const refineTopicConfigs = (
  changes: Readonly<Record<string, string | null>>,
  ctx: z.RefinementCtx,
): void => {
  for (const [name, value] of Object.entries(changes)) {
    const message = problemOf(name, value);
    if (message !== undefined) ctx.addIssue({ code: 'custom', path: [name], message });
  }
};
