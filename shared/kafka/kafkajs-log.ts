import { kafkajs } from './kafkajs';
import { lazy } from '../lazy';
import type { LogEntry } from 'kafkajs';
import type { Logger } from '@aws-lambda-powertools/logger';

/** A Powertools level a kafkajs entry is written at. */
type Level = 'debug' | 'info' | 'warn' | 'error';

/**
 * kafkajs entries written at a lower level than kafkajs gives them, each
 * with the reason. Everything else keeps its level: a genuine error (a
 * consumer crash, a send that failed for good) stays an ERROR.
 */
const MAPPED: readonly {
  readonly namespace?: string;
  readonly message: RegExp;
  /** Only entries logged inside a kafkajs retry loop (they carry `retryCount`). */
  readonly retrying?: boolean;
  readonly level: Level;
  readonly reason: string;
}[] = [
  {
    namespace: 'Connection',
    message: /^Response /,
    level: 'debug',
    reason:
      'a connection logs every error response, then throws it to its caller, which retries it or fails with it: the outcome is logged there',
  },
  {
    message:
      /coordinator is (not available|loading)|not the (correct )?coordinator|not the leader|leader (is )?not available|There is no leader|does not host this topic-partition|metadata (is )?not loaded|rebalance in progress/i,
    retrying: true,
    level: 'debug',
    reason:
      'a retriable coordinator or leader answer (a fresh cluster loading its offsets, a leader moving) inside a kafkajs retry loop: the retry resolves it, or the caller gets the error',
  },
  {
    namespace: 'Producer',
    message: /^Limiting retries for the idempotent producer/,
    level: 'debug',
    reason:
      'deliberate: KafkaProducer retries sends itself within a deadline (a 503 inside API Gateway’s 30 s); delivery is at-least-once and consumers are idempotent by event id',
  },
  {
    message:
      /^The group is rebalancing, re-joining|^Consumer is not aware of all assigned partitions/,
    level: 'info',
    reason: 'a rebalance is how a group admits or loses members: routine, not a warning',
  },
];

/** Built on the first entry: kafkajs is loaded by then (shared/kafka/kafkajs.ts). */
const ownLevels = lazy((): Readonly<Record<number, Level>> => {
  const { logLevel } = kafkajs();
  return { [logLevel.ERROR]: 'error', [logLevel.WARN]: 'warn', [logLevel.INFO]: 'info' };
});

/**
 * The level a kafkajs entry is written at: kafkajs' own, or the lower one of
 * a {@link MAPPED} rule (retriable and known-transient entries).
 *
 * @example
 * ```ts
 * kafkajsLevel({ namespace: 'Connection', level: logLevel.ERROR, label: 'ERROR',
 *   log: { timestamp: '', message: 'Response Metadata(key: 3, version: 6)' } }); // 'debug'
 * ```
 */
export const kafkajsLevel = ({ level, log, namespace }: LogEntry): Level => {
  const own = ownLevels()[level] ?? 'debug';
  if (own === 'debug' || own === 'info') return own;
  const retrying = typeof (log as { retryCount?: unknown }).retryCount === 'number';
  const error = (log as { error?: unknown }).error;
  for (const rule of MAPPED) {
    if (rule.namespace !== undefined && rule.namespace !== namespace) continue;
    if (rule.retrying === true && !retrying) continue;
    if (rule.message.test(log.message) || (typeof error === 'string' && rule.message.test(error)))
      return rule.level;
  }
  return own;
};

/**
 * A kafkajs log creator writing through a Powertools logger (structured JSON),
 * at the level {@link kafkajsLevel} chooses.
 *
 * @example
 * ```ts
 * new Kafka({ brokers, logCreator: kafkajsLogCreator(logger) });
 * ```
 */
export const kafkajsLogCreator =
  (logger: Logger) =>
  () =>
  (entry: LogEntry): void => {
    // `timestamp` and `logger` are Powertools' own keys: drop kafkajs' copies.
    const {
      message,
      timestamp: _timestamp,
      logger: _logger,
      ...extra
    } = entry.log as typeof entry.log & { logger?: unknown };
    logger[kafkajsLevel(entry)](message, { kafkajs: entry.namespace, ...extra });
  };
