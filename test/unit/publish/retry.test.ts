import { backoffDelay, retry } from '../../../shared/retry';
import type { RetryClock } from '../../../shared/retry';
import { KafkaUnavailableError, ValidationError } from '../../../shared/errors';

/** A clock that never waits: sleeping advances time. */
const fakeClock = (): Pick<RetryClock, 'now' | 'sleep'> & { readonly sleeps: number[] } => {
  let now = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
};

describe('backoffDelay', () => {
  it('grows exponentially and is capped, without jitter', () => {
    const options = { baseDelayMs: 100, maxDelayMs: 1000, jitter: 0 };
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffDelay(a, options))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
  });

  it('jitters down by at most the jitter fraction', () => {
    const options = { baseDelayMs: 1000, maxDelayMs: 10_000, jitter: 0.5 };
    expect(backoffDelay(1, options, () => 0)).toBe(1000);
    expect(backoffDelay(1, options, () => 0.999999)).toBe(500);
    expect(backoffDelay(2, { ...options, jitter: 1 }, () => 0.25)).toBe(1500);
  });
});

describe('retry', () => {
  it('retries retriable failures with backoff until success', async () => {
    const clock = fakeClock();
    let calls = 0;
    const result = await retry(
      async (attempt) => {
        calls += 1;
        if (attempt < 3) throw new KafkaUnavailableError('down');
        return 'ok';
      },
      { retries: 5, baseDelayMs: 100, maxDelayMs: 1000, jitter: 0, clock },
    );
    expect(result).toBe('ok');
    expect(calls).toBe(3);
    expect(clock.sleeps).toEqual([100, 200]);
  });

  it('gives up after the retries and rethrows the last error', async () => {
    const clock = fakeClock();
    const errors = [
      new KafkaUnavailableError('1'),
      new KafkaUnavailableError('2'),
      new KafkaUnavailableError('3'),
    ];
    let i = 0;
    await expect(
      retry(
        async () => {
          throw errors[i++];
        },
        { retries: 2, baseDelayMs: 10, maxDelayMs: 100, clock, random: () => 0 },
      ),
    ).rejects.toBe(errors[2]);
    expect(clock.sleeps).toEqual([10, 20]);
  });

  it('does not retry a non-retriable error', async () => {
    const clock = fakeClock();
    const onRetry = jest.fn();
    await expect(
      retry(
        async () => {
          throw new ValidationError('bad');
        },
        { retries: 5, baseDelayMs: 10, maxDelayMs: 100, clock, onRetry },
      ),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(onRetry).not.toHaveBeenCalled();
    expect(clock.sleeps).toEqual([]);
  });

  it('stops before a wait that would pass the deadline', async () => {
    const clock = fakeClock();
    let calls = 0;
    await expect(
      retry(
        async () => {
          calls += 1;
          throw new KafkaUnavailableError('down');
        },
        { retries: 10, baseDelayMs: 100, maxDelayMs: 10_000, jitter: 0, deadlineMs: 350, clock },
      ),
    ).rejects.toBeInstanceOf(KafkaUnavailableError);
    // waits 100 then 200 (300 in all); the next wait (400) would pass 350
    expect(calls).toBe(3);
    expect(clock.sleeps).toEqual([100, 200]);
  });

  it('calls onRetry before each wait with the attempt and delay', async () => {
    const clock = fakeClock();
    const seen: [number, number][] = [];
    await retry(
      async (attempt) => {
        if (attempt === 1) throw new KafkaUnavailableError('down');
        return attempt;
      },
      {
        retries: 1,
        baseDelayMs: 50,
        maxDelayMs: 50,
        jitter: 0,
        clock,
        onRetry: (_e, attempt, delay) => {
          seen.push([attempt, delay]);
        },
      },
    );
    expect(seen).toEqual([[1, 50]]);
  });
});
