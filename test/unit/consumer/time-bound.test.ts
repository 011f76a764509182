import { HandlerTimeoutError } from '../../../shared/consumer/errors';
import { recordTimeBudget, withinTimeBound } from '../../../shared/consumer/time-bound';

describe('withinTimeBound', () => {
  it('returns the result of synchronous and fast asynchronous work', async () => {
    expect(withinTimeBound(() => 1, 10, 'x')).toBe(1);
    await expect(withinTimeBound(async () => 2, 1_000, 'x')).resolves.toBe(2);
  });

  it('fails with a timeout error and aborts the signal when the work is too slow', async () => {
    let signal: AbortSignal | undefined;
    const slow = withinTimeBound(
      (s) => {
        signal = s();
        return new Promise((resolve) => setTimeout(resolve, 500));
      },
      20,
      () => 'handler "slow"',
    );
    await expect(slow).rejects.toThrow(HandlerTimeoutError);
    await expect(slow).rejects.toThrow(/handler "slow" exceeded its time bound of 20 ms/);
    expect(signal?.aborted).toBe(true);
  });

  it('does not start work when no time is left', async () => {
    const work = jest.fn();
    expect(() => withinTimeBound(work, 0, 'x')).toThrow(/no time left/);
    expect(work).not.toHaveBeenCalled();
  });

  it('keeps a reserve from the remaining time', () => {
    expect(recordTimeBudget(5_000, 1_000)).toBe(4_000);
    expect(recordTimeBudget(500, 1_000)).toBe(0);
  });
});
