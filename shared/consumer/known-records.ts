import type { DecodedRecord } from './msk-record';

/** A group of MSK records built by this process, with the bytes each was built from. */
interface KnownGroup {
  /** The group's record objects when built, by index. */
  readonly built: readonly object[];
  /** Their `value` and `key` strings and header lists when built (replaced fields are detected). */
  readonly values: readonly (string | undefined)[];
  readonly keys: readonly (string | undefined)[];
  readonly headers: readonly unknown[];
  readonly decoded: readonly DecodedRecord[];
}

/** The fields of an MSK record compared before its known bytes are used. */
interface RawFields {
  readonly key?: string | undefined;
  readonly value?: string | undefined;
  readonly headers?: unknown;
}

/**
 * Groups of MSK records built in this process from bytes it already holds
 * (the local ESM builds each event from the Kafka client's Buffers) carry
 * those bytes under this symbol: decoding them back from base64 and Java's
 * signed header byte arrays would only give the same bytes again. A
 * non-enumerable property of the group array: JSON, spreads and equality
 * checks do not see it, and it goes with the event (a WeakMap costs the
 * garbage collector more than the decoding it saves). In AWS nothing
 * carries it: every record is decoded.
 */
const KNOWN = Symbol('xseven.knownRecords');

/**
 * Remembers the decoded form of each record of a group of an MSK event built by this process.
 *
 * @example
 * ```ts
 * rememberDecoded(event.records['t-0'], decodedRecords);
 * ```
 */
export const rememberDecoded = (
  group: readonly (RawFields & object)[],
  decoded: readonly DecodedRecord[],
): void => {
  const values: (string | undefined)[] = new Array<string | undefined>(group.length);
  const keys: (string | undefined)[] = new Array<string | undefined>(group.length);
  const headers: unknown[] = new Array<unknown>(group.length);
  for (let i = 0; i < group.length; i += 1) {
    const raw = group[i] as RawFields;
    values[i] = raw.value;
    keys[i] = raw.key;
    headers[i] = raw.headers;
  }
  const entry: KnownGroup = { built: group.slice(), values, keys, headers, decoded };
  Object.defineProperty(group, KNOWN, { value: entry, enumerable: false });
};

/**
 * The decoded records of a remembered group: a lookup by index giving the
 * record's bytes when it is still the record built there, holding the same
 * key, value and header list (else `undefined`: decode it).
 *
 * @example
 * ```ts
 * const at = knownDecoded(records);
 * const decoded = at?.(i, records[i]) ?? decodeRecord(records[i]);
 * ```
 */
export const knownDecoded = (
  group: readonly unknown[],
): ((index: number, raw: unknown) => DecodedRecord | undefined) | undefined => {
  const entry = (group as { readonly [KNOWN]?: KnownGroup })[KNOWN];
  if (entry === undefined) return undefined;
  return (index, raw) => {
    if (entry.built[index] !== raw) return undefined;
    const now = raw as RawFields;
    return now.value === entry.values[index] &&
      now.key === entry.keys[index] &&
      now.headers === entry.headers[index]
      ? entry.decoded[index]
      : undefined;
  };
};
