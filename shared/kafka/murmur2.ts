/**
 * Kafka's murmur2 hash of a record key (the Java client's `Utils.murmur2`,
 * which places keyed records), in 32-bit integer arithmetic. kafkajs ports
 * it with 64-bit `Long` objects and a `Buffer` per key; only the low 32 bits
 * of those products and xors ever reach the result, so `Math.imul` gives
 * the same value without allocating (a unit test compares the two over
 * random keys). It runs for every record the producer places.
 */

const SEED = 0x9747b28c;
const M = 0x5bd1e995;

/** The hash of `length` bytes read by `byteAt`. */
const hash = (length: number, byteAt: (index: number) => number): number => {
  let h = SEED ^ length;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = byteAt(i) | (byteAt(i + 1) << 8) | (byteAt(i + 2) << 16) | (byteAt(i + 3) << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  // The last one to three bytes (the Java code's switch falls through).
  const tail = length & 3;
  if (tail > 0) {
    if (tail === 3) h ^= byteAt(whole + 2) << 16;
    if (tail >= 2) h ^= byteAt(whole + 1) << 8;
    h ^= byteAt(whole);
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
};

const isAscii = (text: string): boolean => {
  for (let i = 0; i < text.length; i += 1) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
};

/**
 * murmur2 of a key's UTF-8 bytes, a signed 32-bit integer (kafkajs'
 * `murmur2` exactly).
 *
 * @example
 * ```ts
 * const partition = (murmur2('conv_123') & 0x7fffffff) % partitionCount;
 * ```
 */
export const murmur2 = (key: string | Uint8Array): number => {
  if (typeof key !== 'string') return hash(key.length, (i) => key[i] ?? 0);
  // An ASCII string's characters are its UTF-8 bytes: no Buffer needed.
  if (isAscii(key)) return hash(key.length, (i) => key.charCodeAt(i));
  const bytes = Buffer.from(key);
  return hash(bytes.length, (i) => bytes[i] ?? 0);
};
