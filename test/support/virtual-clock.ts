import type { ClockTimer, RetryClock } from '../../shared/retry';

/** A {@link RetryClock} on virtual time, and what slept on it. */
export interface VirtualClock extends RetryClock {
  /** Durations of the sleeps and timers that ran to their end (a cancelled deadline is not one). */
  readonly slept: number[];
}

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly resolve: () => void;
}

/**
 * Virtual time that moves only when nothing else can: a sleep wakes up
 * (and `now` jumps to its end) once every pending promise callback has run
 * (setImmediate comes after the microtasks), earliest wake-up first. Work
 * made of resolved promises (test doubles) finishes at the instant it
 * started; work that waits on the clock, or never settles, lets time pass.
 * Tests of backoff and deadlines run instantly and deterministically.
 *
 * @example
 * ```ts
 * const clock = virtualClock();
 * await clock.sleep(20_000); // at once; clock.now() === 20_000
 * ```
 */
export const virtualClock = (): VirtualClock => {
  let now = 0;
  let seq = 0;
  let scheduled = false;
  const timers: Timer[] = [];
  const slept: number[] = [];
  const tick = (): void => {
    scheduled = false;
    timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
    const next = timers.shift();
    if (next === undefined) return;
    now = Math.max(now, next.at);
    next.resolve();
    schedule();
  };
  const schedule = (): void => {
    if (scheduled || timers.length === 0) return;
    scheduled = true;
    setImmediate(tick);
  };
  const timer = (ms: number): ClockTimer => {
    seq += 1;
    let entry: Timer | undefined;
    const expired = new Promise<void>((resolve) => {
      entry = {
        at: now + ms,
        seq,
        resolve: () => {
          slept.push(ms);
          resolve();
        },
      };
    });
    const set = entry as Timer;
    timers.push(set);
    schedule();
    return {
      expired,
      cancel: () => {
        const index = timers.indexOf(set);
        if (index >= 0) timers.splice(index, 1);
      },
    };
  };
  return {
    slept,
    now: () => now,
    sleep: (ms) => timer(ms).expired,
    timer,
  };
};
