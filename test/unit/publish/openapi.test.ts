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
});
