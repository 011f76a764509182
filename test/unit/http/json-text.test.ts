import { jsonTextProblem } from '../../../shared/http/json-text';

describe('JSON text checks', () => {
  it('finds a key repeated in one object, at any depth, whatever its spelling', () => {
    expect(jsonTextProblem('{"a":1,"a":2}')).toEqual({ kind: 'duplicate-key', key: 'a' });
    expect(jsonTextProblem('{"x":[{"b":1},{"c":{"d":1, "d" :2}}]}')).toEqual({
      kind: 'duplicate-key',
      key: 'd',
    });
    expect(jsonTextProblem('{"a":1,"\\u0061":2}')).toEqual({ kind: 'duplicate-key', key: 'a' });
  });

  it('accepts the same key in sibling objects, and keys as values', () => {
    expect(jsonTextProblem('[{"a":1},{"a":2}]')).toBeUndefined();
    expect(jsonTextProblem('{"a":"a","b":{"a":"b"},"c":["a","a"]}')).toBeUndefined();
    expect(jsonTextProblem('{"q":"say \\"a\\":1","a":2}')).toBeUndefined();
    expect(jsonTextProblem('{"p":"C:\\\\","a":1}')).toBeUndefined();
  });

  it('finds lone surrogates, accepts pairs', () => {
    expect(jsonTextProblem('{"a":"\\ud800"}')).toEqual({ kind: 'lone-surrogate' });
    expect(jsonTextProblem('{"a":"x\\udc00y"}')).toEqual({ kind: 'lone-surrogate' });
    expect(jsonTextProblem('{"a":"\\ud83d\\ude00"}')).toBeUndefined();
    expect(jsonTextProblem('{"a":"😀"}')).toBeUndefined();
  });
});
