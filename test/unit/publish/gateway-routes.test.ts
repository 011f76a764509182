import { fromHttpApiResult, toHttpApiEvent } from '../../../local/gateway/event';
import { routeMatcher } from '../../../shared/http/router';
import { loadGatewayConfig } from '../../../local/gateway/config';
import { ConfigError } from '../../../shared/errors';
import { platform } from '../../../shared/platform';

describe('local gateway route matching', () => {
  const match = routeMatcher(platform.httpRoutes);

  it('matches every route of the definition to its function', () => {
    for (const route of platform.httpRoutes) {
      const path = route.path.replace(/\{(\w+)\}/g, 'value-$1');
      expect(match(route.method, path)).toMatchObject({
        routeKey: `${route.method} ${route.path}`,
        route: { function: route.function },
      });
    }
  });

  it('extracts and decodes path parameters', () => {
    expect(match('DELETE', '/api/v1/kafka/topics/orders%2Ev2')).toMatchObject({
      routeKey: 'DELETE /api/v1/kafka/topics/{name}',
      pathParameters: { name: 'orders.v2' },
    });
    expect(match('DELETE', '/api/v1/kafka/topics/bad%zz')).toMatchObject({
      pathParameters: { name: 'bad%zz' },
    });
  });

  it('prefers the exact route over a parameterised one', () => {
    expect(match('GET', '/api/v1/kafka/topics')).toMatchObject({
      routeKey: 'GET /api/v1/kafka/topics',
    });
  });

  it('answers 404 for an unknown path and 405 with the allowed methods for a known one', () => {
    expect(match('GET', '/api/v1/kafka/unknown')).toEqual({ status: 404, allowed: [] });
    expect(match('GET', '/api/v1/kafka/events/generic')).toEqual({
      status: 405,
      allowed: ['POST'],
    });
    expect(match('PUT', '/api/v1/kafka/topics')).toMatchObject({
      status: 405,
      allowed: expect.arrayContaining(['GET', 'POST']),
    });
  });
});

describe('payload 2.0 events and results', () => {
  it('joins repeated headers and query values with commas, as API Gateway does', () => {
    const event = toHttpApiEvent({
      method: 'post',
      url: '/api/v1/kafka/events/generic?a=1&a=2',
      routeKey: 'POST /api/v1/kafka/events/generic',
      headers: { 'X-Multi': ['1', '2'], 'Content-Type': 'application/json', Cookie: 'a=1; b=2' },
      body: Buffer.from('{"x":1}'),
      requestId: 'req-1',
      now: new Date('2026-11-27T02:49:12Z'),
    });
    expect(event).toMatchObject({
      version: '2.0',
      headers: { 'x-multi': '1,2', 'content-type': 'application/json' },
      queryStringParameters: { a: '1,2' },
      cookies: ['a=1', 'b=2'],
      body: '{"x":1}',
      isBase64Encoded: false,
      requestContext: {
        requestId: 'req-1',
        time: '27/Nov/2026:02:49:12 +0000',
        http: { method: 'POST' },
      },
    });
    expect(event.headers).not.toHaveProperty('cookie');
  });

  it('base64-encodes non-text bodies and leaves an empty body out', () => {
    const binary = toHttpApiEvent({
      method: 'POST',
      url: '/x',
      routeKey: 'POST /x',
      headers: { 'content-type': 'image/png' },
      body: Buffer.from([1, 2, 3]),
    });
    expect(binary).toMatchObject({ body: 'AQID', isBase64Encoded: true });
    const empty = toHttpApiEvent({
      method: 'GET',
      url: '/x',
      routeKey: 'GET /x',
      headers: {},
      body: Buffer.alloc(0),
    });
    expect(empty.body).toBeUndefined();
    expect(empty.isBase64Encoded).toBe(false);
  });

  it('maps structured, base64 and plain results', () => {
    expect(
      fromHttpApiResult({ statusCode: 201, headers: { 'X-A': 'b' }, body: 'hi' }),
    ).toMatchObject({
      statusCode: 201,
      headers: { 'x-a': 'b' },
      body: Buffer.from('hi'),
    });
    expect(
      fromHttpApiResult({ statusCode: 200, isBase64Encoded: true, body: 'AQID' }).body,
    ).toEqual(Buffer.from([1, 2, 3]));
    expect(fromHttpApiResult('text')).toMatchObject({ statusCode: 200, body: Buffer.from('text') });
    expect(fromHttpApiResult(undefined)).toMatchObject({
      statusCode: 200,
      body: Buffer.from('null'),
    });
  });

  it('reads its port from XSEVEN_API_PORT, 8000 by default, rejecting bad values', () => {
    expect(loadGatewayConfig({})).toMatchObject({ port: 8000, host: '127.0.0.1' });
    expect(
      loadGatewayConfig({ XSEVEN_API_PORT: '8001', XSEVEN_API_HOST: '0.0.0.0' }),
    ).toMatchObject({ port: 8001, host: '0.0.0.0' });
    expect(() => loadGatewayConfig({ XSEVEN_API_PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadGatewayConfig({ XSEVEN_API_PORT: '70000' })).toThrow(/XSEVEN_API_PORT/);
  });

  it('reads its timeouts and connection limit, with defaults, refusing a headers timeout above the request timeout', () => {
    expect(loadGatewayConfig({}).limits).toEqual({
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5_000,
      maxConnections: 1_024,
    });
    expect(
      loadGatewayConfig({
        XSEVEN_API_HEADERS_TIMEOUT_MS: '2000',
        XSEVEN_API_REQUEST_TIMEOUT_MS: '4000',
        XSEVEN_API_KEEP_ALIVE_TIMEOUT_MS: '0',
        XSEVEN_API_MAX_CONNECTIONS: '16',
      }).limits,
    ).toEqual({
      headersTimeoutMs: 2_000,
      requestTimeoutMs: 4_000,
      keepAliveTimeoutMs: 0,
      maxConnections: 16,
    });
    expect(() => loadGatewayConfig({ XSEVEN_API_HEADERS_TIMEOUT_MS: '40000' })).toThrow(
      /XSEVEN_API_HEADERS_TIMEOUT_MS/,
    );
    expect(() => loadGatewayConfig({ XSEVEN_API_MAX_CONNECTIONS: '0' })).toThrow(
      /XSEVEN_API_MAX_CONNECTIONS/,
    );
  });
});
