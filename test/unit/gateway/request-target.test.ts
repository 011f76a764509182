import fc from 'fast-check';
import { requestTarget } from '../../../local/gateway/event';

/** Request targets as node:http gives them: a `/`, then anything URL parsing treats specially, often. */
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
  it('are what WHATWG URL parsing gives, whether parsed or taken as they are', () => {
    fc.assert(
      fc.property(target, (raw) => {
        let url: URL;
        try {
          url = new URL(raw, 'http://localhost');
        } catch {
          // `//x` is a target URL parsing refuses (no host): refused alike.
          expect(() => requestTarget(raw)).toThrow('Invalid URL');
          return;
        }
        const got = requestTarget(raw);
        expect(got.path).toBe(url.pathname);
        expect(got.rawQuery).toBe(url.search.replace(/^\?/, ''));
        expect([...(got.query ?? [])]).toEqual([...url.searchParams]);
      }),
      { numRuns: 3000 },
    );
  });

  it('takes a plain path as it is, and parses dot segments, empty segments and queries', () => {
    expect(requestTarget('/api/v1/kafka/events/conversation')).toEqual({
      path: '/api/v1/kafka/events/conversation',
      rawQuery: '',
      query: undefined,
    });
    expect(requestTarget('/api/v1/../v2/./x').path).toBe('/api/v2/x');
    expect(requestTarget('/a?limit=5&limit=6').rawQuery).toBe('limit=5&limit=6');
    expect(requestTarget('/a%2e/b').path).toBe('/a%2e/b');
  });
});
