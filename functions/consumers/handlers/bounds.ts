import { BoundedMap } from '../../../shared/bounded-map';

/**
 * Bounds of the example stores: a warm Lambda container or a long-running
 * local ESM keeps them for its whole life, so nothing may grow without limit.
 */
export interface StoreBounds {
  /** Keys of each aggregate map (models, metrics, components...). @default 10_000 */
  readonly maxKeys?: number;
  /** An aggregate not updated for this long is forgotten. @default 24 h */
  readonly maxIdleMs?: number;
  /** Event ids remembered to ignore redeliveries. @default 100_000 */
  readonly maxRememberedIds?: number;
  /** How long an event id is remembered (a redelivery comes within minutes). @default 1 h */
  readonly rememberIdsMs?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

const clockOf = (bounds: StoreBounds): { now?: () => number } =>
  bounds.now ? { now: bounds.now } : {};

/**
 * The ids a store has seen, bounded in count and age.
 *
 * @example
 * ```ts
 * const seen = rememberedIds(bounds);
 * if (seen.addIfAbsent(event.id, true)) count(event);
 * ```
 */
export const rememberedIds = (bounds: StoreBounds): BoundedMap<string, true> =>
  new BoundedMap({
    maxEntries: bounds.maxRememberedIds ?? 100_000,
    maxAgeMs: bounds.rememberIdsMs ?? 3_600_000,
    ...clockOf(bounds),
  });

/**
 * One aggregate map of a store, bounded in keys and idle age.
 *
 * @example
 * ```ts
 * const byModel = aggregates<ModelUsage>(bounds);
 * ```
 */
export const aggregates = <V>(bounds: StoreBounds): BoundedMap<string, V> =>
  new BoundedMap({
    maxEntries: bounds.maxKeys ?? 10_000,
    maxAgeMs: bounds.maxIdleMs ?? 86_400_000,
    ...clockOf(bounds),
  });
