import { EsmStoppedError } from './errors';

/**
 * Resolves after `ms`, or at once when `signal` aborts.
 *
 * @example
 * ```ts
 * await abortableSleep(backoff(retries), signal);
 * ```
 */
export const abortableSleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });

/** Options of {@link persistently}. */
export interface PersistOptions {
  /** The consumer whose records these are (for the stop error). */
  readonly consumer: string;
  readonly signal: AbortSignal;
  /** Called with each failure before the next attempt (log it). */
  readonly onFailure: (error: unknown) => void;
  /** @default 1 s */
  readonly retryDelayMs?: number;
}

/**
 * Runs `write` until it succeeds: records given up by the ESM are committed
 * only once they are written to their on-failure destination, so a
 * destination that cannot be written holds the partition (as a DLQ that
 * cannot be written does) instead of losing records. Rejects with
 * {@link EsmStoppedError} when the ESM stops meanwhile: nothing is
 * committed, the records are delivered again on the next start.
 *
 * @example
 * ```ts
 * await persistently(() => writeFile(path, body), { consumer: 'c', signal, onFailure: log });
 * ```
 */
export const persistently = async (
  write: () => Promise<void>,
  options: PersistOptions,
): Promise<void> => {
  for (;;) {
    if (options.signal.aborted) throw new EsmStoppedError(options.consumer);
    try {
      await write();
      return;
    } catch (error) {
      if (options.signal.aborted) throw new EsmStoppedError(options.consumer);
      options.onFailure(error);
      await abortableSleep(options.retryDelayMs ?? 1_000, options.signal);
    }
  }
};
