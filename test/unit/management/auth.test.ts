import { Logger } from '@aws-lambda-powertools/logger';
import { Kafka, logLevel } from 'kafkajs';
import { createManagementHandler } from '../../../shared/management/app';
import { platform, RouteAuth } from '../../../shared/platform';
import { authorizers } from '../../support/authorizers';
import { bodyOf, lambdaContext, managementEvent } from '../../integration/management/events';
import type { ManagementFixture } from '../../integration/management/events';

const silent = new Logger({ serviceName: 'management-test', logLevel: 'SILENT' });

/** Every management route of the definition that this handler serves, with its fixture. */
const FIXTURES: Readonly<Record<string, ManagementFixture>> = {
  'GET /api/v1/kafka/health': 'health',
  'GET /api/v1/kafka/status': 'status',
  'GET /api/v1/kafka/metrics': 'metrics',
  'GET /api/v1/kafka/topics': 'topics-list',
  'POST /api/v1/kafka/topics': 'topics-create',
  'GET /api/v1/kafka/topics/{name}': 'topic-get',
  'PATCH /api/v1/kafka/topics/{name}': 'topic-patch',
  'GET /api/v1/kafka/topics/{name}/messages': 'topic-messages',
  'DELETE /api/v1/kafka/topics/{name}': 'topics-delete',
  'GET /api/v1/kafka/consumers': 'consumers',
  'POST /api/v1/kafka/consumers/{topic}/reset-offset': 'reset-offset',
  'GET /api/v1/kafka/alerts': 'alerts',
  'GET /api/v1/kafka/prometheus-metrics': 'prometheus-metrics',
  'GET /api/v1/kafka/dead-letter-queue/stats': 'dlq-stats',
  'POST /api/v1/kafka/dead-letter-queue/retry': 'dlq-retry',
  'GET /api/v1/kafka/schemas': 'schemas-list',
  'GET /api/v1/kafka/schemas/{event_type}/versions/{n}': 'schema-document',
};

// No broker is needed: authorization runs before any Kafka call. Port 1 refuses at once.
const unreachable = { KAFKA_BOOTSTRAP_SERVERS: '127.0.0.1:1' };

/** The routes that need a principal: all but the open ones (`auth: 'none'`, liveness). */
const OPEN = new Set(
  platform.httpRoutes.filter((r) => r.auth === RouteAuth.None).map((r) => `${r.method} ${r.path}`),
);
const GUARDED = Object.entries(FIXTURES)
  .filter(([route]) => !OPEN.has(route))
  .map(([, fixture]) => fixture);

describe('management auth', () => {
  it('has a fixture for every management route of the definition', () => {
    const routes = platform.httpRoutes
      .filter((r) => r.function === 'management')
      .map((r) => `${r.method} ${r.path}`);
    expect(Object.keys(FIXTURES).sort()).toEqual(routes.sort());
  });

  it('answers 401 problem+json on every guarded management route without a principal ({"lambda": null} too)', async () => {
    const { handler, close } = createManagementHandler({ env: unreachable, logger: silent });
    expect(GUARDED).toHaveLength(Object.keys(FIXTURES).length - 1);
    for (const authorizer of [undefined, { lambda: null }, {}])
      for (const fixture of GUARDED) {
        const result = await handler(
          managementEvent(fixture, authorizer === undefined ? {} : { authorizer }),
          lambdaContext(),
        );
        expect({ fixture, authorizer, status: result.statusCode }).toEqual({
          fixture,
          authorizer,
          status: 401,
        });
        expect(result.headers?.['content-type']).toBe('application/problem+json');
        expect(result.headers?.['www-authenticate']).toBe('Bearer');
        expect(bodyOf<{ code: string }>(result).code).toBe('UNAUTHORIZED');
      }
    await close();
  });

  it('answers liveness to anyone: no principal, a publish-only JWT or IAM principal', async () => {
    const { handler, close } = createManagementHandler({ env: unreachable, logger: silent });
    for (const authorizer of [
      undefined,
      { lambda: null },
      authorizers.publisherJwt,
      authorizers.operatorIam,
    ]) {
      const result = await handler(
        managementEvent('health', authorizer === undefined ? {} : { authorizer }),
        lambdaContext(),
      );
      expect({ authorizer, status: result.statusCode, body: bodyOf(result) }).toEqual({
        authorizer,
        status: 200,
        body: { status: 'ok' },
      });
    }
    await close();
  });

  it('answers 403 problem+json on every guarded management route to a publish-only JWT, and on operate routes to a reader', async () => {
    const { handler, close } = createManagementHandler({ env: unreachable, logger: silent });
    for (const fixture of GUARDED) {
      const result = await handler(
        managementEvent(fixture, { authorizer: authorizers.publisherJwt }),
        lambdaContext(),
      );
      expect({ fixture, status: result.statusCode }).toEqual({ fixture, status: 403 });
      expect(result.headers?.['content-type']).toBe('application/problem+json');
      expect(bodyOf<{ code: string }>(result).code).toBe('FORBIDDEN');
    }
    const reader = { jwt: { claims: { sub: 'r' }, scopes: [platform.access.scopes.read] } };
    for (const fixture of ['topics-create', 'topics-delete', 'reset-offset', 'dlq-retry'] as const)
      expect(
        (await handler(managementEvent(fixture, { authorizer: reader }), lambdaContext()))
          .statusCode,
      ).toBe(403);
    // The fixture captured with a JWT of other scopes than the definition's.
    expect(
      (await handler(managementEvent('aws-jwt-authorized-topics-create'), lambdaContext()))
        .statusCode,
    ).toBe(403);
    await close();
  });

  it('answers 404 problem+json for a route it does not serve', async () => {
    const { handler, close } = createManagementHandler({ env: unreachable, logger: silent });
    const event = managementEvent('status', { authorizer: authorizers.operatorIam });
    event.routeKey = '$default';
    event.rawPath = '/api/v1/kafka/nothing-here';
    event.requestContext.http.path = event.rawPath;
    const result = await handler(event, lambdaContext());
    expect(result.statusCode).toBe(404);
    expect(result.headers?.['content-type']).toBe('application/problem+json');
    await close();
  });
});

describe('management errors when Kafka is unreachable', () => {
  it('answers 503 problem+json with Retry-After, never a 500, when the broker refuses connections', async () => {
    const kafka = new Kafka({
      clientId: 'unreachable',
      brokers: ['127.0.0.1:1'],
      connectionTimeout: 200,
      retry: { retries: 0 },
      logLevel: logLevel.NOTHING,
    });
    const { handler, close } = createManagementHandler({
      env: {},
      kafka,
      logger: silent,
    });
    for (const fixture of ['topics-list', 'consumers', 'topics-create', 'alerts'] as const) {
      const result = await handler(
        managementEvent(fixture, { authorizer: authorizers.operatorJwt }),
        lambdaContext(),
      );
      expect({ fixture, status: result.statusCode }).toEqual({ fixture, status: 503 });
      expect(result.headers?.['content-type']).toBe('application/problem+json');
      expect(result.headers?.['retry-after']).toBe('5');
    }
    await close();
  });
});
