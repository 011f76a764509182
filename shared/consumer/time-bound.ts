import { HandlerTimeoutError } from './errors';

const isThenable = <T>(value: T | PromiseLike<T>): value is PromiseLike<T> =>
  typeof (value as { then?: unknown } | null)?.then === 'function';

/**
 * Runs `work` with an abort signal and fails with {@link HandlerTimeoutError}
 * if it takes longer than `ms`. The signal is aborted on timeout so
 * cooperative work stops; JavaScript cannot kill the rest.
 *
 * @example
 * ```ts
 * await withinTimeBound((signal) => fetch(url, { signal }), 2_000, 'handler "x"');
 * ```
 */
export const withinTimeBound = async <T>(
  work: (signal: AbortSignal) => Promise<T> | T,
  ms: number,
  label: string,
): Promise<T> => {
  const controller = new AbortController();
  if (ms <= 0) {
    controller.abort();
    throw new HandlerTimeoutError(`${label} had no time left to run`);
  }
  const result = work(controller.signal);
  // Synchronous work has already finished: no timer needed (the hot path).
  if (!isThenable(result)) return result;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      // Reject first: work that stops on abort must not win the race.
      reject(new HandlerTimeoutError(`${label} exceeded its time bound of ${ms} ms`));
      controller.abort();
    }, ms);
  });
  try {
    return await Promise.race([result, timeout]);
  } finally {
    clearTimeout(timer);
  }
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
