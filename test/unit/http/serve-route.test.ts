import * as z from 'zod';
import type { JsonBodyEvent } from '../../../shared/http/json-body';
import { routeContract } from '../../../shared/http/contract';
import { serveRoute } from '../../../shared/http/serve-route';
import { managementContracts } from '../../../shared/management/contracts';

const event = (jsonBody: unknown, query: Record<string, string> = {}): JsonBodyEvent =>
  ({ jsonBody, queryStringParameters: query }) as unknown as JsonBodyEvent;

const issuesOf = async (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => 'accepted',
    (error: { status: number; issues: unknown }) => ({
      status: error.status,
      issues: error.issues,
    }),
  );

describe('a route served from its contract', () => {
  const contract = routeContract({
    operationId: 'test_route',
    body: z.strictObject({ name: z.string().min(1), partitions: z.number().int().default(1) }),
    query: z.object({ force: z.enum(['true', 'false']).default('false') }),
    path: z.object({ name: z.string() }),
    answers: () => ({}),
  });
  const seen: unknown[] = [];
  const route = serveRoute(contract, async (input) => {
    seen.push({ body: input.body, query: input.query, path: input.path });
    return { statusCode: 200 };
  });

  it('runs its handler with the outputs of its schemas', async () => {
    await route.handle(event({ name: 'x' }), { name: 'orders' }, undefined);
    expect(seen).toEqual([
      { body: { name: 'x', partitions: 1 }, query: { force: 'false' }, path: { name: 'orders' } },
    ]);
  });

  it('refuses a body or a query parameter the schemas refuse: 422 naming each field', async () => {
    expect(
      await issuesOf(route.handle(event({ name: '', partitions: 1.5 }), { name: 'o' }, 0)),
    ).toEqual({
      status: 422,
      issues: [
        { path: 'name', message: expect.any(String) },
        { path: 'partitions', message: expect.any(String) },
      ],
    });
    expect(
      await issuesOf(route.handle(event({ name: 'x' }, { force: 'y' }), { name: 'o' }, 0)),
    ).toEqual({
      status: 422,
      issues: [{ path: 'query.force', message: expect.any(String) }],
    });
    expect(await issuesOf(route.handle(event([1]), { name: 'o' }, 0))).toEqual({
      status: 422,
      issues: [{ path: '(root)', message: expect.any(String) }],
    });
  });
});

describe('the management contracts', () => {
  it('accept the documented examples and refuse bad ones', () => {
    const reset = managementContracts()['POST /consumers/{topic}/reset-offset'].body;
    expect(reset.parse({ group: 'g', to: 'timestamp', timestamp: '2026-11-27T00:00:00Z' })).toEqual(
      {
        group: 'g',
        to: 'timestamp',
        timestamp: Date.parse('2026-11-27T00:00:00Z'),
        dry_run: false,
      },
    );
    expect(reset.safeParse({ group: 'g', to: 'earliest', partitions: [0, 0] }).success).toBe(false);
    const create = managementContracts()['POST /topics'].body;
    expect(create.parse({ name: 'a.b-c_d', configs: { 'retention.ms': 5 } }).configs).toEqual({
      'retention.ms': '5',
    });
    for (const name of ['.', '..', '__internal', 'a b', 'x'.repeat(250), ''])
      expect([name, create.safeParse({ name }).success]).toEqual([name, false]);
    expect(create.safeParse({ name: 'x'.repeat(249) }).success).toBe(true);
  });
});
