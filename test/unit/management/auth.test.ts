import { Logger } from '@aws-lambda-powertools/logger';
import { Kafka, logLevel } from 'kafkajs';
import { authorizeRequest } from '../../../shared/management/auth';
import { createManagementHandler } from '../../../shared/management/app';
import { platform } from '../../../shared/platform';
import { bodyOf, lambdaContext, managementEvent } from '../../integration/management/events';
import type { ManagementFixture } from '../../integration/management/events';

const TOKEN = 'unit-test-token-0123456789';
const silent = new Logger({ serviceName: 'management-test', logLevel: 'SILENT' });

/** Every management route of the definition that this handler serves, with its fixture. */
const FIXTURES: Readonly<Record<string, ManagementFixture>> = {
  'GET /api/v1/kafka/health': 'health',
  'GET /api/v1/kafka/status': 'status',
  'GET /api/v1/kafka/metrics': 'metrics',
  'GET /api/v1/kafka/topics': 'topics-list',
  'POST /api/v1/kafka/topics': 'topics-create',
  'DELETE /api/v1/kafka/topics/{name}': 'topics-delete',
  'GET /api/v1/kafka/consumers': 'consumers',
  'POST /api/v1/kafka/consumers/{topic}/reset-offset': 'reset-offset',
  'GET /api/v1/kafka/alerts': 'alerts',
  'GET /api/v1/kafka/prometheus-metrics': 'prometheus-metrics',
  'GET /api/v1/kafka/dead-letter-queue/stats': 'dlq-stats',
  'POST /api/v1/kafka/dead-letter-queue/retry': 'dlq-retry',
};

// No broker is needed: authorization runs before any Kafka call. Port 1 refuses at once.
const unreachable = { KAFKA_BOOTSTRAP_SERVERS: '127.0.0.1:1' };

describe('management auth', () => {
  it('has a fixture for every management route of the definition', () => {
    const routes = platform.httpRoutes
      .filter((r) => r.function === 'management')
      .map((r) => `${r.method} ${r.path}`);
    expect(Object.keys(FIXTURES).sort()).toEqual(routes.sort());
  });

  it('answers 401 problem+json on every management route without a token when one is configured', async () => {
    const { handler, close } = createManagementHandler({
      env: { ...unreachable, XSEVEN_API_TOKEN: TOKEN },
      logger: silent,
    });
    for (const fixture of Object.values(FIXTURES)) {
      const result = await handler(managementEvent(fixture), lambdaContext());
      expect({ fixture, status: result.statusCode }).toEqual({ fixture, status: 401 });
      expect(result.headers?.['content-type']).toBe('application/problem+json');
      expect(result.headers?.['www-authenticate']).toBe('Bearer');
      expect(bodyOf<{ code: string }>(result).code).toBe('UNAUTHORIZED');
    }
    await close();
  });

  it('answers 401 with a wrong token, whatever its length', async () => {
    const { handler, close } = createManagementHandler({
      env: { ...unreachable, XSEVEN_API_TOKEN: TOKEN },
      logger: silent,
    });
    for (const token of ['nope', `${TOKEN}x`, TOKEN.toUpperCase()]) {
      const result = await handler(
        managementEvent('status', { headers: { authorization: `Bearer ${token}` } }),
        lambdaContext(),
      );
      expect(result.statusCode).toBe(401);
    }
    await close();
  });

  it('lets the right token through (case-insensitive header and scheme)', () => {
    const config = { apiToken: TOKEN, allowUnauthenticatedMutations: false, inAws: false };
    const event = managementEvent('topics-create', {
      headers: { Authorization: `bearer ${TOKEN}` },
    });
    expect(authorizeRequest(event, config, true)).toBe('bearer-token');
  });

  it('without a configured token, leaves read-only routes open and refuses mutating ones locally', async () => {
    const config = { allowUnauthenticatedMutations: false, inAws: false };
    expect(authorizeRequest(managementEvent('status'), config, false)).toBe('open');
    expect(() => authorizeRequest(managementEvent('topics-create'), config, true)).toThrow(
      /XSEVEN_API_TOKEN/,
    );
    const { handler, close } = createManagementHandler({ env: unreachable, logger: silent });
    for (const fixture of ['topics-create', 'topics-delete', 'reset-offset', 'dlq-retry'] as const)
      expect((await handler(managementEvent(fixture), lambdaContext())).statusCode).toBe(401);
    await close();
  });

  it('lets mutating routes run without a token only when the developer turns that on explicitly', () => {
    const config = { allowUnauthenticatedMutations: true, inAws: false };
    expect(authorizeRequest(managementEvent('topics-delete'), config, true)).toBe('open');
  });

  it('in AWS, trusts the HTTP API authorizer and refuses a request that did not go through one', () => {
    const aws = { allowUnauthenticatedMutations: false, inAws: true };
    const authorized = managementEvent('aws-jwt-authorized-topics-create');
    expect(authorizeRequest(authorized, aws, true)).toBe('authorizer');
    expect(() => authorizeRequest(managementEvent('status'), aws, false)).toThrow(/authorizer/);
    // Even mutations explicitly allowed locally are not open in AWS.
    expect(() =>
      authorizeRequest(
        managementEvent('status'),
        { ...aws, allowUnauthenticatedMutations: true },
        false,
      ),
    ).toThrow();
  });

  it('never trusts a request context authorizer locally', () => {
    const local = { apiToken: TOKEN, allowUnauthenticatedMutations: false, inAws: false };
    expect(() =>
      authorizeRequest(managementEvent('aws-jwt-authorized-topics-create'), local, true),
    ).toThrow(/bearer token/);
  });

  it('answers 404 problem+json for a route it does not serve', async () => {
    const { handler, close } = createManagementHandler({
      env: { ...unreachable, XSEVEN_ALLOW_UNAUTHENTICATED_MUTATIONS: '1' },
      logger: silent,
    });
    const event = managementEvent('status');
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
      env: { XSEVEN_ALLOW_UNAUTHENTICATED_MUTATIONS: '1' },
      kafka,
      logger: silent,
    });
    for (const fixture of ['topics-list', 'consumers', 'topics-create', 'alerts'] as const) {
      const result = await handler(managementEvent(fixture), lambdaContext());
      expect({ fixture, status: result.statusCode }).toEqual({ fixture, status: 503 });
      expect(result.headers?.['content-type']).toBe('application/problem+json');
      expect(result.headers?.['retry-after']).toBe('5');
    }
    await close();
  });
});
