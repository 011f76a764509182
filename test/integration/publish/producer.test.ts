import type { Admin, Kafka } from 'kafkajs';
import { KafkaProducer } from '../../../shared/kafka/producer';
import { loadProducerConfig } from '../../../shared/kafka/producer-config';
import { TransactionAbortedError } from '../../../shared/kafka/producer-errors';
import type { PlatformDefinition } from '../../../shared/platform';
import { provisionedPlatform, readMessages, testKafka } from '../../support/kafka';

describe('KafkaProducer on the real broker', () => {
  let kafka: Kafka;
  let admin: Admin;
  let def: PlatformDefinition;
  let topic: string;
  const producers: KafkaProducer[] = [];
  const newProducer = (env: Record<string, string> = {}): KafkaProducer => {
    const producer = new KafkaProducer({ kafka, config: loadProducerConfig(env) });
    producers.push(producer);
    return producer;
  };

  beforeAll(async () => {
    kafka = testKafka('producer-test');
    admin = kafka.admin();
    await admin.connect();
    def = await provisionedPlatform(admin, 'prod');
    topic = def.topics.find((t) => t.name.endsWith('ai.responses'))?.name ?? '';
  });

  afterAll(async () => {
    await Promise.all(producers.map((p) => p.disconnect()));
    await admin.disconnect();
  });

  it('connects lazily, returns positions in input order, and reconnects after a disconnect', async () => {
    const producer = newProducer();
    const first = await producer.send([
      { topic, key: 'k1', value: 'a' },
      { topic, key: 'k2', value: 'b' },
      { topic, key: 'k1', value: 'c' },
    ]);
    expect(first.map((p) => p.topic)).toEqual([topic, topic, topic]);
    expect(first[0]?.partition).toBe(first[2]?.partition);
    expect(BigInt(first[2]?.offset ?? '0')).toBe(BigInt(first[0]?.offset ?? '0') + 1n);

    await producer.disconnect();
    const [again] = await producer.send([{ topic, key: 'k1', value: 'd' }]);
    expect(again?.partition).toBe(first[0]?.partition);
    expect(BigInt(again?.offset ?? '0')).toBe(BigInt(first[2]?.offset ?? '0') + 1n);

    const reads = await readMessages(kafka, [topic], 4);
    const k1 = reads
      .filter((r) => r.message.key?.toString() === 'k1')
      .map((r) => r.message.value?.toString());
    expect(k1).toEqual(['a', 'c', 'd']);
  });

  it('coalesces concurrent sends within the linger time into one request', async () => {
    const producer = newProducer({ KAFKA_PRODUCER_LINGER_MS: '50' });
    const results = await Promise.all(
      ['x', 'y', 'z'].map((value) => producer.send([{ topic, key: 'linger', value }])),
    );
    const offsets = results.map((r) => BigInt(r[0]?.offset ?? '-1'));
    expect(offsets[1]).toBe((offsets[0] ?? 0n) + 1n);
    expect(offsets[2]).toBe((offsets[0] ?? 0n) + 2n);
  });

  it('commits a transaction atomically and hides an aborted one from read_committed readers', async () => {
    const txTopic = def.topics.find((t) => t.name.endsWith('business.analytics'))?.name ?? '';
    const producer = newProducer({ KAFKA_PRODUCER_TRANSACTIONAL_ID: 'xseven-test-tx' });
    await expect(
      producer.transaction(async (tx) => {
        await tx.send([{ topic: txTopic, key: 'same', value: 'aborted' }]);
        throw new Error('work failed');
      }),
    ).rejects.toBeInstanceOf(TransactionAbortedError);
    const positions = await producer.transaction((tx) =>
      tx.send([
        { topic: txTopic, key: 'same', value: 'committed-1' },
        { topic: txTopic, key: 'same', value: 'committed-2' },
      ]),
    );
    expect(positions).toHaveLength(2);
    const reads = await readMessages(kafka, [txTopic], 2);
    expect(reads.map((r) => r.message.value?.toString())).toEqual(['committed-1', 'committed-2']);
  });
});
