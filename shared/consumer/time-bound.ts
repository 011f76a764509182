import { HandlerTimeoutError } from './errors';

/**
 * Whether a value is a promise (or any thenable).
 *
 * @example
 * ```ts
 * if (isThenable(result)) await result;
 * ```
 */
export const isThenable = <T>(value: T | PromiseLike<T>): value is PromiseLike<T> =>
  typeof (value as { then?: unknown } | null)?.then === 'function';

/**
 * Runs `work` with an abort signal (created on first use) and fails with {@link HandlerTimeoutError}
 * if it takes longer than `ms`. The signal is aborted on timeout so
 * cooperative work stops; JavaScript cannot kill the rest. Synchronous work
 * returns synchronously (no timer, no promise: the hot path of the
 * consumer); asynchronous work returns a promise raced against the bound.
 *
 * @example
 * ```ts
 * await withinTimeBound((signal) => fetch(url, { signal: signal() }), 2_000, () => 'handler "x"');
 * ```
 */
export const withinTimeBound = <T>(
  work: (signal: () => AbortSignal) => T | PromiseLike<T>,
  ms: number,
  label: string | (() => string),
): T | Promise<T> => {
  const name = (): string => (typeof label === 'string' ? label : label());
  if (ms <= 0) throw new HandlerTimeoutError(`${name()} had no time left to run`);
  // Created only when the work asks for it: an AbortSignal is costly on the hot path.
  let controller: AbortController | undefined;
  const result = work(() => (controller ??= new AbortController()).signal);
  if (!isThenable(result)) return result;
  return raceTimeBound(result, ms, name, () => (controller ??= new AbortController()).abort());
};

/**
 * Races a promise against a time bound: rejects with
 * {@link HandlerTimeoutError} after `ms`, calling `onTimeout` (e.g. to abort
 * the work) right after.
 *
 * @example
 * ```ts
 * await raceTimeBound(pending, 2_000, () => 'record t-0@5', () => context.abort());
 * ```
 */
export const raceTimeBound = <T>(
  promise: PromiseLike<T>,
  ms: number,
  label: () => string,
  onTimeout: () => void,
): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      // Reject first: work that stops on abort must not win the race.
      reject(new HandlerTimeoutError(`${label()} exceeded its time bound of ${ms} ms`));
      onTimeout();
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
};

/**
 * The time a record may still use: the Lambda's remaining time minus a
 * reserve kept for the dead-letter writes and the response.
 *
 * @example
 * ```ts
 * recordTimeBudget(context.getRemainingTimeInMillis(), 1_000); // e.g. 58_000
 * ```
 */
export const recordTimeBudget = (remainingMs: number, reserveMs: number): number =>
  Math.max(0, Math.floor(remainingMs - reserveMs));
