import { BoundedMap } from '../../shared/bounded-map';

const clock = (): { now: () => number; advance: (ms: number) => void } => {
  let t = 1_000;
  return { now: () => t, advance: (ms) => void (t += ms) };
};

describe('BoundedMap', () => {
  it('evicts the least recently used entry beyond maxEntries', () => {
    const map = new BoundedMap<string, number>({ maxEntries: 2 });
    map.set('a', 1).set('b', 2);
    expect(map.get('a')).toBe(1); // a is now the most recently used
    map.set('c', 3);
    expect(map.has('b')).toBe(false);
    expect(map.entries()).toEqual([
      ['a', 1],
      ['c', 3],
    ]);
    expect(map.size).toBe(2);
    expect(map.evicted).toBe(1);
  });

  it('expires entries idle longer than maxAgeMs, on access and when adding', () => {
    const c = clock();
    const map = new BoundedMap<string, number>({ maxEntries: 10, maxAgeMs: 100, now: c.now });
    map.set('old', 1);
    c.advance(60);
    map.set('young', 2);
    c.advance(50); // old idle 110 ms, young 50 ms
    expect(map.has('old')).toBe(false);
    expect(map.entries()).toEqual([['young', 2]]);
    map.set('new', 3); // prunes the expired head
    expect(map.size).toBe(2);
    expect(map.get('old')).toBeUndefined();
    c.advance(100); // young idle 150 ms, read at 60 ms: a get refreshes nothing here
    expect(map.get('young')).toBeUndefined();
    expect(map.get('new')).toBe(3);
  });

  it('a read keeps an entry alive', () => {
    const c = clock();
    const map = new BoundedMap<string, number>({ maxEntries: 10, maxAgeMs: 100, now: c.now });
    map.set('k', 1);
    for (let i = 0; i < 5; i += 1) {
      c.advance(80);
      expect(map.get('k')).toBe(1);
    }
    c.advance(101);
    expect(map.get('k')).toBeUndefined();
  });

  it('addIfAbsent remembers once, and again after expiry', () => {
    const c = clock();
    const seen = new BoundedMap<string, true>({ maxEntries: 10, maxAgeMs: 100, now: c.now });
    expect(seen.addIfAbsent('e1', true)).toBe(true);
    expect(seen.addIfAbsent('e1', true)).toBe(false);
    c.advance(101);
    expect(seen.addIfAbsent('e1', true)).toBe(true);
  });

  it('getOrCreate creates once', () => {
    const map = new BoundedMap<string, { n: number }>({ maxEntries: 10 });
    map.getOrCreate('a', () => ({ n: 0 })).n += 1;
    map.getOrCreate('a', () => ({ n: 0 })).n += 1;
    expect(map.get('a')).toEqual({ n: 2 });
  });

  it('stays at its bound and constant time over a million keys', () => {
    const map = new BoundedMap<number, number>({ maxEntries: 1_000 });
    for (let i = 0; i < 1_000_000; i += 1) map.addIfAbsent(i, i);
    expect(map.size).toBe(1_000);
    expect(map.has(999_999)).toBe(true);
    expect(map.has(998_999)).toBe(false);
  });

  it('refuses a bound below one', () => {
    expect(() => new BoundedMap({ maxEntries: 0 })).toThrow(RangeError);
  });
});
