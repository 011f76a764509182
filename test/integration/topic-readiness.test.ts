import type { Admin, Kafka } from 'kafkajs';
import { TopicsNotServedError } from '../../shared/kafka/errors';
import { createTopicsAndWait, waitForTopics } from '../../shared/kafka/topic-readiness';
import { testKafka, uniquePrefix } from '../support/kafka';

describe('topic readiness on the real broker', () => {
  let kafka: Kafka;
  let admin: Admin;

  beforeAll(async () => {
    kafka = testKafka('topic-readiness');
    admin = kafka.admin();
    await admin.connect();
  });
  afterAll(async () => {
    await admin.disconnect();
  });

  it('creates topics that every partition can take at once, without a retry', async () => {
    const topics = [`${uniquePrefix('ready')}a`, `${uniquePrefix('ready')}b`];
    const created = await createTopicsAndWait(
      admin,
      topics.map((topic) => ({ topic, numPartitions: 4, replicationFactor: 1 })),
    );
    expect(created).toBe(true);
    const producer = kafka.producer({ retry: { retries: 0 } });
    await producer.connect();
    try {
      for (const topic of topics) {
        const sent = await producer.send({
          topic,
          acks: -1,
          messages: [0, 1, 2, 3].map((partition) => ({ partition, value: 'x' })),
        });
        expect(sent.map((r) => r.partition).sort()).toEqual([0, 1, 2, 3]);
      }
    } finally {
      await producer.disconnect();
    }
    // Asking again for existing topics is fine, and says so.
    expect(await createTopicsAndWait(admin, [{ topic: topics[0] ?? '', numPartitions: 4 }])).toBe(
      false,
    );
  });

  it('gives up with TopicsNotServedError on a topic that is not there, or too small', async () => {
    const missing = `${uniquePrefix('ready')}missing`;
    await expect(waitForTopics(admin, [missing], { timeoutMs: 1_000 })).rejects.toThrow(
      TopicsNotServedError,
    );
    const small = `${uniquePrefix('ready')}small`;
    await createTopicsAndWait(admin, [{ topic: small, numPartitions: 1, replicationFactor: 1 }]);
    await expect(
      waitForTopics(admin, [{ name: small, partitions: 2 }], { timeoutMs: 1_000 }),
    ).rejects.toThrow(/small has 1 partition/);
  });
});
