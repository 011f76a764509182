import { buildOpenApiDocument } from '../../../functions/publish/openapi';
import { publishContracts } from '../../../functions/publish/contracts';
import { managementContracts } from '../../../shared/management/contracts';
import { platform, RouteAuth } from '../../../shared/platform';
import { expectDocumented } from '../../support/openapi-contract';

type Operation = {
  operationId?: string;
  security?: unknown[];
  parameters?: { name: string; in: string }[];
  requestBody?: unknown;
  responses?: Record<string, { content?: Record<string, unknown>; headers?: object }>;
};

describe('OpenAPI document', () => {
  const doc = buildOpenApiDocument(platform);
  const contracts = { publish: publishContracts(), management: managementContracts() } as const;
  const operationOf = (method: string, path: string): Operation | undefined =>
    (doc.paths?.[path] as Record<string, Operation> | undefined)?.[method.toLowerCase()];

  it('documents every route of the definition from its contract: operation, parameters, body, answers', () => {
    const ids = new Set<string>();
    for (const route of platform.httpRoutes) {
      const key = `${route.method} ${route.path.slice(platform.apiBasePath.length)}`;
      const contract = (
        contracts[route.function] as Record<
          string,
          (typeof contracts)['publish'][keyof ReturnType<typeof publishContracts>]
        >
      )[key];
      const operation = operationOf(route.method, route.path);
      expect([key, operation?.operationId]).toEqual([key, contract?.operationId]);
      ids.add(String(operation?.operationId));
      expect([key, operation?.requestBody !== undefined]).toEqual([
        key,
        contract?.body !== undefined,
      ]);
      for (const name of [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))
        expect(operation?.parameters).toContainEqual(expect.objectContaining({ name, in: 'path' }));
      const statuses = Object.keys(operation?.responses ?? {});
      for (const status of Object.keys(contract?.answers() ?? {}))
        expect([key, statuses]).toEqual([key, expect.arrayContaining([status])]);
      // Every answer has its body's schema (or, for an error, problem+json).
      for (const [status, answer] of Object.entries(operation?.responses ?? {}))
        if (Number(status) >= 400 || Number(status) === 200)
          expect([key, status, answer.content]).toEqual([key, status, expect.any(Object)]);
      const open = route.auth === RouteAuth.None;
      expect([key, operation?.security]).toEqual([key, open ? [] : undefined]);
      expect([key, statuses.includes('401')]).toEqual([key, !open]);
    }
    expect(ids.size).toBe(platform.httpRoutes.length);
  });

  it('declares how callers authenticate, and documents the query parameters', () => {
    expect(Object.keys(doc.components?.securitySchemes ?? {}).sort()).toEqual([
      'bearer',
      'jwt',
      'sigv4',
    ]);
    expect(doc.security).toHaveLength(3);
    const remove = operationOf('DELETE', '/api/v1/kafka/topics/{name}');
    expect(remove?.parameters).toContainEqual(
      expect.objectContaining({ name: 'force', in: 'query' }),
    );
    const stats = operationOf('GET', '/api/v1/kafka/dead-letter-queue/stats');
    expect(stats?.parameters).toContainEqual(
      expect.objectContaining({ name: 'scope', in: 'query' }),
    );
    const health = operationOf('GET', '/api/v1/kafka/health');
    expect(health?.parameters).toContainEqual(
      expect.objectContaining({ name: 'deep', in: 'query' }),
    );
    const create = operationOf('POST', '/api/v1/kafka/topics');
    expect(Object.keys(create?.responses ?? {})).toEqual(
      expect.arrayContaining([
        '200',
        '201',
        '202',
        '400',
        '401',
        '403',
        '409',
        '413',
        '415',
        '422',
        '503',
      ]),
    );
    expect(create?.responses?.['201']?.headers).toHaveProperty('Location');
  });
});

describe('an answer against the document', () => {
  const health = '/api/v1/kafka/health';
  const json = { 'content-type': 'application/json' };

  it('passes when documented', () => {
    expect(() => expectDocumented('GET', health, 200, json, '{"status":"ok"}')).not.toThrow();
    expect(() =>
      expectDocumented(
        'GET',
        '/api/v1/kafka/nowhere',
        404,
        { 'content-type': 'application/problem+json' },
        '{}',
      ),
    ).not.toThrow();
  });

  it('fails on an undocumented status, field, media type or a missing header', () => {
    expect(() => expectDocumented('GET', health, 418, json, '{}')).toThrow(
      /status is not documented/,
    );
    expect(() => expectDocumented('GET', health, 200, json, '{"status":"ok","extra":1}')).toThrow(
      /does not match its schema/,
    );
    expect(() =>
      expectDocumented('GET', health, 200, { 'content-type': 'text/plain' }, 'ok'),
    ).toThrow(/content-type "text\/plain" is not documented/);
    expect(() =>
      expectDocumented(
        'POST',
        '/api/v1/kafka/topics',
        202,
        json,
        '{"name":"a","status":"creating"}',
      ),
    ).toThrow(/header Location is missing/);
  });
});
