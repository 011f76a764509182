import type { Admin, Kafka } from 'kafkajs';
import { startDlqRetryScheduler } from '../../../local/scheduler/dlq-retry-scheduler';
import type { EventHandler } from '../../../shared/consumer/bus';
import { createLogger } from '../../../shared/observability/logger';
import { eventually } from '../../support/eventually';
import { testKafka } from '../../support/kafka';
import { busFor, eventMessage, realConsumer } from '../consumer/helpers';
import { produce, startEsm } from '../esm/helpers';
import { DlqHeader } from '../../../shared/dlq/headers';
import { dlqPlatform, header, readAll } from './support';

describe('full loop: local ESM -> failing handler -> DLQ -> scheduled retry -> handler (real broker)', () => {
  let kafka: Kafka;
  let admin: Admin;

  beforeAll(async () => {
    kafka = testKafka('dlq-full-loop');
    admin = kafka.admin();
    await admin.connect();
  });
  afterAll(async () => {
    await admin.disconnect();
  });

  it('an event whose handler fails twice is handled on its third delivery, attempts 1, 2, 3, each after its backoff', async () => {
    const def = await dlqPlatform(admin, {
      strategy: {
        kind: 'exponential',
        baseDelayMs: 1000,
        multiplier: 2,
        maxDelayMs: 10_000,
        jitter: 0,
      },
      maxRetries: 5,
    });
    const deliveries: { id: string; attempt: number; at: number }[] = [];
    const handled: string[] = [];
    const flaky: EventHandler = {
      name: 'flaky',
      canHandle: () => true,
      handle: (event, { attempt }) => {
        deliveries.push({ id: String(event.id), attempt, at: Date.now() });
        if (attempt < 3) throw new Error(`flaky failure on attempt ${attempt}`);
        handled.push(String(event.id));
      },
    };
    const consumer = realConsumer(
      kafka,
      def,
      'conversation-log',
      busFor(flaky, ['conversation.started', 'conversation.message', 'conversation.ended']),
    );
    const esm = await startEsm(kafka, def, 'conversation-log', consumer.handler);
    const scheduler = await startDlqRetryScheduler({
      platform: def,
      kafka,
      logger: createLogger('dlq-full-loop'),
      env: { XSEVEN_DLQ_RETRY_INTERVAL_SECONDS: '0.5' },
    });
    const topic = def.consumers.find((c) => c.name === 'conversation-log')!.topics[0]!;
    const { envelope, message } = eventMessage('conversation.message', {
      conversation_id: 'conv-loop',
      user_id: 'u1',
      message_content: 'hello',
      message_type: 'user',
    });
    try {
      await produce(kafka, topic, [message]);
      await eventually(async () => expect(handled).toEqual([envelope.id]), 45_000);
    } finally {
      await scheduler.stop();
      await esm.stop();
      await consumer.close();
    }
    expect(deliveries.map((d) => [d.id, d.attempt])).toEqual([
      [envelope.id, 1],
      [envelope.id, 2],
      [envelope.id, 3],
    ]);
    expect(deliveries[1]!.at - deliveries[0]!.at).toBeGreaterThanOrEqual(1000);
    expect(deliveries[2]!.at - deliveries[1]!.at).toBeGreaterThanOrEqual(2000);
    // Twice in the DLQ (each failure), never archived.
    expect(await readAll(kafka, admin, [def.dlq.archiveTopic])).toHaveLength(0);
  });

  it('an event whose handler always fails is archived after max retries with its full history, once', async () => {
    const def = await dlqPlatform(admin, {
      strategy: { kind: 'fixed', delayMs: 200 },
      maxRetries: 2,
    });
    const attempts: number[] = [];
    const broken: EventHandler = {
      name: 'broken',
      canHandle: () => true,
      handle: (_event, { attempt }) => {
        attempts.push(attempt);
        throw new Error(`broken on attempt ${attempt}`);
      },
    };
    const consumer = realConsumer(
      kafka,
      def,
      'conversation-log',
      busFor(broken, ['conversation.message']),
    );
    const esm = await startEsm(kafka, def, 'conversation-log', consumer.handler);
    const scheduler = await startDlqRetryScheduler({
      platform: def,
      kafka,
      logger: createLogger('dlq-full-loop'),
      env: { XSEVEN_DLQ_RETRY_INTERVAL_SECONDS: '0.5' },
    });
    const topic = def.consumers.find((c) => c.name === 'conversation-log')!.topics[0]!;
    const { envelope, message } = eventMessage('conversation.message', {
      conversation_id: 'conv-doomed',
      user_id: 'u1',
      message_content: 'never works',
      message_type: 'user',
    });
    let archive: Awaited<ReturnType<typeof readAll>> = [];
    try {
      await produce(kafka, topic, [message]);
      await eventually(async () => {
        archive = await readAll(kafka, admin, [def.dlq.archiveTopic]);
        expect(archive).toHaveLength(1);
      }, 45_000);
      await scheduler.nextRun();
    } finally {
      await scheduler.stop();
      await esm.stop();
      await consumer.close();
    }
    expect(attempts).toEqual([1, 2, 3]);
    const archived = archive[0]!.message;
    expect(header(archived, DlqHeader.EventId)).toBe(envelope.id);
    const history = JSON.parse(header(archived, DlqHeader.History) ?? '[]') as {
      attempt: number;
      errorMessage: string;
      handler: string;
    }[];
    expect(history.map((h) => [h.attempt, h.handler])).toEqual([
      [1, 'broken'],
      [2, 'broken'],
      [3, 'broken'],
    ]);
    expect(history.map((h) => h.errorMessage)).toEqual([
      expect.stringContaining('attempt 1'),
      expect.stringContaining('attempt 2'),
      expect.stringContaining('attempt 3'),
    ]);
    expect(await readAll(kafka, admin, [topic])).toHaveLength(3);
    expect(await readAll(kafka, admin, [def.dlq.archiveTopic])).toHaveLength(1);
  });
});
