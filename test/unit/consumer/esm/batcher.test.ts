import { Batcher, lastPerPartition } from '../../../../local/esm/batcher';
import { buildMskEvent, estimateRecordBytes, toMskRecord } from '../../../../local/esm/msk-event';
import type { PendingRecord } from '../../../../local/esm/msk-event';
import { pending } from './records';

const setup = (
  batchSize: number,
  windowMs: number,
  maxPayloadBytes = 6 * 1024 * 1024,
  now?: () => number,
) => {
  const delivered: number[][] = [];
  const commits: Record<string, number>[] = [];
  const batcher = new Batcher({
    ...(now === undefined ? {} : { now }),
    batchSize,
    windowMs,
    maxPayloadBytes,
    overheadBytes: 100,
    maxBuffered: 1_000,
    deliver: async (records) => {
      delivered.push(records.map((r) => r.offset));
    },
    committed: async (last) => {
      commits.push(Object.fromEntries([...last].map(([k, r]) => [k, r.offset])));
    },
    onError: () => undefined,
  });
  return { batcher, delivered, commits };
};

describe('Batcher', () => {
  it('bounds its read-ahead in bytes: room again once a delivered batch frees them', async () => {
    const releases: (() => void)[] = [];
    const delivery = async (n: number): Promise<() => void> => {
      while (releases.length < n) await new Promise((r) => setImmediate(r));
      return releases[n - 1] as () => void;
    };
    const big = (o: number): PendingRecord => pending(o, 0, { value: Buffer.alloc(10_000) });
    const recordBytes = estimateRecordBytes(big(0));
    const batcher = new Batcher({
      batchSize: 2,
      windowMs: 0,
      maxPayloadBytes: 6 * 1024 * 1024,
      overheadBytes: 100,
      maxBuffered: 1_000,
      maxBufferedBytes: 2.5 * recordBytes,
      deliver: () => new Promise<void>((resolve) => releases.push(resolve)),
      committed: async () => undefined,
      onError: () => undefined,
    });
    batcher.add([big(0), big(1)]);
    expect(batcher.hasRoom).toBe(true);
    batcher.add([big(2)]);
    expect(batcher.bufferedBytes).toBe(3 * recordBytes);
    expect(batcher.hasRoom).toBe(false); // 3 records, far below maxBuffered: the bytes bound holds
    let roomy = false;
    const room = batcher.waitForRoom().then(() => (roomy = true));
    await new Promise((r) => setImmediate(r));
    expect(roomy).toBe(false);
    (await delivery(1))(); // the first batch (2 records) is delivered
    await room;
    expect(batcher.buffered).toBe(1);
    expect(batcher.bufferedBytes).toBe(recordBytes);
    (await delivery(2))(); // the second batch, in delivery meanwhile
    await batcher.drained();
    expect(batcher.bufferedBytes).toBe(0);
  });

  it('delivers full batches at once and a partial batch after the window, then commits', async () => {
    const { batcher, delivered, commits } = setup(3, 50);
    const added = Date.now();
    batcher.add([pending(0), pending(1), pending(2), pending(3)]);
    await new Promise((r) => setImmediate(r));
    expect(delivered).toEqual([[0, 1, 2]]);
    while (delivered.length < 2) await new Promise((r) => setTimeout(r, 5));
    expect(Date.now() - added).toBeGreaterThanOrEqual(45);
    expect(delivered).toEqual([[0, 1, 2], [3]]);
    expect(commits).toEqual([{ 't-0': 2 }, { 't-0': 3 }]);
  });

  it("counts a fresh record's window from when it was written, a backlog record's from now", async () => {
    jest.useFakeTimers();
    try {
      const now = 1_800_000_000_000;
      const { batcher, delivered } = setup(10, 500, undefined, () => now);
      // Written 400 ms ago (held by the broker's fetch): 100 ms of the window are left.
      batcher.add([pending(1, 0, { timestamp: now - 400 })]);
      await jest.advanceTimersByTimeAsync(99);
      expect(delivered).toEqual([]);
      await jest.advanceTimersByTimeAsync(1);
      expect(delivered).toEqual([[1]]);
      // Written an hour ago (a backlog): the whole window, as if it had just come.
      batcher.add([pending(2, 0, { timestamp: now - 3_600_000 })]);
      await jest.advanceTimersByTimeAsync(499);
      expect(delivered).toEqual([[1]]);
      await jest.advanceTimersByTimeAsync(1);
      expect(delivered).toEqual([[1], [2]]);
    } finally {
      jest.useRealTimers();
    }
  });

  it('mixes partitions in one batch and keeps each in order', async () => {
    const { batcher, delivered } = setup(10, 0);
    batcher.add([pending(0, 0), pending(1, 0)]);
    batcher.add([pending(7, 1)]);
    await batcher.drained();
    expect(delivered).toEqual([[0, 1, 7]]);
  });

  it('splits batches to stay under the payload limit', async () => {
    const big = (o: number): PendingRecord => pending(o, 0, { value: Buffer.alloc(3_000) });
    const { batcher, delivered } = setup(100, 0, 9_000);
    batcher.add([big(0), big(1), big(2), big(3)]);
    await batcher.drained();
    expect(delivered.length).toBeGreaterThan(1);
    expect(delivered.flat()).toEqual([0, 1, 2, 3]);
  });

  it('never commits after a failed delivery', async () => {
    const commits: unknown[] = [];
    const errors: unknown[] = [];
    const batcher = new Batcher({
      batchSize: 1,
      windowMs: 0,
      maxPayloadBytes: 1e6,
      overheadBytes: 0,
      maxBuffered: 10,
      deliver: async (records) => {
        if (records[0]?.offset === 0) throw new Error('lost');
      },
      committed: async (last) => {
        commits.push(last);
      },
      onError: (e) => errors.push(e),
    });
    batcher.add([pending(0), pending(1)]);
    await batcher.drained();
    expect(commits).toEqual([]);
    expect(errors).toHaveLength(1);
  });

  it('estimates at least the JSON size of a record', () => {
    const r = pending(1, 0, {
      value: Buffer.alloc(777, 200),
      headers: { h: Buffer.alloc(40, 255), m: ['a', 'bb'] },
    });
    expect(estimateRecordBytes(r)).toBeGreaterThanOrEqual(
      Buffer.byteLength(JSON.stringify(toMskRecord(r))),
    );
    expect(
      buildMskEvent([r], { eventSourceArn: 'a', bootstrapServers: 'b' }).records['t-0'],
    ).toHaveLength(1);
  });
});

describe('lastPerPartition', () => {
  it('keeps the highest offset of each partition across interleaved runs', () => {
    const records = [
      pending(5, 0),
      pending(6, 0),
      pending(2, 1),
      pending(7, 0),
      pending(3, 1),
      pending(1, 1),
      pending(9, 0, { topic: 'u' }),
    ];
    const last = lastPerPartition(records);
    expect(Object.fromEntries([...last].map(([k, r]) => [k, r.offset]))).toEqual({
      't-0': 7,
      't-1': 3,
      'u-0': 9,
    });
  });

  it('is empty for no records', () => {
    expect(lastPerPartition([]).size).toBe(0);
  });
});
