import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { managementRequestBodies } from '../../../shared/management/request-schemas';
import { managementRoutes } from '../../../shared/management/routes';

describe('management request schemas', () => {
  it('name a body for each mutating POST route the table serves', () => {
    for (const key of Object.keys(managementRequestBodies))
      expect(managementRoutes).toHaveProperty([key]);
  });

  it('render as OpenAPI 3.1 components', () => {
    const registry = new OpenAPIRegistry();
    for (const [key, body] of Object.entries(managementRequestBodies))
      registry.registerPath({
        method: 'post',
        path: `/api/v1/kafka${key.slice('POST '.length)}`,
        request: {
          body: {
            content: { 'application/json': { schema: body.schema.meta({ id: body.name }) } },
          },
        },
        responses: { 200: { description: 'OK' } },
      });
    const doc = new OpenApiGeneratorV31(registry.definitions).generateDocument({
      openapi: '3.1.0',
      info: { title: 't', version: '1' },
    });
    const schemas = doc.components?.schemas ?? {};
    expect(Object.keys(schemas).sort()).toEqual([
      'CreateTopicRequest',
      'ManualRetryRequest',
      'ResetOffsetRequest',
    ]);
    expect(JSON.stringify(schemas.CreateTopicRequest)).toContain('replication_factor');
    expect(JSON.stringify(schemas.CreateTopicRequest)).not.toContain('replicationFactor');
    expect(JSON.stringify(schemas.ResetOffsetRequest)).toContain('timestamp');
  });

  it('accept the documented examples and refuse bad ones', () => {
    const reset = managementRequestBodies['POST /consumers/{topic}/reset-offset'].schema;
    expect(reset.parse({ group: 'g', to: 'timestamp', timestamp: '2026-11-27T00:00:00Z' })).toEqual(
      {
        group: 'g',
        to: 'timestamp',
        timestamp: Date.parse('2026-11-27T00:00:00Z'),
      },
    );
    expect(reset.safeParse({ group: 'g', to: 'earliest', partitions: [0, 0] }).success).toBe(false);
    const create = managementRequestBodies['POST /topics'].schema;
    expect(create.parse({ name: 'a.b-c_d', configs: { 'retention.ms': 5 } }).configs).toEqual({
      'retention.ms': '5',
    });
    for (const name of ['.', '..', '__internal', 'a b', 'x'.repeat(250), ''])
      expect([name, create.safeParse({ name }).success]).toEqual([name, false]);
    expect(create.safeParse({ name: 'x'.repeat(249) }).success).toBe(true);
  });
});
