/**
 * Retry strategies of the dead-letter queue, as pure functions.
 *
 * A strategy turns a retry number (1 = the first retry after the first
 * failure) into a delay in milliseconds. Randomness (jitter) is injected so
 * the delays are exact in tests and reproducible anywhere.
 * See docs/dlq-retry.md.
 */
import type { RetryStrategy } from '../platform/schema';

/** A source of numbers in [0, 1), like `Math.random`. */
export type RandomSource = () => number;

/** The kinds of retry strategy, as the platform definition names them. */
export const RetryStrategyKind = {
  Exponential: 'exponential',
  Fixed: 'fixed',
  Linear: 'linear',
  None: 'none',
} as const;
export type RetryStrategyKind = (typeof RetryStrategyKind)[keyof typeof RetryStrategyKind];

const clampRandom = (value: number): number =>
  Number.isFinite(value) ? Math.min(Math.max(value, 0), 1) : 0;

const assertRetryNumber = (retry: number): void => {
  if (!Number.isInteger(retry) || retry < 1)
    throw new RangeError(`retry number must be an integer >= 1, got ${String(retry)}`);
};

/**
 * Exponential backoff: `baseDelayMs * multiplier^(retry-1)`, capped at
 * `maxDelayMs`, then reduced by up to `jitter` of itself at random
 * (jitter 0 = exact, 1 = "full jitter" in [0, delay]). Jitter never pushes a
 * delay above the cap.
 *
 * @example
 * ```ts
 * exponentialDelayMs({ kind: 'exponential', baseDelayMs: 1000, multiplier: 2, maxDelayMs: 60_000, jitter: 0 }, 3);
 * // 4000
 * ```
 */
export const exponentialDelayMs = (
  strategy: Extract<RetryStrategy, { kind: 'exponential' }>,
  retry: number,
  random: RandomSource = Math.random,
): number => {
  assertRetryNumber(retry);
  const raw = strategy.baseDelayMs * strategy.multiplier ** (retry - 1);
  const capped = Math.min(Number.isFinite(raw) ? raw : strategy.maxDelayMs, strategy.maxDelayMs);
  if (strategy.jitter === 0) return Math.round(capped);
  return Math.round(capped - capped * strategy.jitter * clampRandom(random()));
};

/**
 * Fixed delay: the same delay before every retry.
 *
 * @example
 * ```ts
 * fixedDelayMs({ kind: 'fixed', delayMs: 5000 }, 7); // 5000
 * ```
 */
export const fixedDelayMs = (
  strategy: Extract<RetryStrategy, { kind: 'fixed' }>,
  retry: number,
): number => {
  assertRetryNumber(retry);
  return strategy.delayMs;
};

/**
 * Linear backoff: `baseDelayMs + incrementMs * (retry-1)`, capped at `maxDelayMs`.
 *
 * @example
 * ```ts
 * linearDelayMs({ kind: 'linear', baseDelayMs: 1000, incrementMs: 500, maxDelayMs: 10_000 }, 3);
 * // 2000
 * ```
 */
export const linearDelayMs = (
  strategy: Extract<RetryStrategy, { kind: 'linear' }>,
  retry: number,
): number => {
  assertRetryNumber(retry);
  return Math.min(strategy.baseDelayMs + strategy.incrementMs * (retry - 1), strategy.maxDelayMs);
};

/**
 * The delay before retry number `retry` (1-based) under any strategy, or
 * `undefined` for the `none` strategy (never retried).
 *
 * @example
 * ```ts
 * retryDelayMs({ kind: 'fixed', delayMs: 100 }, 1); // 100
 * retryDelayMs({ kind: 'none' }, 1); // undefined
 * ```
 */
export const retryDelayMs = (
  strategy: RetryStrategy,
  retry: number,
  random: RandomSource = Math.random,
): number | undefined => {
  switch (strategy.kind) {
    case RetryStrategyKind.Exponential:
      return exponentialDelayMs(strategy, retry, random);
    case RetryStrategyKind.Fixed:
      return fixedDelayMs(strategy, retry);
    case RetryStrategyKind.Linear:
      return linearDelayMs(strategy, retry);
    case RetryStrategyKind.None:
      assertRetryNumber(retry);
      return undefined;
  }
};
