import fc from 'fast-check';
import { requestTarget } from '../../../local/gateway/event';

/** Origin-form request targets as node:http gives them: a `/`, then what URL parsing treats specially, often. */
const target = fc
  .array(
    fc.constantFrom(
      '/',
      '/',
      '.',
      '..',
      'a',
      'Z',
      '0',
      '_',
      '-',
      '~',
      '%',
      '2e',
      '?',
      '#',
      '=',
      '&',
      ' ',
      'é',
      '\\',
    ),
    { maxLength: 12 },
  )
  .map((parts) => `/${parts.join('')}`);

describe('the path and query of a request target', () => {
  it("are what WHATWG URL parsing gives for the origin's own path, whether parsed or taken as they are", () => {
    fc.assert(
      fc.property(target, (raw) => {
        const url = new URL(`http://localhost${raw}`);
        const got = requestTarget(raw);
        expect(got.path).toBe(url.pathname);
        expect(got.rawQuery).toBe(url.search.replace(/^\?/, ''));
        expect([...(got.query ?? [])]).toEqual([...url.searchParams]);
        // A target not starting `//` or `/\` reads as it did as a URL reference.
        if (!/^\/[/\\]/.test(raw)) expect(got.path).toBe(new URL(raw, 'http://localhost').pathname);
      }),
      { numRuns: 3000 },
    );
  });

  it('takes a plain path as it is; parses dot segments, empty segments, queries and other forms', () => {
    expect(requestTarget('/api/v1/kafka/events/conversation')).toEqual({
      path: '/api/v1/kafka/events/conversation',
      rawQuery: '',
      query: undefined,
    });
    expect(requestTarget('/api/v1/../v2/./x').path).toBe('/api/v2/x');
    expect(requestTarget('/a?limit=5&limit=6').rawQuery).toBe('limit=5&limit=6');
    expect(requestTarget('/a%2e/b').path).toBe('/a%2e/b');
    // An empty first segment stays in the path (as a reference it would name a host).
    expect(requestTarget('//evil.example/x').path).toBe('//evil.example/x');
    expect(requestTarget('http://localhost:8000/api?x=1')).toMatchObject({
      path: '/api',
      rawQuery: 'x=1',
    });
    expect(requestTarget('*').path).toBe('/*');
    expect(() => requestTarget('http://[')).toThrow('Invalid URL');
  });
});
