/**
 * What `JSON.parse` lets through and a JSON API must not: an object with
 * the same key twice (RFC 8259 leaves its meaning open; JSON.parse keeps
 * the last, another parser the first: a caller and a consumer would read
 * different events), and strings holding a lone UTF-16 surrogate (written
 * as a `\uD800` escape: no UTF-8 encoder can write it, so a record
 * carrying it cannot be read back as text).
 */
export type JsonTextProblem =
  | { readonly kind: 'duplicate-key'; readonly key: string }
  | { readonly kind: 'lone-surrogate' }
  | { readonly kind: 'too-deep'; readonly limit: number };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/** The end (index of the closing quote) of the string starting at `start` (its opening quote). */
const stringEnd = (text: string, start: number): number => {
  let end = text.indexOf('"', start + 1);
  // A quote preceded by an odd number of backslashes is escaped.
  for (;;) {
    let slashes = 0;
    while (text.charCodeAt(end - 1 - slashes) === BACKSLASH) slashes += 1;
    if (slashes % 2 === 0) return end;
    end = text.indexOf('"', end + 1);
  }
};

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const isSpace = (code: number): boolean =>
  code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;

/**
 * Finds a duplicate object key, a lone surrogate or nesting deeper than
 * `maxDepth` containers in a JSON text that `JSON.parse` accepted, in one
 * linear pass (strings are skipped with `indexOf`; only strings holding an
 * escape are decoded). Nesting too deep is reported before any other
 * problem, wherever it is.
 *
 * @example
 * ```ts
 * jsonTextProblem('{"a":1,"a":2}', 64); // { kind: 'duplicate-key', key: 'a' }
 * jsonTextProblem('{"a":"\\ud800"}', 64); // { kind: 'lone-surrogate' }
 * jsonTextProblem('[[1]]', 1); // { kind: 'too-deep', limit: 1 }
 * ```
 */
export const jsonTextProblem = (text: string, maxDepth: number): JsonTextProblem | undefined => {
  // One entry per open container: the keys seen for an object, null for an array.
  const open: (Set<string> | null)[] = [];
  const length = text.length;
  let found: JsonTextProblem | undefined;
  for (let i = 0; i < length; i += 1) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) {
      const end = stringEnd(text, i);
      if (found === undefined) {
        const raw = text.slice(i + 1, end);
        const escaped = raw.includes('\\');
        const value = escaped ? (JSON.parse(text.slice(i, end + 1)) as string) : raw;
        if (escaped && LONE_SURROGATE.test(value)) found = { kind: 'lone-surrogate' };
        const keys = open[open.length - 1];
        if (keys && found === undefined) {
          let next = end + 1;
          while (next < length && isSpace(text.charCodeAt(next))) next += 1;
          if (text.charCodeAt(next) === COLON) {
            if (keys.has(value)) found = { kind: 'duplicate-key', key: value };
            else keys.add(value);
          }
        }
      }
      i = end;
    } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      // Once a problem is found only the depth is still looked for: no more keys are kept.
      open.push(code === OPEN_BRACE && found === undefined ? new Set() : null);
      if (open.length > maxDepth) return { kind: 'too-deep', limit: maxDepth };
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) open.pop();
  }
  return found;
};
