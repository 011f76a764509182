import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Producer } from 'kafkajs';
import { createDlqRetryHandler } from '../../../functions/dlq-retry/handler';
import { DELIVERY_ATTEMPT_HEADER, DlqHeader } from '../../../shared/dlq/headers';
import { createLogger } from '../../../shared/observability/logger';
import { emfMetricName, MetricName } from '../../../shared/platform';
import { lambdaContext } from '../management/events';
import { startHarness } from '../management/harness';
import { authorizers } from '../../support/authorizers';
import type { Harness } from '../management/harness';
import { header, invocation, readAll, syntheticFailure, writeFailure } from './support';

const retryEvent = (
  body: unknown,
  authorizer: Readonly<Record<string, unknown>> | null = authorizers.operatorJwt,
): APIGatewayProxyEventV2 => {
  const event = JSON.parse(
    readFileSync(path.join(__dirname, '../../fixtures/dlq/dlq-retry.json'), 'utf8'),
  ) as APIGatewayProxyEventV2;
  event.body = typeof body === 'string' ? body : JSON.stringify(body);
  if (authorizer !== null) Object.assign(event.requestContext, { authorizer });
  return event;
};

const bodyOf = <T>(result: APIGatewayProxyStructuredResultV2): T =>
  JSON.parse(String(result.body)) as T;

/** The answer of POST /dead-letter-queue/retry (snake_case). */
interface RetryAnswer {
  readonly source: string;
  readonly dry_run: boolean;
  readonly matched: number;
  readonly moved: number;
  readonly records: readonly { readonly event_id: string | null }[];
}

describe('POST /dead-letter-queue/retry (real broker)', () => {
  let h: Harness;
  let producer: Producer;
  const post = (body: unknown, authorizer?: Readonly<Record<string, unknown>> | null) =>
    h.management.handler(retryEvent(body, authorizer), lambdaContext());

  beforeAll(async () => {
    h = await startHarness('dlqretry');
    producer = h.kafka.producer({ idempotent: true });
    await producer.connect();
  });
  afterAll(async () => {
    await producer.disconnect();
    await h.close();
  });

  it('moves exactly the DLQ records matching the filters, after a dry run listing the same ones', async () => {
    // Far-off retry times: nothing is due, so only the manual retry can move anything.
    const topicA = h.def.topics[0]!.name;
    const topicB = h.def.topics[1]!.name;
    const later = new Date(Date.now() + 3_600_000);
    const failures = [
      syntheticFailure(topicA, 'a-proc', { category: 'processing' }),
      syntheticFailure(topicA, 'a-time', { category: 'timeout' }),
      syntheticFailure(topicB, 'b-proc', { category: 'processing' }),
      syntheticFailure(topicA, 'a-proc-2', { category: 'processing' }),
    ];
    for (const f of failures) await writeFailure(producer, h.def, { ...f, at: later });

    const filter = { topics: [topicA], categories: ['processing'] };
    const dry = await post({ ...filter, dry_run: true });
    expect(dry.statusCode).toBe(200);
    const planned = bodyOf<RetryAnswer>(dry);
    expect(planned).toMatchObject({ source: 'dlq', dry_run: true, matched: 2, moved: 0 });
    expect(planned.records.map((r) => r.event_id).sort()).toEqual(['a-proc', 'a-proc-2']);
    expect(await readAll(h.kafka, h.admin, [topicA, topicB])).toHaveLength(0);

    const done = bodyOf<RetryAnswer>(await post(filter));
    expect(done).toMatchObject({ source: 'dlq', dry_run: false, matched: 2, moved: 2 });
    const republished = await readAll(h.kafka, h.admin, [topicA, topicB], { atLeast: 2 });
    expect(republished.map((r) => r.message.key?.toString()).sort()).toEqual([
      'key-a-proc',
      'key-a-proc-2',
    ]);
    expect(republished.every((r) => header(r.message, DELIVERY_ATTEMPT_HEADER) === '2')).toBe(true);

    // The others are still waiting in the DLQ; the moved ones are gone from it.
    const left = bodyOf<RetryAnswer>(await post({ dry_run: true }));
    expect(left.records.map((r) => r.event_id).sort()).toEqual(['a-time', 'b-proc']);
    expect(bodyOf<RetryAnswer>(await post(filter))).toMatchObject({ matched: 0, moved: 0 });
  });

  it('retries archived records by event id once, and filters by failure time', async () => {
    const topic = h.def.topics[2]!.name;
    const spent = (id: string) =>
      syntheticFailure(topic, id, {
        category: 'deserialization',
        at: new Date(id.endsWith('old') ? '2026-01-01T00:00:00Z' : Date.now()),
      });
    for (const id of ['x-old', 'y-new', 'z-new']) await writeFailure(producer, h.def, spent(id));
    const run = createDlqRetryHandler({
      kafka: h.kafka,
      platform: h.def,
      logger: createLogger('dlq-manual-test'),
      idleMs: 1500,
    });
    expect(await run({}, invocation())).toMatchObject({ archived: 3 });

    const recent = bodyOf<RetryAnswer>(
      await post({ source: 'archive', from: '2026-06-01T00:00:00Z', dry_run: true }),
    );
    expect(recent.records.map((r) => r.event_id).sort()).toEqual(['y-new', 'z-new']);

    const moved = bodyOf<RetryAnswer>(
      await post({ source: 'archive', event_ids: ['y-new', 'x-old'] }),
    );
    expect(moved).toMatchObject({ source: 'archive', matched: 2, moved: 2 });
    const republished = await readAll(h.kafka, h.admin, [topic], { atLeast: 2 });
    expect(republished.map((r) => r.message.key?.toString()).sort()).toEqual([
      'key-x-old',
      'key-y-new',
    ]);
    expect(header(republished[0]!.message, DlqHeader.OriginalTopic)).toBeUndefined();

    // Each archived record is retried once only.
    const again = bodyOf<RetryAnswer>(
      await post({ source: 'archive', event_ids: ['y-new', 'x-old'] }),
    );
    expect(again).toMatchObject({ matched: 0, moved: 0 });
    expect(await readAll(h.kafka, h.admin, [topic])).toHaveLength(2);
  });

  it('GET /dead-letter-queue/stats breaks the DLQ down by handler and grouped errors, and counts the archive', async () => {
    const topic = h.def.topics[3]!.name;
    const stats = async () => {
      const event = JSON.parse(
        readFileSync(path.join(__dirname, '../../fixtures/management/dlq-stats.json'), 'utf8'),
      ) as APIGatewayProxyEventV2;
      Object.assign(event.requestContext, { authorizer: authorizers.operatorJwt });
      return h.management.handler(event, lambdaContext());
    };
    const later = new Date(Date.now() + 3_600_000);
    for (const [id, handler, error] of [
      ['s1', 'billing', 'timeout after 120 ms'],
      ['s2', 'billing', 'timeout after 3000 ms'],
      ['s3', 'audit', 'db unavailable'],
    ] as const)
      await writeFailure(producer, h.def, {
        ...syntheticFailure(topic, id, { handler, errorMessage: error, category: 'timeout' }),
        at: later,
      });

    const result = await stats();
    expect(result.statusCode).toBe(200);
    const body = bodyOf<{
      by_handler: Record<string, number>;
      by_category: Record<string, number>;
      top_errors: { message: string; count: number; original_topics: string[] }[];
      archive: { archived: number; retried: number; by_reason: Record<string, number> };
    }>(result);
    expect(body.by_handler).toMatchObject({ billing: 2, audit: 1 });
    expect(body.top_errors).toContainEqual(
      expect.objectContaining({
        message: 'timeout after <n> ms',
        count: 2,
        original_topics: [topic],
      }),
    );
    const prometheus = JSON.parse(
      readFileSync(
        path.join(__dirname, '../../fixtures/management/prometheus-metrics.json'),
        'utf8',
      ),
    ) as APIGatewayProxyEventV2;
    Object.assign(prometheus.requestContext, { authorizer: authorizers.operatorJwt });
    const text = String((await h.management.handler(prometheus, lambdaContext())).body);
    const archiveDepth = Number(/^kafka_dlq_archive_depth (\d+)$/m.exec(text)?.[1]);
    // Three archived records, two retry markers and the transactions' markers: an upper bound.
    expect(archiveDepth).toBeGreaterThanOrEqual(5);
    // The archive test above archived three records and retried two of them.
    expect(body.archive).toMatchObject({
      archived: 3,
      retried: 2,
      by_reason: { not_retriable: 3 },
    });
  });

  it('answers 422 naming the field for a bad body, 401 without a principal, 403 for a publisher', async () => {
    const bad = await post({ source: 'elsewhere', limit: 0 });
    expect(bad.statusCode).toBe(422);
    expect(bad.headers?.['content-type']).toMatch(/problem\+json/);
    expect(String(bad.body)).toMatch(/source/);
    expect(String(bad.body)).toMatch(/limit/);
    expect(
      (await post({ from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' })).statusCode,
    ).toBe(422);
    expect((await post('{not json')).statusCode).toBe(400);
    // a mutating route needs a body: an empty one never runs a real retry
    expect((await post('')).statusCode).toBe(400);
    expect((await post({ unknownField: 1 })).statusCode).toBe(422);
    expect((await post({ dry_run: true }, null)).statusCode).toBe(401);
    expect((await post({ dry_run: true }, authorizers.publisherJwt)).statusCode).toBe(403);
  });

  it('publishes the EMF metrics of a manual retry when the invocation ends (inside Lambda)', async () => {
    const topic = h.def.topics[4]!.name;
    await writeFailure(producer, h.def, {
      ...syntheticFailure(topic, 'emf-1'),
      at: new Date(Date.now() + 3_600_000),
    });
    const printed: string[] = [];
    const write = jest
      .spyOn(process.stdout, 'write')
      .mockImplementation((chunk: string | Uint8Array) => {
        printed.push(String(chunk));
        return true;
      });
    process.env.AWS_LAMBDA_FUNCTION_NAME = 'xseven-management';
    try {
      const result = bodyOf<RetryAnswer>(await post({ event_ids: ['emf-1'] }));
      expect(result).toMatchObject({ matched: 1, moved: 1 });
    } finally {
      delete process.env.AWS_LAMBDA_FUNCTION_NAME;
      write.mockRestore();
    }
    const documents = printed.filter((line) => line.includes('"_aws"'));
    expect(
      documents.some((doc) => doc.includes(emfMetricName(MetricName.DlqMessagesRetried))),
    ).toBe(true);
  });
});
