/** Options of {@link BoundedMap}. */
export interface BoundedMapOptions {
  /** The most entries kept; adding one more evicts the least recently used. */
  readonly maxEntries: number;
  /**
   * An entry not written or read for this long is gone (checked on access and
   * when entries are added). @default Infinity (size bound only)
   */
  readonly maxAgeMs?: number;
  /** The clock (tests inject one). @default Date.now */
  readonly now?: () => number;
}

/** An entry, linked in use order: `older` toward the least recently used. */
interface Slot<K, V> {
  readonly key: K;
  value: V;
  touchedAt: number;
  older: Slot<K, V> | undefined;
  newer: Slot<K, V> | undefined;
}

/**
 * A map bounded in size and age, with constant-time operations: least
 * recently used first out, and entries idle longer than `maxAgeMs` expire.
 * The use order is a linked list of its own, not the `Map`'s insertion
 * order: V8 leaves a deleted `Map` entry as a hole that every iteration
 * from the front walks over until the table is rebuilt, so finding the
 * oldest entry of a full map through `keys().next()` cost up to ~200 µs
 * (issue #13: it was most of the local conversation-log consumer's CPU). The one bounded store of the platform: the handlers'
 * dedupe sets and aggregates, the in-process metric series.
 *
 * @example
 * ```ts
 * const seen = new BoundedMap<string, true>({ maxEntries: 100_000, maxAgeMs: 3_600_000 });
 * if (seen.addIfAbsent(event.id, true)) count(event);
 * ```
 */
export class BoundedMap<K, V> {
  readonly #slots = new Map<K, Slot<K, V>>();
  readonly #maxEntries: number;
  readonly #maxAgeMs: number;
  readonly #now: () => number;
  /** The least and the most recently used entries. */
  #oldest: Slot<K, V> | undefined;
  #newest: Slot<K, V> | undefined;
  #evicted = 0;

  public constructor(options: BoundedMapOptions) {
    if (!(options.maxEntries >= 1)) throw new RangeError('maxEntries must be at least 1');
    this.#maxEntries = options.maxEntries;
    this.#maxAgeMs = options.maxAgeMs ?? Number.POSITIVE_INFINITY;
    this.#now = options.now ?? Date.now;
  }

  /** The number of entries held (expired ones may count until touched or pruned). */
  public get size(): number {
    return this.#slots.size;
  }

  /** How many entries were evicted or expired so far. */
  public get evicted(): number {
    return this.#evicted;
  }

  /**
   * The value of a live entry (and marks it recently used), or undefined.
   *
   * @example
   * ```ts
   * map.get('c1')?.entries.length;
   * ```
   */
  public get(key: K): V | undefined {
    const slot = this.#slots.get(key);
    if (slot === undefined) return undefined;
    const now = this.#now();
    if (now - slot.touchedAt > this.#maxAgeMs) {
      this.#remove(slot);
      this.#evicted += 1;
      return undefined;
    }
    slot.touchedAt = now;
    this.#unlink(slot);
    this.#link(slot);
    return slot.value;
  }

  /**
   * Whether a live entry exists (does not mark it used).
   *
   * @example
   * ```ts
   * if (seen.has(id)) return;
   * ```
   */
  public has(key: K): boolean {
    const slot = this.#slots.get(key);
    return slot !== undefined && this.#now() - slot.touchedAt <= this.#maxAgeMs;
  }

  /**
   * Sets a value (the entry becomes the most recently used), evicting the
   * least recently used entry beyond `maxEntries` and expired ones at the old end.
   *
   * @example
   * ```ts
   * map.set('c1', log);
   * ```
   */
  public set(key: K, value: V): this {
    const now = this.#now();
    const slot = this.#slots.get(key);
    if (slot === undefined) {
      const added: Slot<K, V> = { key, value, touchedAt: now, older: undefined, newer: undefined };
      this.#slots.set(key, added);
      this.#link(added);
    } else {
      slot.value = value;
      slot.touchedAt = now;
      this.#unlink(slot);
      this.#link(slot);
    }
    this.#prune(now);
    return this;
  }

  /**
   * Adds the entry when the key is absent (or expired): true if added.
   *
   * @example
   * ```ts
   * if (!seen.addIfAbsent(event.id, true)) return; // a redelivery
   * ```
   */
  public addIfAbsent(key: K, value: V): boolean {
    if (this.get(key) !== undefined) return false;
    this.set(key, value);
    return true;
  }

  /**
   * The value of a live key, or the one `create` makes (then stored).
   *
   * @example
   * ```ts
   * map.getOrCreate(model, () => ({ model, responses: 0 })).responses += 1;
   * ```
   */
  public getOrCreate(key: K, create: () => V): V {
    const found = this.get(key);
    if (found !== undefined) return found;
    const value = create();
    this.set(key, value);
    return value;
  }

  /**
   * The live entries, least recently used first.
   *
   * @example
   * ```ts
   * Object.fromEntries(map.entries());
   * ```
   */
  public entries(): [K, V][] {
    const now = this.#now();
    const out: [K, V][] = [];
    for (let slot = this.#oldest; slot !== undefined; slot = slot.newer)
      if (now - slot.touchedAt <= this.#maxAgeMs) out.push([slot.key, slot.value]);
    return out;
  }

  /**
   * The live values, least recently used first.
   *
   * @example
   * ```ts
   * map.values().map((u) => u.model);
   * ```
   */
  public values(): V[] {
    return this.entries().map(([, v]) => v);
  }

  /**
   * Forgets everything.
   *
   * @example
   * ```ts
   * map.clear();
   * ```
   */
  public clear(): void {
    this.#slots.clear();
    this.#oldest = undefined;
    this.#newest = undefined;
  }

  /** Drops entries beyond the size bound, then expired ones from the old end (amortised O(1)). */
  #prune(now: number): void {
    while (this.#slots.size > this.#maxEntries && this.#oldest !== undefined) {
      this.#remove(this.#oldest);
      this.#evicted += 1;
    }
    while (this.#oldest !== undefined && now - this.#oldest.touchedAt > this.#maxAgeMs) {
      this.#remove(this.#oldest);
      this.#evicted += 1;
    }
  }

  /** Makes `slot` the most recently used. */
  #link(slot: Slot<K, V>): void {
    slot.older = this.#newest;
    slot.newer = undefined;
    if (this.#newest === undefined) this.#oldest = slot;
    else this.#newest.newer = slot;
    this.#newest = slot;
  }

  #unlink(slot: Slot<K, V>): void {
    if (slot.older === undefined) this.#oldest = slot.newer;
    else slot.older.newer = slot.newer;
    if (slot.newer === undefined) this.#newest = slot.older;
    else slot.newer.older = slot.older;
    slot.older = undefined;
    slot.newer = undefined;
  }

  #remove(slot: Slot<K, V>): void {
    this.#unlink(slot);
    this.#slots.delete(slot.key);
  }
}
