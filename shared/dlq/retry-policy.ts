/**
 * Which retry policy applies to a dead-lettered record, and what it says.
 *
 * Precedence: the policy of the record's original topic (`dlq.byTopic`), else
 * that of its failure category (`dlq.byCategory`), else `dlq.defaultPolicy`.
 *
 * Attempt counting follows the DLQ header contract (shared/dlq/headers.ts):
 * `failedAttempts` is the number of failed deliveries so far (1 after the
 * first failure). With `maxRetries: n` a record is delivered at most `n + 1`
 * times: the failure number `k` schedules retry number `k` while `k <= n`,
 * and the failure number `n + 1` exhausts the policy (the record is archived).
 */
import type { DlqDefinition, FailureCategory, RetryPolicy } from '../platform/schema';
import { retryDelayMs } from './retry-strategies';
import type { RandomSource } from './retry-strategies';

/** What identifies a dead-lettered record for policy lookup. */
export interface PolicySubject {
  /** The record's original topic, as named in the (namespaced) definition. */
  readonly topic: string;
  /** Its failure category; unknown or absent categories fall back to the default. */
  readonly category?: FailureCategory | string | undefined;
}

const hasOwn = (object: object, key: string): boolean =>
  Object.prototype.hasOwnProperty.call(object, key);

/**
 * The retry policy of a record: byTopic > byCategory > default.
 *
 * @example
 * ```ts
 * const policy = policyFor(platform.dlq, { topic: 'ai.responses', category: 'deserialization' });
 * policy.strategy.kind; // 'none' (the definition never retries deserialization failures)
 * ```
 */
export const policyFor = (dlq: DlqDefinition, subject: PolicySubject): RetryPolicy => {
  const byTopic = hasOwn(dlq.byTopic, subject.topic) ? dlq.byTopic[subject.topic] : undefined;
  if (byTopic !== undefined) return byTopic;
  const category = subject.category;
  if (category !== undefined && hasOwn(dlq.byCategory, category)) {
    const byCategory = dlq.byCategory[category as FailureCategory];
    if (byCategory !== undefined) return byCategory;
  }
  return dlq.defaultPolicy;
};

/**
 * Whether a record that has failed `failedAttempts` times is past its last
 * retry (to be archived). A `none` strategy is always exhausted.
 *
 * @example
 * ```ts
 * const policy = { strategy: { kind: 'fixed', delayMs: 10 }, maxRetries: 2 } as const;
 * isExhausted(policy, 2); // false: retry number 2 is still due
 * isExhausted(policy, 3); // true: two retries failed too
 * ```
 */
export const isExhausted = (policy: RetryPolicy, failedAttempts: number): boolean =>
  policy.strategy.kind === 'none' || failedAttempts > policy.maxRetries;

/**
 * The delay before the next retry of a record that has failed
 * `failedAttempts` times, or `undefined` when the policy is exhausted.
 *
 * @example
 * ```ts
 * const policy = { strategy: { kind: 'linear', baseDelayMs: 100, incrementMs: 50, maxDelayMs: 1000 }, maxRetries: 3 } as const;
 * nextRetryDelayMs(policy, 1); // 100
 * nextRetryDelayMs(policy, 3); // 200
 * nextRetryDelayMs(policy, 4); // undefined
 * ```
 */
export const nextRetryDelayMs = (
  policy: RetryPolicy,
  failedAttempts: number,
  random: RandomSource = Math.random,
): number | undefined => {
  if (!Number.isInteger(failedAttempts) || failedAttempts < 1)
    throw new RangeError(`failedAttempts must be an integer >= 1, got ${String(failedAttempts)}`);
  if (isExhausted(policy, failedAttempts)) return undefined;
  return retryDelayMs(policy.strategy, failedAttempts, random);
};

/**
 * The time of the next retry of a record that failed `failedAttempts` times
 * at `failedAt`, or `undefined` when the policy is exhausted. This is the
 * value of the `xseven-dlq-next-retry-time` header.
 *
 * @example
 * ```ts
 * const policy = { strategy: { kind: 'fixed', delayMs: 1000 }, maxRetries: 1 } as const;
 * nextRetryTime(policy, 1, new Date('2025-01-01T00:00:00Z'))?.toISOString();
 * // '2025-01-01T00:00:01.000Z'
 * ```
 */
export const nextRetryTime = (
  policy: RetryPolicy,
  failedAttempts: number,
  failedAt: Date,
  random: RandomSource = Math.random,
): Date | undefined => {
  const delay = nextRetryDelayMs(policy, failedAttempts, random);
  return delay === undefined ? undefined : new Date(failedAt.getTime() + delay);
};
