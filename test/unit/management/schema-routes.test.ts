import { Logger } from '@aws-lambda-powertools/logger';
import { createManagementHandler } from '../../../shared/management/app';
import { getSchemaDocument, listSchemas } from '../../../shared/events';
import { authorizers } from '../../support/authorizers';
import { bodyOf, lambdaContext, managementEvent } from '../../integration/management/events';

// No broker: the schema routes never touch Kafka (port 1 refuses at once).
const handlerOf = () =>
  createManagementHandler({
    env: { KAFKA_BOOTSTRAP_SERVERS: '127.0.0.1:1' },
    logger: new Logger({ serviceName: 'management-test', logLevel: 'SILENT' }),
  });

describe('GET /schemas and GET /schemas/{event_type}/versions/{n}', () => {
  const { handler, close } = handlerOf();
  afterAll(() => close());
  const reader = { jwt: { claims: { sub: 'consumer-team' }, scopes: ['xseven-events/read'] } };

  it('lists every version to a reader', async () => {
    const result = await handler(
      managementEvent('schemas-list', { authorizer: reader }),
      lambdaContext(),
    );
    expect(result.statusCode).toBe(200);
    expect(bodyOf(result)).toEqual({ schemas: JSON.parse(JSON.stringify(listSchemas())) });
  });

  it('serves a version and `latest` as application/schema+json', async () => {
    for (const n of ['1.1', 'latest']) {
      const result = await handler(
        managementEvent('schema-document', {
          pathParameters: { event_type: 'user.action', n },
          authorizer: authorizers.operatorIam,
        }),
        lambdaContext(),
      );
      expect(result.statusCode).toBe(200);
      expect(result.headers?.['content-type']).toBe('application/schema+json');
      expect(bodyOf(result)).toEqual(getSchemaDocument('user.action', n));
    }
  });

  it('answers 404 problem+json for an unknown type, label or version', async () => {
    for (const [eventType, n] of [
      ['no.such.type', '1.1'],
      ['user.action', '7.1'],
      ['user.action', 'one'],
    ] as const) {
      const result = await handler(
        managementEvent('schema-document', {
          pathParameters: { event_type: eventType, n },
          authorizer: reader,
        }),
        lambdaContext(),
      );
      expect({ eventType, n, status: result.statusCode }).toEqual({ eventType, n, status: 404 });
      expect(result.headers?.['content-type']).toBe('application/problem+json');
    }
  });

  it('is a read route: a publish-only principal is refused (403)', async () => {
    const result = await handler(
      managementEvent('schemas-list', { authorizer: authorizers.publisherJwt }),
      lambdaContext(),
    );
    expect(result.statusCode).toBe(403);
  });
});
