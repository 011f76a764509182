import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createHttpHandler } from '../../../shared/http/handler';
import type { HttpRouteHandler } from '../../../shared/http/handler';
import { jsonResponse } from '../../../shared/http/problem';
import { requestRouter } from '../../../shared/http/router';
import { platform } from '../../../shared/platform';
import { lambdaContext } from '../../integration/management/events';
import { authorizers } from '../../support/authorizers';

const silent = new Logger({ serviceName: 'http-test', logLevel: 'SILENT' });
const base = platform.apiBasePath;

/** A payload-2.0 event as API Gateway sends it (routeKey '$default' when no route matched). */
const event = (
  method: string,
  path: string,
  options: {
    routeKey?: string;
    body?: string;
    headers?: Record<string, string>;
    authorizer?: unknown;
  } = {},
): APIGatewayProxyEventV2 =>
  ({
    version: '2.0',
    routeKey: options.routeKey ?? '$default',
    rawPath: path,
    rawQueryString: '',
    headers: options.headers ?? {},
    requestContext: {
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      requestId: 'r1',
      authorizer: options.authorizer ?? authorizers.operatorJwt,
    },
    isBase64Encoded: false,
    ...(options.body === undefined ? {} : { body: options.body }),
  }) as unknown as APIGatewayProxyEventV2;

const echo: HttpRouteHandler = (e, route) =>
  Promise.resolve(
    jsonResponse(200, { route: route.routeKey, params: route.pathParameters, body: e.jsonBody }),
  );

const build = () =>
  createHttpHandler({
    fn: 'management',
    platform: () => platform,
    table: {
      'POST /topics': echo,
      'DELETE /topics/{name}': echo,
      'GET /health': echo,
    },
    maxBodyBytes: () => 16,
    logger: silent,
  });

const call = async (
  handler: ReturnType<typeof build>,
  e: APIGatewayProxyEventV2,
): Promise<{ status: number; headers: Record<string, unknown>; body: Record<string, unknown> }> => {
  const result = (await handler(e, lambdaContext())) as APIGatewayProxyStructuredResultV2;
  return {
    status: result.statusCode ?? 0,
    headers: result.headers ?? {},
    body: JSON.parse(result.body ?? 'null') as Record<string, unknown>,
  };
};

describe('the HTTP layer (one router, one body parser, one middleware order)', () => {
  it('routes by the route key API Gateway sets and by method and path on $default', async () => {
    const handler = build();
    const keyed = await call(
      handler,
      event('DELETE', `${base}/topics/a.b`, {
        routeKey: `DELETE ${base}/topics/{name}`,
      }),
    );
    expect(keyed.body).toMatchObject({ route: `DELETE ${base}/topics/{name}` });
    const byPath = await call(handler, event('DELETE', `${base}/topics/orders%2Ev2`));
    expect(byPath.body).toMatchObject({ params: { name: 'orders.v2' } });
  });

  it('answers problem+json 404 for an unknown path and 405 with Allow for another method', async () => {
    const handler = build();
    const notFound = await call(handler, event('GET', `${base}/nothing-here`));
    expect(notFound.status).toBe(404);
    expect(notFound.headers['content-type']).toBe('application/problem+json');
    expect(notFound.body).toMatchObject({ status: 404, code: 'NOT_FOUND' });

    const wrongMethod = await call(handler, event('PUT', `${base}/topics`));
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers['content-type']).toBe('application/problem+json');
    expect(String(wrongMethod.headers.allow).split(', ').sort()).toEqual(['GET', 'POST']);
    expect(wrongMethod.body).toMatchObject({ status: 405, code: 'METHOD_NOT_ALLOWED' });
  });

  it("never runs another function's route (API Gateway would not send it)", async () => {
    const result = await call(build(), event('POST', `${base}/events/generic`));
    expect(result.status).toBe(404);
  });

  it('parses JSON bodies: 400 malformed or missing, 415 other media types, 413 too large', async () => {
    const handler = build();
    const post = (body: string | undefined, type = 'application/json') =>
      call(
        handler,
        event('POST', `${base}/topics`, {
          ...(body === undefined ? {} : { body }),
          headers: { 'Content-Type': type },
        }),
      );
    expect((await post('{"name":"x"}')).body).toMatchObject({ body: { name: 'x' } });
    expect((await post('{"name"')).status).toBe(400);
    expect((await post(undefined)).status).toBe(400);
    expect((await post('name=x', 'application/x-www-form-urlencoded')).status).toBe(415);
    expect((await post(JSON.stringify({ name: 'x'.repeat(20) }))).status).toBe(413);
  });

  it('authorizes after routing and before the body is read', async () => {
    const handler = build();
    const post = (authorizer: unknown) =>
      call(
        handler,
        event('POST', `${base}/topics`, {
          body: '{',
          headers: { 'content-type': 'application/json' },
          authorizer,
        }),
      );
    // a publisher's JWT lacks the operate scope: 403 before the malformed body is read
    expect((await post(authorizers.publisherJwt)).status).toBe(403);
    expect((await post({})).status).toBe(401);
    expect((await post(authorizers.operatorJwt)).status).toBe(400);
    // unknown routes are answered before authorization
    expect((await call(handler, event('GET', `${base}/nope`, { authorizer: {} }))).status).toBe(
      404,
    );
  });

  it('resolves the same routes for both functions from the definition', () => {
    const publish = requestRouter(platform.httpRoutes, 'publish');
    expect(publish(event('POST', `${base}/events/batch`)).routeKey).toBe(
      `POST ${base}/events/batch`,
    );
    expect(() => publish(event('GET', `${base}/events/batch`))).toThrow(
      expect.objectContaining({ status: 405, headers: { allow: 'POST' } }),
    );
  });
});
