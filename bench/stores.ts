/**
 * The handlers' bounded stores (issue #13, item 1: constant-time lookups):
 * `BoundedMap` at its bound (100,000 remembered event ids, every add
 * evicting the least recently used) against the barest bounded set, a
 * `Map` with a ring of its keys (first in, first out, no ages, no use
 * order), in alternating slices of fresh ids. The soak suite shows that
 * nothing grows; this line shows what one operation costs once full, where
 * a store that walks its entries (e.g. a `Map`'s deleted-entry holes, fixed
 * 2026-12-02) was 20-200 µs per id.
 */
import { BoundedMap } from '../shared/bounded-map';
import { median } from './stats';
import type { BenchResult, BenchSuite } from './types';

const BOUND = 100_000;
const SLICE = 50_000;
const SLICES = 20;

/** The baseline: a set of at most `bound` keys, the oldest dropped first. */
const ringSet = (bound: number) => {
  const map = new Map<string, true>();
  const ring: (string | undefined)[] = new Array<string | undefined>(bound);
  let next = 0;
  return (key: string): boolean => {
    if (map.has(key)) return false;
    const old = ring[next];
    if (old !== undefined) map.delete(old);
    ring[next] = key;
    next = (next + 1) % bound;
    map.set(key, true);
    return true;
  };
};

const run = async (): Promise<readonly BenchResult[]> => {
  const store = new BoundedMap<string, true>({ maxEntries: BOUND, maxAgeMs: 3_600_000 });
  const ours = (key: string): boolean => store.addIfAbsent(key, true);
  const bare = ringSet(BOUND);
  let n = 0;
  /** Ids per second through `add`, `SLICE` fresh ids. */
  const slice = (add: (key: string) => boolean): number => {
    const start = performance.now();
    for (let i = 0; i < SLICE; i += 1) add(`event-${(n += 1)}`);
    return SLICE / ((performance.now() - start) / 1000);
  };
  // Both filled to their bound (and warmed) before anything counts.
  for (let i = 0; i < 3; i += 1) {
    slice(ours);
    slice(bare);
  }
  const ratios: number[] = [];
  const bases: number[] = [];
  for (let s = 0; s < SLICES; s += 1) {
    const first = s % 2 === 0 ? slice(bare) : undefined;
    const mine = slice(ours);
    const base = first ?? slice(bare);
    ratios.push(mine / base);
    bases.push(base);
  }
  const base = median(bases);
  return [
    {
      name: `BoundedMap.addIfAbsent at its bound (${BOUND.toLocaleString('en')} ids) vs a bare Map with a ring of its keys`,
      unit: 'ids/s',
      baseline: base,
      value: base * median(ratios),
      higherIsBetter: true,
      target: 0.5,
    },
  ];
};

export const storesBench: BenchSuite = { name: 'stores', run };
