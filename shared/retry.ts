import { isRetriable } from './errors';

/**
 * Exponential backoff with jitter, as one reusable function with an injected
 * clock and random source (so tests run instantly and deterministically).
 * The producer uses it for sends; the DLQ retry and others may reuse
 * {@link backoffDelay} for their schedules.
 */

/** A timer that can be cancelled: see {@link RetryClock.timer}. */
export interface ClockTimer {
  /** Resolves once the time has passed; never, once cancelled. */
  readonly expired: Promise<void>;
  /** Frees the timer (it no longer keeps the process alive). */
  readonly cancel: () => void;
}

/** The clock a retry waits on. */
export interface RetryClock {
  /** Milliseconds since an arbitrary origin. */
  readonly now: () => number;
  /** Resolves after `ms` milliseconds. */
  readonly sleep: (ms: number) => Promise<void>;
  /**
   * A timer of `ms` milliseconds that can be cancelled: a deadline that is
   * usually not reached (one per delivery). Cheaper than a sleep with an
   * AbortSignal, whose controller, listener and abort event cost ~4% of
   * the gateway's CPU per single-event request (issue #13 item 2).
   */
  readonly timer: (ms: number) => ClockTimer;
}

/** The real clock: `Date.now` and `setTimeout`. */
export const systemClock: RetryClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  timer: (ms) => {
    let handle: NodeJS.Timeout | undefined;
    const expired = new Promise<void>((resolve) => {
      handle = setTimeout(resolve, ms);
    });
    return { expired, cancel: () => clearTimeout(handle) };
  },
};

/** How delays grow. */
export interface BackoffOptions {
  /** Delay before the first retry. */
  readonly baseDelayMs: number;
  /** Growth factor per retry. @default 2 */
  readonly multiplier?: number;
  /** Upper bound of any delay. */
  readonly maxDelayMs: number;
  /**
   * Fraction of the delay that is randomised, 0..1: the delay is drawn
   * uniformly from `[d * (1 - jitter), d]`. 1 is AWS's "full jitter". @default 0.5
   */
  readonly jitter?: number;
}

/** Options of {@link retry}. */
export interface RetryOptions extends BackoffOptions {
  /** Retries after the first attempt (0 = try once). */
  readonly retries: number;
  /** Whether an error may succeed on a new attempt. @default isRetriable (our errors, kafkajs errors) */
  readonly shouldRetry?: (error: unknown, attempt: number) => boolean;
  /** Called before each wait, e.g. to reset a broken connection or log. */
  readonly onRetry?: (error: unknown, attempt: number, delayMs: number) => void | Promise<void>;
  /** No new attempt starts later than this many ms after the first one. @default unbounded */
  readonly deadlineMs?: number;
  /** @default systemClock */
  readonly clock?: Pick<RetryClock, 'now' | 'sleep'>;
  /** Uniform random number in [0, 1). @default Math.random */
  readonly random?: () => number;
}

/**
 * The delay before retry number `attempt` (1-based): `base * multiplier^(attempt-1)`,
 * capped at `maxDelayMs`, then jittered down by up to `jitter` of itself.
 *
 * @example
 * ```ts
 * backoffDelay(3, { baseDelayMs: 100, maxDelayMs: 5000, jitter: 0 }); // 400
 * backoffDelay(3, { baseDelayMs: 100, maxDelayMs: 5000, jitter: 1 }, () => 0.5); // 200
 * ```
 */
export const backoffDelay = (
  attempt: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number => {
  const multiplier = options.multiplier ?? 2;
  const jitter = Math.min(1, Math.max(0, options.jitter ?? 0.5));
  const exponential = options.baseDelayMs * multiplier ** Math.max(0, attempt - 1);
  const capped = Math.min(options.maxDelayMs, exponential);
  return Math.round(capped * (1 - jitter * random()));
};

/**
 * Runs `operation` until it succeeds, retrying retriable failures with
 * exponential backoff and jitter. The last error is rethrown as it is when
 * the retries, the deadline or the retriable errors run out.
 *
 * @example
 * ```ts
 * const result = await retry((attempt) => producer.send(record), {
 *   retries: 3,
 *   baseDelayMs: 100,
 *   maxDelayMs: 2000,
 *   onRetry: () => resetConnection(),
 * });
 * ```
 */
export const retry = async <T>(
  operation: (attempt: number) => Promise<T>,
  options: RetryOptions,
): Promise<T> => {
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const shouldRetry = options.shouldRetry ?? isRetriable;
  const started = clock.now();
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (attempt > options.retries || !shouldRetry(error, attempt)) throw error;
      const delayMs = backoffDelay(attempt, options, random);
      const deadline = options.deadlineMs;
      if (deadline !== undefined && clock.now() + delayMs - started > deadline) throw error;
      await options.onRetry?.(error, attempt, delayMs);
      await clock.sleep(delayMs);
    }
  }
};
