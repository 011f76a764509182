import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Partitioners } from 'kafkajs';
import type { Admin, Kafka } from 'kafkajs';
import { provisionTopics } from '../../../local/provision';
import { KafkaUnavailableError } from '../../../shared/errors';
import { createKafka } from '../../../shared/kafka/client';
import { loadKafkaConnectionConfig } from '../../../shared/kafka/connection-config';
import { DeliveryTimeoutError } from '../../../shared/kafka/errors';
import { KafkaProducer } from '../../../shared/kafka/producer';
import { loadProducerConfig } from '../../../shared/kafka/producer-config';
import { platform, withNamespace } from '../../../shared/platform';
import type { PlatformDefinition } from '../../../shared/platform';
import { provisionedPlatform, readMessages, testKafka, uniquePrefix } from '../../support/kafka';

const run = promisify(execFile);
const script = join(__dirname, '..', '..', '..', 'local', 'kafka', 'kafka.sh');

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

  it('concurrent calls to one partition are written one request at a time, each in order, none twice', async () => {
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
  });
});

describe('KafkaProducer delivery timeout on a frozen broker (SIGSTOP)', () => {
  const PORT = '19592';
  const home = mkdtempSync(join(tmpdir(), 'xseven-lanes-frozen-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KAFKA_BOOTSTRAP_SERVERS: '',
    XSEVEN_KAFKA_HOME: home,
    XSEVEN_KAFKA_PORT: PORT,
    XSEVEN_KAFKA_NO_DOCKER: '1',
    XSEVEN_KAFKA_HEAP: '384m',
  };
  const def = withNamespace(platform, uniquePrefix('frozen'));
  const topic = def.topics.find((t) => t.name.endsWith('system.monitoring'))?.name ?? '';
  let kafka: Kafka;
  let producer: KafkaProducer;
  /** The broker's JVM, from the pid file kafka.sh keeps in its data directory. */
  const brokerPid = (): number => {
    const node = readdirSync(home).find((d) => d.startsWith('node-')) ?? '';
    return Number(readFileSync(join(home, node, 'pid'), 'utf8').trim());
  };
  const signal = (name: NodeJS.Signals): void => {
    process.kill(brokerPid(), name);
  };

  beforeAll(async () => {
    await run('bash', [script, 'start'], { env });
    kafka = createKafka({
      config: loadKafkaConnectionConfig({
        KAFKA_BOOTSTRAP_SERVERS: `127.0.0.1:${PORT}`,
        KAFKA_REQUEST_TIMEOUT_MS: '10000',
      }),
      clientId: 'lanes-frozen-test',
    });
    const admin = kafka.admin();
    await admin.connect();
    await provisionTopics(admin, def).finally(() => admin.disconnect());
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
    await run('bash', [script, 'stop'], { env });
  }, 90_000);

  it('answers within the delivery timeout: the request in flight "may or may not" be written, the one queued behind it was not', async () => {
    await producer.send([{ topic, key: 'k', value: 'before' }]);
    signal('SIGSTOP');
    const started = Date.now();
    const [inFlight, queued] = await Promise.all([
      producer.sendEach([{ topic, key: 'k', value: 'in-flight' }]),
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
    const reader = createKafka({
      config: loadKafkaConnectionConfig({ KAFKA_BOOTSTRAP_SERVERS: `127.0.0.1:${PORT}` }),
      clientId: 'lanes-frozen-reader',
    });
    // Everything up to 'after': 'before', then 'in-flight' if the frozen broker wrote it once it ran again.
    const count = Number(after?.offset ?? '1') + 1;
    const values = (await readMessages(reader, [topic], count)).map((r) =>
      r.message.value?.toString(),
    );
    expect(values).not.toContain('queued');
    expect(values.filter((v) => v === 'in-flight').length).toBeLessThanOrEqual(1);
    expect(values.filter((v) => v === 'before' || v === 'after')).toEqual(['before', 'after']);
  }, 120_000);
});
