import type { Admin, Consumer, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { startDlqRetryScheduler } from '../../../local/scheduler/dlq-retry-scheduler';
import type { RunningScheduler } from '../../../local/scheduler/dlq-retry-scheduler';
import { DlqHeader } from '../../../shared/dlq/headers';
import { deliveryAttempt } from '../../../shared/dlq/dead-letter';
import { createDlqWriter } from '../../../shared/dlq/writer';
import { KafkaProducer } from '../../../shared/kafka/producer';
import { loadProducerConfig } from '../../../shared/kafka/producer-config';
import { dlqProducerConfig } from '../../../shared/kafka/producer-instance';
import type { RecordSender } from '../../../shared/kafka/records';
import { createLogger } from '../../../shared/observability/logger';
import type { PlatformDefinition } from '../../../shared/platform';
import { testKafka } from '../../support/kafka';
import { dlqPlatform, header, readAll } from './support';

const logger = createLogger('dlq-scheduled-test');

/** Delivery attempts seen per id, with their times. */
type Deliveries = Map<string, { attempt: number; at: number }[]>;

/**
 * A consumer of `topic` standing in for an MSK-triggered handler: it fails
 * a record while `fails(attempt)` says so, writing it to the DLQ with the
 * consumers' real DLQ writer, and records every delivery.
 */
const failingConsumer = async (
  kafka: Kafka,
  producer: RecordSender,
  def: PlatformDefinition,
  topic: string,
  fails: (attempt: number) => boolean,
): Promise<{ consumer: Consumer; deliveries: Deliveries }> => {
  const deliveries: Deliveries = new Map();
  const writer = createDlqWriter({ producer, dlq: def.dlq, random: () => 0 });
  const consumer = kafka.consumer({ groupId: `${topic}-handler`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }: { partition: number; message: KafkaMessage }) => {
      const headers = Object.entries(message.headers ?? {}).flatMap(([name, value]) =>
        (Array.isArray(value) ? value : [value]).flatMap((v) =>
          v === undefined ? [] : [{ name, value: Buffer.isBuffer(v) ? v : Buffer.from(v) }],
        ),
      );
      const attempt = deliveryAttempt(headers);
      const id = message.key?.toString() ?? '';
      deliveries.set(id, [...(deliveries.get(id) ?? []), { attempt, at: Date.now() }]);
      if (!fails(attempt)) return;
      await writer.write([
        {
          record: {
            topic,
            partition,
            offset: Number(message.offset),
            timestamp: Number(message.timestamp),
            key: message.key,
            value: message.value,
            headers,
          },
          failure: {
            category: 'processing',
            retriable: true,
            message: `attempt ${attempt} failed`,
            stack: '',
          },
          handler: 'flaky-handler',
          eventId: id,
          consumerGroup: `${topic}-handler`,
          functionName: 'test-consumer',
          failedAt: new Date(),
        },
      ]);
    },
  });
  return { consumer, deliveries };
};

const waitFor = async (what: string, ok: () => boolean | Promise<boolean>, ms = 45_000) => {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

describe('scheduled DLQ retry end to end (real broker, local scheduler)', () => {
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  let dlqProducer: KafkaProducer;
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    kafka = testKafka('dlq-scheduled-test');
    admin = kafka.admin();
    producer = kafka.producer({ idempotent: true });
    dlqProducer = new KafkaProducer({
      kafka,
      config: dlqProducerConfig(loadProducerConfig({})),
    });
    await Promise.all([admin.connect(), producer.connect()]);
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  afterAll(async () => {
    await Promise.all([admin.disconnect(), producer.disconnect(), dlqProducer.disconnect()]);
  });

  const schedule = async (def: PlatformDefinition): Promise<RunningScheduler> => {
    const scheduler = await startDlqRetryScheduler({
      platform: def,
      kafka,
      logger,
      env: { XSEVEN_DLQ_RETRY_INTERVAL_SECONDS: '0.5' },
    });
    cleanups.push(() => scheduler.stop());
    return scheduler;
  };

  it('a record failing twice is handled on the third delivery, with attempt headers 1, 2, 3, never before its retry time', async () => {
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
    const topic = def.topics[0]!.name;
    const { consumer, deliveries } = await failingConsumer(
      kafka,
      dlqProducer,
      def,
      topic,
      (a) => a < 3,
    );
    cleanups.push(() => consumer.disconnect());
    await schedule(def);

    await producer.send({ topic, messages: [{ key: 'flaky-1', value: '{"n":1}' }] });
    await waitFor('the third delivery', () => (deliveries.get('flaky-1')?.length ?? 0) >= 3);
    const seen = deliveries.get('flaky-1')!;
    expect(seen.map((d) => d.attempt)).toEqual([1, 2, 3]);
    // exponential 1 s then 2 s after each failure: never earlier
    expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(1000);
    expect(seen[2]!.at - seen[1]!.at).toBeGreaterThanOrEqual(2000);

    const source = await readAll(kafka, admin, [topic], { atLeast: 3 });
    expect(source.map((r) => header(r.message, 'xseven-attempt') ?? '1')).toEqual(['1', '2', '3']);
    expect(await readAll(kafka, admin, [def.dlq.archiveTopic])).toHaveLength(0);
  });

  it('records that always fail end in the archive after max retries with their full history, none lost or duplicated', async () => {
    const maxRetries = 2;
    const def = await dlqPlatform(admin, {
      strategy: { kind: 'linear', baseDelayMs: 200, incrementMs: 200, maxDelayMs: 1000 },
      maxRetries,
    });
    const topic = def.topics[0]!.name;
    const ids = ['a', 'b', 'c', 'd', 'e'].map((x) => `doomed-${x}`);
    const { consumer } = await failingConsumer(kafka, dlqProducer, def, topic, () => true);
    cleanups.push(() => consumer.disconnect());
    const scheduler = await schedule(def);

    await producer.send({
      topic,
      messages: ids.map((id) => ({ key: id, value: `{"id":"${id}"}` })),
    });
    let archive: Awaited<ReturnType<typeof readAll>> = [];
    await waitFor('every id archived', async () => {
      archive = await readAll(kafka, admin, [def.dlq.archiveTopic]);
      return archive.length >= ids.length;
    });
    await scheduler.nextRun(); // one more run: nothing must move any more

    const source = await readAll(kafka, admin, [topic]);
    const dlqLog = await readAll(kafka, admin, [def.dlq.topic]);
    const committed = await admin.fetchOffsets({
      groupId: def.dlq.consumerGroupId,
      topics: [def.dlq.topic],
    });
    const dlqCommitted = Number(committed[0]?.partitions[0]?.offset ?? 0);
    const liveDlq = dlqLog.filter((r) => Number(r.message.offset) >= dlqCommitted);
    archive = await readAll(kafka, admin, [def.dlq.archiveTopic]);
    const count = (records: typeof source, id: string) =>
      records.filter((r) => r.message.key?.toString() === id).length;

    for (const id of ids) {
      expect({
        id,
        source: count(source, id),
        dlq: count(liveDlq, id),
        archive: count(archive, id),
      }).toEqual({ id, source: maxRetries + 1, dlq: 0, archive: 1 });
      const archived = archive.find((r) => r.message.key?.toString() === id)!.message;
      expect(archived.value?.toString()).toBe(`{"id":"${id}"}`);
      expect(header(archived, DlqHeader.Attempt)).toBe(String(maxRetries + 1));
      const history = JSON.parse(header(archived, DlqHeader.History) ?? '[]') as {
        attempt: number;
        errorMessage: string;
      }[];
      expect(history.map((h) => [h.attempt, h.errorMessage])).toEqual([
        [1, 'attempt 1 failed'],
        [2, 'attempt 2 failed'],
        [3, 'attempt 3 failed'],
      ]);
    }
    expect(source).toHaveLength(ids.length * (maxRetries + 1));
    expect(archive).toHaveLength(ids.length);
  });
});
