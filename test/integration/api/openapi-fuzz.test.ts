import fc from 'fast-check';
import type { Admin } from 'kafkajs';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { authorizerContext, localPrincipal } from '../../../local/gateway/auth';
import type { GatewayAuth } from '../../../local/gateway/auth';
import { lambdaContext, toHttpApiEvent } from '../../../local/gateway/event';
import { routeMatcher } from '../../../shared/http/router';
import { importHandler } from '../../../local/gateway/server';
import type { LoadedFunction } from '../../../local/gateway/server';
import { provisionTopics } from '../../../local/provision';
import { ApiAuthMode, platform, withNamespace } from '../../../shared/platform';
import type { HttpFunction } from '../../../shared/platform';
import { testKafka, uniquePrefix } from '../../support/kafka';
import { expectDocumented } from '../../support/openapi-contract';
import { arbitraryOf, documentedAs, operationsOf } from './openapi-arbitraries';
import type { OpenApiDocument, Operation } from './openapi-arbitraries';

/**
 * Property-based tests generated from the served OpenAPI document (issue
 * #15, item 5): for every operation it documents, fast-check builds
 * requests (bodies from the request schema or anything JSON, path
 * parameters, query strings, headers, with and without the API token) and
 * the test calls the functions' handlers in-process, as the local gateway
 * does. Every answer must be below 500 and documented for its operation,
 * and a refused request (4xx) must leave the cluster as it was. The
 * generator reads only the document's structure (paths, parameters,
 * request bodies, responses, JSON Schema), never a field name.
 */
const TOKEN = 'fuzz-token-0123456789';
const RUNS = Number(process.env.FUZZ_RUNS ?? 25);
/** Fixed by default so CI is repeatable; set FUZZ_SEED to explore other inputs (fast-check prints the seed of a failure). */
const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const match = routeMatcher(platform.httpRoutes);
/** The local gateway's authorizer context (IAM mode) with the operator's token: a wrong or missing token has no principal. */
const AUTH: GatewayAuth = {
  mode: ApiAuthMode.Iam,
  allowUnauthenticatedMutations: false,
  operatorToken: TOKEN,
};

describe('the API against requests generated from its OpenAPI document', () => {
  let admin: Admin;
  let doc: OpenApiDocument;
  const handlers = new Map<HttpFunction, LoadedFunction>();
  const saved = { ...process.env };

  beforeAll(async () => {
    const kafka = testKafka('openapi-fuzz');
    admin = kafka.admin();
    await admin.connect();
    const prefix = uniquePrefix('fuzz');
    await provisionTopics(admin, withNamespace(platform, prefix));
    // The handlers read their environment on first use, as in Lambda.
    process.env.XSEVEN_TOPIC_PREFIX = prefix;
    process.env.XSEVEN_API_TOKEN = TOKEN;
    const served = await invoke(
      'GET',
      '/api/v1/kafka/openapi.json',
      { authorization: `Bearer ${TOKEN}` },
      Buffer.alloc(0),
    );
    expect(served.statusCode).toBe(200);
    doc = JSON.parse(String(served.body)) as OpenApiDocument;
  }, 120_000);

  afterAll(async () => {
    for (const f of handlers.values()) await f.close?.();
    process.env = saved;
    await admin.disconnect();
  });

  const invoke = async (
    method: string,
    url: string,
    headers: Record<string, string>,
    body: Buffer,
  ): Promise<APIGatewayProxyStructuredResultV2> => {
    const path = new URL(url, 'http://localhost').pathname;
    const matched = match(method, path);
    if ('status' in matched) throw new Error(`no route for ${method} ${path}`);
    const fn = matched.route.function;
    let loaded = handlers.get(fn);
    if (loaded === undefined) {
      loaded = await importHandler(fn);
      handlers.set(fn, loaded);
    }
    const now = new Date();
    const principal = localPrincipal(headers.authorization, AUTH);
    const event = toHttpApiEvent({
      method,
      url,
      headers,
      body,
      routeKey: matched.routeKey,
      pathParameters: matched.pathParameters,
      now,
      ...(principal === undefined
        ? {}
        : { authorizer: authorizerContext(principal, AUTH.mode, platform.access, now) }),
    });
    return (await loaded.handler(
      event,
      lambdaContext(fn, 30_000),
    )) as APIGatewayProxyStructuredResultV2;
  };

  /**
   * What a refused request must not change: the topics it names (created or
   * deleted) and the end offsets of this test's namespace, where an accepted
   * request writes. Other tests' topics on the shared broker move on their
   * own, so only topics the request mentions count.
   */
  const clusterState = async (request: GeneratedRequest): Promise<string> => {
    const text = `${safeDecode(request.url)} ${request.body.toString()}`;
    const topics = (await admin.listTopics()).sort();
    const named = topics.filter((t) => text.includes(t));
    const prefix = process.env.XSEVEN_TOPIC_PREFIX ?? '';
    const offsets = await Promise.all(
      topics
        .filter((t) => t.startsWith(prefix))
        .map(
          async (t) =>
            `${t}:${(await admin.fetchTopicOffsets(t)).map((p) => `${p.partition}=${p.high}`).join(',')}`,
        ),
    );
    return [`named: ${named.join(',')}`, ...offsets].join('\n');
  };

  it('answers every generated request below 500, documented (status, headers, body), and refusals change nothing', async () => {
    const operations = operationsOf(doc);
    expect(operations.length).toBeGreaterThanOrEqual(10);
    const seen = new Map<string, Set<number>>();
    const byDefault = new Set<string>();
    const undocumented = new Set<string>();
    const misshapen = new Set<string>();
    for (const operation of operations) {
      await fc.assert(
        fc.asyncProperty(requestOf(operation, doc), async (request) => {
          const before = await clusterState(request);
          const answer = await invoke(operation.method, request.url, request.headers, request.body);
          const status = answer.statusCode ?? 200;
          const key = `${operation.method} ${operation.path}`;
          seen.set(key, (seen.get(key) ?? new Set()).add(status));
          expect(status).toBeLessThan(500);
          const documented = documentedAs(operation, status);
          if (documented === undefined) undocumented.add(`${key} -> ${status}`);
          if (documented === 'default') byDefault.add(`${key} -> ${status}`);
          // Its headers, media type and body too (test/support/openapi-contract.ts).
          try {
            expectDocumented(
              operation.method,
              new URL(request.url, 'http://localhost').pathname,
              status,
              answer.headers,
              answer.body,
            );
          } catch (error) {
            if (documented !== undefined)
              misshapen.add(
                `${key} -> ${status}: ${String((error as Error).message).split('\n')[0]}`,
              );
          }
          if (status >= 400) expect(await clusterState(request)).toBe(before);
        }),
        { numRuns: RUNS, seed: SEED },
      );
    }
    // Every answer's status is in the document (all operations run first: the failure lists them all).
    expect([...undocumented].sort()).toEqual([]);
    // ... and every answer is shaped as its schema says.
    expect([...misshapen].sort()).toEqual([]);
    // Not all refusals: the generator reaches the handlers' success paths too.
    const accepted = [...seen.values()].filter((statuses) => [...statuses].some((s) => s < 300));
    expect(accepted.length).toBeGreaterThan(operations.length / 2);
    // Statuses only the catch-all `default` response covers: listed, so the document can name them.
    if (byDefault.size > 0)
      console.info(`answers documented only by "default":\n${[...byDefault].sort().join('\n')}`);
  }, 600_000);
});

const safeDecode = (url: string): string => {
  try {
    return decodeURIComponent(url);
  } catch {
    return url;
  }
};

/** A generated request of an operation: URL with path and query, headers, body. */
interface GeneratedRequest {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

const requestOf = (operation: Operation, doc: OpenApiDocument): fc.Arbitrary<GeneratedRequest> => {
  const segment = fc.oneof(
    fc.stringMatching(/^[a-z][a-z0-9._-]{0,20}$/),
    // an empty segment is a path without the parameter: the gateway's 404, not the function's
    fc.string({ minLength: 1, maxLength: 20 }),
  );
  const pathParams = operation.parameters.filter((p) => p.in === 'path');
  const queryParams = operation.parameters.filter((p) => p.in === 'query');
  const json =
    operation.bodySchema === undefined ? undefined : arbitraryOf(operation.bodySchema, doc);
  const body = fc.oneof(
    { weight: 4, arbitrary: json === undefined ? fc.constant(undefined) : json },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    { weight: 1, arbitrary: fc.string({ maxLength: 50 }).map((s) => ({ raw: s })) },
  );
  return fc
    .record({
      params: fc.tuple(...pathParams.map(() => segment)),
      query: fc.tuple(
        ...queryParams.map((p) =>
          fc.option(
            fc.oneof(arbitraryOf(p.schema ?? {}, doc).map(String), fc.string({ maxLength: 10 })),
          ),
        ),
      ),
      extraQuery: fc.dictionary(fc.stringMatching(/^[a-z]{1,8}$/), fc.string({ maxLength: 10 }), {
        maxKeys: 2,
      }),
      body,
      contentType: fc.constantFrom(
        'application/json',
        'application/json; charset=utf-8',
        'text/plain',
        '',
      ),
      authorization: fc.constantFrom(`Bearer ${TOKEN}`, `Bearer ${TOKEN}`, 'Bearer wrong', ''),
      correlation: fc.option(fc.string({ maxLength: 30 })),
    })
    .map(({ params, query, extraQuery, body, contentType, authorization, correlation }) => {
      let path = operation.path;
      pathParams.forEach((p, i) => {
        path = path.replace(`{${p.name}}`, encodeURIComponent(params[i] ?? ''));
      });
      const search = new URLSearchParams(extraQuery);
      queryParams.forEach((p, i) => {
        const value = query[i];
        if (value !== null && value !== undefined) search.set(p.name, value);
      });
      const headers: Record<string, string> = {};
      if (contentType !== '') headers['content-type'] = contentType;
      if (authorization !== '') headers.authorization = authorization;
      if (correlation !== null) headers['x-correlation-id'] = correlation;
      const text =
        body === undefined
          ? ''
          : typeof body === 'object' && body !== null && 'raw' in body
            ? String((body as { raw: unknown }).raw)
            : JSON.stringify(body);
      const qs = search.toString();
      return { url: qs === '' ? path : `${path}?${qs}`, headers, body: Buffer.from(text) };
    });
};
