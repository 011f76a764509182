import { offsetResetSchema } from '../../../shared/management/answer-schemas';
import { createManagementHandler } from '../../../shared/management/app';
import { Logger } from '@aws-lambda-powertools/logger';
import { authorizers } from '../../support/authorizers';
import { documented } from '../../support/openapi-contract';
import { bodyOf, lambdaContext, managementEvent } from './events';
import { createScratchTopic, produce, startHarness } from './harness';
import type { Harness } from './harness';

// The harness checks every answer against the OpenAPI document; this types the bodies.
const answerSchema = offsetResetSchema();

const committed = async (h: Harness, group: string, topic: string): Promise<string[]> =>
  ((await h.admin.fetchOffsets({ groupId: group, topics: [topic] }))[0]?.partitions ?? [])
    .sort((a, b) => a.partition - b.partition)
    .map((p) => p.offset);

describe('management API: offset reset by shift and by duration, and dry runs, on the real broker', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('mgmt-reset');
  });
  afterAll(async () => {
    await h.close();
  });

  it('shifts committed offsets back and forth, clamped to the retained range and saying so', async () => {
    const topic = `${h.prefix}shift`;
    const group = `${h.prefix}shift-group`;
    await createScratchTopic(h.admin, topic, 2);
    await produce(h.kafka, topic, 10, 0);
    await produce(h.kafka, topic, 4, 1);
    const reset = (body: Record<string, unknown>) =>
      h.call('reset-offset', { pathParameters: { topic }, body: { group, ...body } });
    expect((await reset({ to: 'offset', offset: 5 })).statusCode).toBe(200);
    expect(await committed(h, group, topic)).toEqual(['5', '4']);

    const back = await reset({ to: 'shift', shift_by: -3 });
    expect(back.statusCode).toBe(200);
    expect(answerSchema.parse(bodyOf(back))).toEqual({
      group,
      topic,
      to: 'shift',
      dry_run: false,
      partitions: [
        { partition: 0, previous_offset: '5', new_offset: '2', clamped: false },
        { partition: 1, previous_offset: '4', new_offset: '1', clamped: false },
      ],
      event_source_mapping_paused: false,
    });
    expect(await committed(h, group, topic)).toEqual(['2', '1']);

    const forward = answerSchema.parse(bodyOf(await reset({ to: 'shift', shift_by: 6 })));
    expect(forward.partitions).toEqual([
      { partition: 0, previous_offset: '2', new_offset: '8', clamped: false },
      { partition: 1, previous_offset: '1', new_offset: '4', clamped: true },
    ]);
    const tooFar = answerSchema.parse(
      bodyOf(await reset({ to: 'shift', shift_by: -100, partitions: [0] })),
    );
    expect(tooFar.partitions).toEqual([
      { partition: 0, previous_offset: '8', new_offset: '0', clamped: true },
    ]);
    expect(await committed(h, group, topic)).toEqual(['0', '4']);
  });

  it('resets by duration: the first record at or after now minus the duration', async () => {
    const topic = `${h.prefix}duration`;
    const group = `${h.prefix}duration-group`;
    await createScratchTopic(h.admin, topic, 1);
    const now = Date.now();
    const producer = h.kafka.producer();
    await producer.connect();
    try {
      await producer.send({
        topic,
        acks: -1,
        messages: [3 * 3600_000, 2 * 3600_000, 1800_000, 60_000].map((age, i) => ({
          partition: 0,
          value: String(i),
          timestamp: String(now - age),
        })),
      });
    } finally {
      await producer.disconnect();
    }
    const result = await h.call('reset-offset', {
      pathParameters: { topic },
      body: { group, to: 'duration', by_duration: 'PT1H30M' },
    });
    expect(result.statusCode).toBe(200);
    const body = answerSchema.parse(bodyOf(result));
    expect(body.partitions).toEqual([
      { partition: 0, previous_offset: null, new_offset: '2', clamped: false },
    ]);
    const from = Date.parse(body.from_time ?? '');
    expect(from).toBeGreaterThanOrEqual(now - 5_400_000);
    expect(from).toBeLessThan(Date.now() - 5_400_000 + 1000);
    expect(await committed(h, group, topic)).toEqual(['2']);

    const day = answerSchema.parse(
      bodyOf(
        await h.call('reset-offset', {
          pathParameters: { topic },
          body: { group, to: 'duration', by_duration: 'P1D' },
        }),
      ),
    );
    expect(day.partitions[0]?.new_offset).toBe('0');
  });

  it('answers the planned offsets of a dry run without committing, whatever the target', async () => {
    const topic = `${h.prefix}dry`;
    const group = `${h.prefix}dry-group`;
    await createScratchTopic(h.admin, topic, 1);
    await produce(h.kafka, topic, 6, 0);
    await h.call('reset-offset', {
      pathParameters: { topic },
      body: { group, to: 'offset', offset: 3 },
    });
    for (const [body, expected] of [
      [{ to: 'earliest' }, '0'],
      [{ to: 'latest' }, '6'],
      [{ to: 'offset', offset: '1' }, '1'],
      [{ to: 'shift', shift_by: 2 }, '5'],
      [{ to: 'timestamp', timestamp: 0 }, '0'],
      // every record is seconds old
      [{ to: 'duration', by_duration: 'PT1H' }, '0'],
    ] as const) {
      const result = await h.call('reset-offset', {
        pathParameters: { topic },
        body: { group, dry_run: true, ...body },
      });
      expect(result.statusCode).toBe(200);
      const answer = answerSchema.parse(bodyOf(result));
      expect(answer).toMatchObject({ dry_run: true, event_source_mapping_paused: false });
      expect([
        body.to,
        answer.partitions[0]?.previous_offset,
        answer.partitions[0]?.new_offset,
      ]).toEqual([body.to, '3', expected]);
    }
    expect(await committed(h, group, topic)).toEqual(['3']);
  });

  it('plans a dry run even while the group has members (nothing is stopped)', async () => {
    const topic = `${h.prefix}dry-busy`;
    const group = `${h.prefix}dry-busy-group`;
    await createScratchTopic(h.admin, topic, 1);
    await produce(h.kafka, topic, 2, 0);
    const consumer = h.kafka.consumer({
      groupId: group,
      sessionTimeout: 10_000,
      heartbeatInterval: 500,
    });
    const joined = new Promise<void>((resolve) =>
      consumer.on(consumer.events.GROUP_JOIN, () => resolve()),
    );
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ eachMessage: async () => undefined });
      await joined;
      const dry = await h.call('reset-offset', {
        pathParameters: { topic },
        body: { group, to: 'earliest', dry_run: true },
      });
      expect(dry.statusCode).toBe(200);
      const real = await h.call('reset-offset', {
        pathParameters: { topic },
        body: { group, to: 'earliest' },
      });
      expect(real.statusCode).toBe(409);
    } finally {
      await consumer.disconnect();
    }
  });

  it('refuses a shift without committed offsets, bad shifts and durations with 422, before anything moves', async () => {
    const topic = `${h.prefix}reset-refusals`;
    const group = `${h.prefix}never-committed`;
    await createScratchTopic(h.admin, topic, 2);
    const cases: [Record<string, unknown>, string][] = [
      [{ to: 'shift', shift_by: -1 }, 'shift_by'],
      [{ to: 'shift' }, 'shift_by'],
      [{ to: 'shift', shift_by: 1.5 }, 'shift_by'],
      [{ to: 'shift', shift_by: '3' }, 'shift_by'],
      [{ to: 'duration', by_duration: '1h' }, 'by_duration'],
      [{ to: 'duration', by_duration: 'P1M' }, 'by_duration'],
      [{ to: 'duration', by_duration: 'PT0S' }, 'by_duration'],
      [{ to: 'duration', by_duration: 'P999999999W' }, 'by_duration'],
      [{ to: 'duration' }, 'by_duration'],
      [{ to: 'earliest', dry_run: 'yes' }, 'dry_run'],
    ];
    for (const [body, path] of cases) {
      const result = await h.call('reset-offset', {
        pathParameters: { topic },
        body: { group, ...body },
      });
      expect([body, result.statusCode]).toEqual([body, 422]);
      expect(result.headers?.['content-type']).toBe('application/problem+json');
      expect(bodyOf<{ errors: { path: string }[] }>(result).errors.map((e) => e.path)).toContain(
        path,
      );
    }
    expect(await committed(h, group, topic)).toEqual(['-1', '-1']);
  });

  it('needs the operate scope for a dry run too (a mutation route), and 404 for an unknown topic', async () => {
    const publisher = createManagementHandler({
      env: { ...process.env },
      platform: h.def,
      prefix: h.prefix,
      kafka: h.kafka,
      logger: new Logger({ serviceName: 'management-test', logLevel: 'SILENT' }),
    });
    try {
      const event = managementEvent('reset-offset', {
        pathParameters: { topic: h.def.dlq.topic },
        body: { group: `${h.prefix}g`, to: 'earliest', dry_run: true },
        authorizer: authorizers.publisherJwt,
      });
      const refused = documented(event, await publisher.handler(event, lambdaContext()));
      expect(refused.statusCode).toBe(403);
    } finally {
      await publisher.close();
    }
    const unknown = await h.call('reset-offset', {
      pathParameters: { topic: `${h.prefix}nope` },
      body: { group: `${h.prefix}g`, to: 'shift', shift_by: 1, dry_run: true },
    });
    expect(unknown.statusCode).toBe(404);
  });
});
