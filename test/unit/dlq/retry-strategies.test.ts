import fc from 'fast-check';
import {
  exponentialDelayMs,
  fixedDelayMs,
  linearDelayMs,
  retryDelayMs,
} from '../../../shared/dlq/retry-strategies';

const attempts = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

describe('retry strategies', () => {
  it('exponential backoff without jitter doubles from the base and stops at the cap', () => {
    const strategy = {
      kind: 'exponential',
      baseDelayMs: 1000,
      multiplier: 2,
      maxDelayMs: 10_000,
      jitter: 0,
    } as const;
    expect(attempts(6).map((n) => exponentialDelayMs(strategy, n))).toEqual([
      1000, 2000, 4000, 8000, 10_000, 10_000,
    ]);
  });

  it('exponential backoff with a fractional multiplier rounds to whole milliseconds', () => {
    const strategy = {
      kind: 'exponential',
      baseDelayMs: 100,
      multiplier: 1.5,
      maxDelayMs: 1000,
      jitter: 0,
    } as const;
    expect(attempts(5).map((n) => exponentialDelayMs(strategy, n))).toEqual([
      100, 150, 225, 338, 506,
    ]);
  });

  it('exponential jitter removes up to the jitter fraction, driven by the injected random', () => {
    const strategy = {
      kind: 'exponential',
      baseDelayMs: 1000,
      multiplier: 2,
      maxDelayMs: 60_000,
      jitter: 0.2,
    } as const;
    expect(exponentialDelayMs(strategy, 3, () => 0)).toBe(4000);
    expect(exponentialDelayMs(strategy, 3, () => 0.5)).toBe(3600);
    expect(exponentialDelayMs(strategy, 3, () => 0.999_999)).toBe(3200);
  });

  it('full jitter spans zero to the capped delay', () => {
    const strategy = {
      kind: 'exponential',
      baseDelayMs: 1000,
      multiplier: 2,
      maxDelayMs: 3000,
      jitter: 1,
    } as const;
    expect(exponentialDelayMs(strategy, 5, () => 0)).toBe(3000);
    expect(exponentialDelayMs(strategy, 5, () => 0.5)).toBe(1500);
    expect(exponentialDelayMs(strategy, 5, () => 1)).toBe(0);
  });

  it('jittered exponential delays always stay within [delay * (1 - jitter), min(delay, cap)]', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000 }),
        fc.double({ min: 1, max: 10, noNaN: true }),
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 60 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (baseDelayMs, multiplier, maxDelayMs, jitter, retry, r) => {
          const strategy = {
            kind: 'exponential',
            baseDelayMs,
            multiplier,
            maxDelayMs,
            jitter,
          } as const;
          const exact = Math.min(baseDelayMs * multiplier ** (retry - 1), maxDelayMs);
          const delay = exponentialDelayMs(strategy, retry, () => r);
          expect(delay).toBeGreaterThanOrEqual(Math.floor(exact * (1 - jitter)));
          expect(delay).toBeLessThanOrEqual(Math.ceil(exact));
        },
      ),
    );
  });

  it('exponential backoff survives huge attempt numbers by staying at the cap', () => {
    const strategy = {
      kind: 'exponential',
      baseDelayMs: 1000,
      multiplier: 10,
      maxDelayMs: 3_600_000,
      jitter: 0,
    } as const;
    expect(exponentialDelayMs(strategy, 10_000)).toBe(3_600_000);
  });

  it('fixed delay is the same for every attempt', () => {
    const strategy = { kind: 'fixed', delayMs: 250 } as const;
    expect(attempts(4).map((n) => fixedDelayMs(strategy, n))).toEqual([250, 250, 250, 250]);
  });

  it('linear backoff adds the increment per attempt and stops at the cap', () => {
    const strategy = {
      kind: 'linear',
      baseDelayMs: 100,
      incrementMs: 300,
      maxDelayMs: 1000,
    } as const;
    expect(attempts(6).map((n) => linearDelayMs(strategy, n))).toEqual([
      100, 400, 700, 1000, 1000, 1000,
    ]);
  });

  it('the none strategy never gives a delay', () => {
    expect(attempts(3).map((n) => retryDelayMs({ kind: 'none' }, n))).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('retryDelayMs dispatches to the strategy of the given kind', () => {
    expect(retryDelayMs({ kind: 'fixed', delayMs: 5 }, 2)).toBe(5);
    expect(
      retryDelayMs({ kind: 'linear', baseDelayMs: 5, incrementMs: 5, maxDelayMs: 100 }, 2),
    ).toBe(10);
    expect(
      retryDelayMs(
        { kind: 'exponential', baseDelayMs: 5, multiplier: 3, maxDelayMs: 100, jitter: 0.5 },
        2,
        () => 0,
      ),
    ).toBe(15);
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects the retry number %p', (retry) => {
    expect(() => retryDelayMs({ kind: 'fixed', delayMs: 5 }, retry)).toThrow(RangeError);
  });
});
