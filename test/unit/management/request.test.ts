import { z } from 'zod';
import { matchRoute, parseJsonBody, parseQuery } from '../../../shared/management/request';
import { platform } from '../../../shared/platform';
import { managementEvent } from '../../integration/management/events';

const routes = platform.httpRoutes.filter((r) => r.function === 'management');

describe('management request parsing', () => {
  it('matches a route by the route key API Gateway sets, with its path parameters', () => {
    const event = managementEvent('topics-delete', { pathParameters: { name: 'orders.v2' } });
    const matched = matchRoute(routes, event);
    expect(matched?.routeKey).toBe('DELETE /api/v1/kafka/topics/{name}');
    expect(matched?.route.mutating).toBe(true);
    expect(matched?.pathParameters).toEqual({ name: 'orders.v2' });
  });

  it('matches a $default route by method and raw path, decoding parameters', () => {
    const event = managementEvent('reset-offset');
    event.routeKey = '$default';
    event.rawPath = '/api/v1/kafka/consumers/ai%2Eresponses/reset-offset';
    delete event.pathParameters;
    const matched = matchRoute(routes, event);
    expect(matched?.routeKey).toBe('POST /api/v1/kafka/consumers/{topic}/reset-offset');
    expect(matched?.pathParameters).toEqual({ topic: 'ai.responses' });
    event.requestContext.http.method = 'GET';
    expect(matchRoute(routes, event)).toBeUndefined();
  });

  const schema = z.strictObject({
    name: z.string().min(1),
    partitions: z.number().int().default(1),
  });

  it('parses a JSON body (plain or base64) and validates it', () => {
    expect(
      parseJsonBody(managementEvent('topics-create', { body: { name: 'x' } }), schema),
    ).toEqual({
      name: 'x',
      partitions: 1,
    });
    const encoded = managementEvent('topics-create', {
      rawBody: Buffer.from('{"name":"y"}').toString('base64'),
    });
    encoded.isBase64Encoded = true;
    expect(parseJsonBody(encoded, schema).name).toBe('y');
  });

  it('answers 400 for bad JSON, 415 for another media type, 422 naming the failing field', () => {
    const status = (fn: () => unknown): number => {
      try {
        fn();
        return 0;
      } catch (error) {
        return (error as { status: number }).status;
      }
    };
    expect(
      status(() => parseJsonBody(managementEvent('topics-create', { rawBody: '{' }), schema)),
    ).toBe(400);
    expect(
      status(() =>
        parseJsonBody(
          managementEvent('topics-create', {
            rawBody: 'name=x',
            headers: { 'content-type': 'text/plain' },
          }),
          schema,
        ),
      ),
    ).toBe(415);
    let issues: unknown;
    try {
      parseJsonBody(
        managementEvent('topics-create', { body: { name: '', partitions: 1.5 } }),
        schema,
      );
    } catch (error) {
      issues = (error as { status: number; issues: unknown }).issues;
    }
    expect(issues).toEqual([
      { path: 'name', message: expect.any(String) },
      { path: 'partitions', message: expect.any(String) },
    ]);
  });

  it('validates query parameters with 422 naming them', () => {
    const q = z.object({ force: z.enum(['true', 'false']).default('false') });
    expect(parseQuery(managementEvent('topics-delete'), q)).toEqual({ force: 'false' });
    expect(() =>
      parseQuery(managementEvent('topics-delete', { query: { force: 'y' } }), q),
    ).toThrow(
      expect.objectContaining({
        status: 422,
        issues: [expect.objectContaining({ path: 'query.force' })],
      }),
    );
  });
});
