import { buildOpenApiDocument } from '../../../functions/publish/openapi';
import { platform } from '../../../shared/platform';

describe('OpenAPI document', () => {
  const doc = buildOpenApiDocument(platform);

  it('lists every route of the definition', () => {
    for (const route of platform.httpRoutes)
      expect(doc.paths?.[route.path]).toHaveProperty(route.method.toLowerCase());
  });

  it('documents the management request bodies from the schemas their handler validates with', () => {
    expect(Object.keys(doc.components?.schemas ?? {})).toEqual(
      expect.arrayContaining(['CreateTopicRequest', 'ResetOffsetRequest', 'ManualRetryRequest']),
    );
    const retry = doc.paths?.['/api/v1/kafka/dead-letter-queue/retry']?.post;
    expect(JSON.stringify(retry?.requestBody)).toContain('#/components/schemas/ManualRetryRequest');
    expect(retry?.responses?.['200']).toEqual({ description: 'OK' });
  });

  it('names every operation uniquely, declares how callers authenticate, and documents every status', () => {
    const operations = platform.httpRoutes.map(
      (r) => doc.paths?.[r.path]?.[r.method.toLowerCase() as 'get' | 'post' | 'delete'],
    );
    const ids = operations.map((o) => o?.operationId);
    expect(new Set(ids).size).toBe(platform.httpRoutes.length);
    expect(ids).toContain('delete_topics_by_name');
    expect(Object.keys(doc.components?.securitySchemes ?? {}).sort()).toEqual([
      'bearer',
      'jwt',
      'sigv4',
    ]);
    expect(doc.security).toHaveLength(3);
    for (const o of operations)
      expect(Object.keys(o?.responses ?? {})).toEqual(
        expect.arrayContaining(['200', '401', '404', '405', '503']),
      );
    const create = doc.paths?.['/api/v1/kafka/topics']?.post;
    expect(Object.keys(create?.responses ?? {})).toEqual(
      expect.arrayContaining(['201', '202', '409', '422']),
    );
    const remove = doc.paths?.['/api/v1/kafka/topics/{name}']?.delete;
    expect(JSON.stringify(remove?.parameters)).toContain('"force"');
  });
});
