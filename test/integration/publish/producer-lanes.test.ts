import { Partitioners } from 'kafkajs';
import type { Admin, Kafka } from 'kafkajs';
import { KafkaUnavailableError } from '../../../shared/errors';
import { DeliveryTimeoutError } from '../../../shared/kafka/errors';
import { KafkaProducer } from '../../../shared/kafka/producer';
import { loadProducerConfig } from '../../../shared/kafka/producer-config';
import { platform, withNamespace } from '../../../shared/platform';
import type { PlatformDefinition } from '../../../shared/platform';
import { randomBytes } from 'node:crypto';
import { createTopicsAndWait } from '../../../shared/kafka/topic-readiness';
import { provisionedPlatform, readMessages, testKafka, uniquePrefix } from '../../support/kafka';
import { privateBroker } from '../../support/private-broker';

describe('KafkaProducer per-partition sends on the real broker', () => {
  let kafka: Kafka;
  let admin: Admin;
  let def: PlatformDefinition;
  let topic: string;
  let producer: KafkaProducer;

  beforeAll(async () => {
    kafka = testKafka('lanes-test');
    admin = kafka.admin();
    await admin.connect();
    def = await provisionedPlatform(admin, 'lanes');
    topic = def.topics.find((t) => t.name.endsWith('ai.responses'))?.name ?? '';
    producer = new KafkaProducer({ kafka, config: loadProducerConfig({}) });
  });

  afterAll(async () => {
    await producer?.disconnect();
    await admin?.disconnect();
  });

  it("places each record where kafkajs' default partitioner would, and a call's records in input order", async () => {
    const keys = Array.from({ length: 40 }, (_, i) => `key-${i}`);
    const positions = await producer.send(keys.map((key, i) => ({ topic, key, value: `v${i}` })));

    const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
    const partitioner = Partitioners.DefaultPartitioner();
    const expected = keys.map((key) =>
      partitioner({
        topic,
        partitionMetadata: metadata?.partitions ?? [],
        message: { key, value: null },
      }),
    );
    expect(positions.map((p) => p.partition)).toEqual(expected);
    expect(new Set(expected).size).toBeGreaterThan(1);

    const reads = await readMessages(kafka, [topic], keys.length);
    for (const read of reads) {
      const i = Number(read.message.value?.toString().slice(1));
      expect(positions[i]).toEqual({
        topic,
        partition: read.partition,
        offset: read.message.offset,
      });
    }
  });

  it('concurrent calls to one partition are written one request at a time (those queued together in one), each in order, none twice, each told its own offsets', async () => {
    const key = 'same-partition';
    const calls = await Promise.all(
      Array.from({ length: 8 }, (_, c) =>
        producer.send(Array.from({ length: 5 }, (_, i) => ({ topic, key, value: `c${c}-${i}` }))),
      ),
    );
    const offsets = calls.flat().map((p) => BigInt(p.offset));
    expect(new Set(offsets).size).toBe(40);
    for (const positions of calls)
      positions.forEach((p, i) =>
        expect(BigInt(p.offset)).toBe(BigInt(positions[0]?.offset ?? '0') + BigInt(i)),
      );
    // What each caller was told is where its records are (the first test wrote 40 before).
    const written = (await readMessages(kafka, [topic], 80)).filter((r) =>
      r.message.value?.toString().startsWith('c'),
    );
    expect(written).toHaveLength(40);
    for (const read of written) {
      const [c, i] = (read.message.value?.toString().slice(1) ?? '').split('-').map(Number);
      expect(calls[c ?? -1]?.[i ?? -1]).toEqual({
        topic,
        partition: read.partition,
        offset: read.message.offset,
      });
    }
  });

  it("sends each call's records on their own when Kafka refuses the request they were joined in (a topic whose max.message.bytes one call fits, the joined ones do not)", async () => {
    const small = `${uniquePrefix('small')}records`;
    await createTopicsAndWait(admin, [
      {
        topic: small,
        numPartitions: 1,
        configEntries: [{ name: 'max.message.bytes', value: '1500' }],
      },
    ]);
    // Random text barely compresses: ~800 bytes a call once gzipped, ~3,200 joined.
    const value = (): string => randomBytes(600).toString('base64');
    const calls = await Promise.all(
      Array.from({ length: 4 }, (_, c) =>
        producer.sendEach([{ topic: small, key: 'k', value: `${c}:${value()}` }]),
      ),
    );
    expect(calls.map((outcomes) => outcomes.map((o) => o.ok))).toEqual([
      [true],
      [true],
      [true],
      [true],
    ]);
    const reads = await readMessages(kafka, [small], 4);
    for (const read of reads) {
      const c = Number(read.message.value?.toString().split(':')[0]);
      expect(calls[c]?.[0]).toMatchObject({ ok: true, position: { offset: read.message.offset } });
    }
  });
});

describe('KafkaProducer delivery timeout on a frozen broker (SIGSTOP)', () => {
  const broker = privateBroker(19592, 'lanes-frozen');
  const def = withNamespace(platform, uniquePrefix('frozen'));
  const topic = def.topics.find((t) => t.name.endsWith('system.monitoring'))?.name ?? '';
  let kafka: Kafka;
  let producer: KafkaProducer;
  const signal = (name: NodeJS.Signals): void => {
    process.kill(broker.pid(), name);
  };

  beforeAll(async () => {
    await broker.start();
    kafka = await broker.provisioned(def, 'lanes-frozen-test', {
      KAFKA_REQUEST_TIMEOUT_MS: '10000',
    });
    producer = new KafkaProducer({
      kafka,
      config: loadProducerConfig({ KAFKA_PRODUCER_DELIVERY_TIMEOUT_MS: '1500' }),
    });
  }, 180_000);

  afterAll(async () => {
    try {
      signal('SIGCONT');
    } catch {
      // not running
    }
    await producer?.disconnect();
    await broker.stop();
  }, 90_000);

  it('answers within the delivery timeout: the request in flight "may or may not" be written, the one queued behind it was not', async () => {
    await producer.send([{ topic, key: 'k', value: 'before' }]);
    signal('SIGSTOP');
    const started = Date.now();
    const sending = producer.sendEach([{ topic, key: 'k', value: 'in-flight' }]);
    // The lane takes the first call's records in a promise callback: once they
    // are taken, the second call queues behind that request instead of joining it.
    await new Promise((resolve) => setImmediate(resolve));
    const [inFlight, queued] = await Promise.all([
      sending,
      producer.sendEach([{ topic, key: 'k', value: 'queued' }]),
    ]);
    const elapsed = Date.now() - started;
    signal('SIGCONT');

    expect(elapsed).toBeLessThan(1500 + 3000);
    expect(inFlight?.[0]).toMatchObject({ ok: false, error: expect.any(DeliveryTimeoutError) });
    expect(queued?.[0]).toMatchObject({ ok: false, error: expect.any(KafkaUnavailableError) });

    // Once the broker runs again, the partition takes writes; the queued record was never sent.
    const [after] = await producer.send([{ topic, key: 'k', value: 'after' }]);
    expect(after?.partition).toBe(0);
    // Everything up to 'after': 'before', then 'in-flight' if the frozen broker wrote it once it ran again.
    const count = Number(after?.offset ?? '1') + 1;
    const values = (await readMessages(kafka, [topic], count)).map((r) =>
      r.message.value?.toString(),
    );
    expect(values).not.toContain('queued');
    expect(values.filter((v) => v === 'in-flight').length).toBeLessThanOrEqual(1);
    expect(values.filter((v) => v === 'before' || v === 'after')).toEqual(['before', 'after']);
  }, 120_000);
});
