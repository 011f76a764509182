import { ALERT_WINDOW_MINUTES } from '../platform/metrics';
import type { CounterSeries } from './counters';

const BUCKET_MS = 30_000;

/**
 * The alert window of the in-process counters, as the Prometheus rules' `[5m]`
 * rates: {@link ALERT_WINDOW_MINUTES} in 30 s buckets.
 */
export const ALERT_WINDOW = {
  bucketMs: BUCKET_MS,
  buckets: (ALERT_WINDOW_MINUTES * 60_000) / BUCKET_MS,
} as const;

/** Options of {@link windowedSeries}. */
export interface WindowOptions {
  /** Cumulative series (since process start). */
  readonly read: () => readonly CounterSeries[];
  /** @default Date.now */
  readonly now?: () => number;
  /** @default 30_000 */
  readonly bucketMs?: number;
  /** @default 10 (with 30 s buckets: 5 minutes) */
  readonly buckets?: number;
}

/** A window over cumulative counters: `sample` at each bucket, `read` the window's deltas. */
export interface WindowedSeries {
  /** Records the cumulative values of the current bucket (once per bucket). */
  readonly sample: () => void;
  /** The increase of every series over the last `buckets` intervals. */
  readonly read: () => CounterSeries[];
  /** Snapshots held: at most `buckets + 1`, whatever the uptime. */
  readonly size: () => number;
}

const keyOf = (s: CounterSeries): string =>
  `${s.name}|${JSON.stringify(Object.entries(s.labels).sort(([a], [b]) => a.localeCompare(b)))}`;

/**
 * A bounded ring of cumulative snapshots, one per interval: the window's
 * value of a series is its cumulative value now minus the one at the start of
 * the window, so a failure older than the window no longer counts. Memory is
 * `buckets + 1` snapshots. `max` stays the cumulative max (a max cannot be
 * subtracted).
 *
 * @example
 * ```ts
 * const w = windowedSeries({ read: () => cumulative, now: () => clock });
 * w.sample(); // every 30 s
 * w.read(); // increases over the last 5 minutes
 * ```
 */
export const windowedSeries = (options: WindowOptions): WindowedSeries => {
  const now = options.now ?? Date.now;
  const bucketMs = options.bucketMs ?? ALERT_WINDOW.bucketMs;
  const buckets = options.buckets ?? ALERT_WINDOW.buckets;
  const ring: { index: number; values: Map<string, CounterSeries> }[] = [];
  const snapshot = (): Map<string, CounterSeries> =>
    new Map(options.read().map((s) => [keyOf(s), s]));
  // The process start is the baseline until the first full window has passed.
  ring.push({ index: Math.floor(now() / bucketMs), values: new Map() });

  const sample = (): void => {
    const index = Math.floor(now() / bucketMs);
    const last = ring[ring.length - 1];
    if (last !== undefined && last.index >= index) return;
    ring.push({ index, values: snapshot() });
    while (ring.length > buckets + 1) ring.shift();
  };

  const read = (): CounterSeries[] => {
    sample();
    const start = Math.floor(now() / bucketMs) - buckets;
    // The latest snapshot at or before the window's start; the oldest held otherwise.
    const base = [...ring].reverse().find((e) => e.index <= start) ?? ring[0];
    return [...snapshot().entries()].map(([key, s]) => {
      const before = base?.values.get(key);
      return {
        ...s,
        sum: s.sum - (before?.sum ?? 0),
        count: s.count - (before?.count ?? 0),
      };
    });
  };

  return { sample, read, size: () => ring.length };
};
