import { jsonTextProblem } from '../../../shared/http/json-text';

describe('JSON text checks', () => {
  it('finds a key repeated in one object, at any depth, whatever its spelling', () => {
    expect(jsonTextProblem('{"a":1,"a":2}', 64)).toEqual({ kind: 'duplicate-key', key: 'a' });
    expect(jsonTextProblem('{"x":[{"b":1},{"c":{"d":1, "d" :2}}]}', 64)).toEqual({
      kind: 'duplicate-key',
      key: 'd',
    });
    expect(jsonTextProblem('{"a":1,"\\u0061":2}', 64)).toEqual({ kind: 'duplicate-key', key: 'a' });
  });

  it('accepts the same key in sibling objects, and keys as values', () => {
    expect(jsonTextProblem('[{"a":1},{"a":2}]', 64)).toBeUndefined();
    expect(jsonTextProblem('{"a":"a","b":{"a":"b"},"c":["a","a"]}', 64)).toBeUndefined();
    expect(jsonTextProblem('{"q":"say \\"a\\":1","a":2}', 64)).toBeUndefined();
    expect(jsonTextProblem('{"p":"C:\\\\","a":1}', 64)).toBeUndefined();
  });

  it('finds lone surrogates, accepts pairs', () => {
    expect(jsonTextProblem('{"a":"\\ud800"}', 64)).toEqual({ kind: 'lone-surrogate' });
    expect(jsonTextProblem('{"a":"x\\udc00y"}', 64)).toEqual({ kind: 'lone-surrogate' });
    expect(jsonTextProblem('{"a":"\\ud83d\\ude00"}', 64)).toBeUndefined();
    expect(jsonTextProblem('{"a":"😀"}', 64)).toBeUndefined();
  });

  it('finds nesting deeper than the limit wherever it is, before any other problem', () => {
    const nested = (depth: number): string => `${'['.repeat(depth)}1${']'.repeat(depth)}`;
    expect(jsonTextProblem(nested(64), 64)).toBeUndefined();
    expect(jsonTextProblem(nested(65), 64)).toEqual({ kind: 'too-deep', limit: 64 });
    expect(jsonTextProblem(`{"a":{"b":${nested(63)}}}`, 64)).toEqual({
      kind: 'too-deep',
      limit: 64,
    });
    // A duplicate key or lone surrogate earlier in the text does not hide it.
    expect(jsonTextProblem(`{"a":1,"a":2,"b":${nested(70)}}`, 64)).toEqual({
      kind: 'too-deep',
      limit: 64,
    });
    expect(jsonTextProblem(`["\\ud800",${nested(70)}]`, 64)).toEqual({
      kind: 'too-deep',
      limit: 64,
    });
    expect(jsonTextProblem(`{"a":1,"a":2,"b":${nested(3)}}`, 64)).toEqual({
      kind: 'duplicate-key',
      key: 'a',
    });
  });

  it('tells keys from values after escapes anywhere in the text, in small and large objects', () => {
    // Escapes before, inside and after the duplicate keys: the backslash search must not skip one.
    expect(jsonTextProblem('{"x":"a\\"b","k":1,"y":"c\\\\","k":2}', 64)).toEqual({
      kind: 'duplicate-key',
      key: 'k',
    });
    expect(jsonTextProblem('{"v":"k","k":"v"}', 64)).toBeUndefined();
    const many = Array.from({ length: 40 }, (_, i) => `"k${i}":${i}`).join(',');
    expect(jsonTextProblem(`{${many}}`, 64)).toBeUndefined();
    expect(jsonTextProblem(`{${many},"k39":1}`, 64)).toEqual({ kind: 'duplicate-key', key: 'k39' });
    expect(jsonTextProblem(`{${many},"k3\\u0039":1}`, 64)).toEqual({
      kind: 'duplicate-key',
      key: 'k39',
    });
  });
});
