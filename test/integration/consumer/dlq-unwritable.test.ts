import type { Admin, Kafka } from 'kafkajs';
import type { MSKEvent } from 'aws-lambda';
import { DlqHeader } from '../../../shared/dlq/headers';
import { createTopicsAndWait } from '../../../shared/kafka/topic-readiness';
import { loadPlatformDefinition } from '../../../shared/platform';
import type { PlatformDefinition } from '../../../shared/platform';
import { eventually } from '../../support/eventually';
import { provisionedPlatform, readMessages, testKafka } from '../../support/kafka';
import { committed, offsetsOf, produce, startEsm } from '../esm/helpers';
import { busFor, eventMessage, eventRecorder, realConsumer } from './helpers';

const TYPES = ['conversation.started'] as const;

describe('a DLQ that cannot be written', () => {
  let kafka: Kafka;
  let admin: Admin;

  beforeAll(async () => {
    kafka = testKafka('dlq-unwritable');
    admin = kafka.admin();
    await admin.connect();
  });
  afterAll(async () => {
    await admin.disconnect();
  });

  const withMissingDlq = async (): Promise<PlatformDefinition> => {
    const def = await provisionedPlatform(admin, 'nodlq');
    const missing = `${def.dlq.topic}.missing`;
    // The broker has auto.create.topics.enable=false: this topic does not exist until we create it.
    return loadPlatformDefinition({
      ...def,
      topics: [
        ...def.topics,
        { name: missing, partitions: 1, replicationFactor: 1, minInSyncReplicas: 1 },
      ],
      dlq: { ...def.dlq, topic: missing },
    });
  };

  it.each([
    ['reports the failed records', true],
    ['fails the invocation', false],
  ])(
    '%s, so the batch is retried, offsets stay uncommitted, and nothing is lost once the DLQ is back',
    async (_label, reportBatchItemFailures) => {
      const loaded = await withMissingDlq();
      const def = loadPlatformDefinition({
        ...loaded,
        consumers: loaded.consumers.map((c) => ({
          ...c,
          batchSize: 10,
          maximumBatchingWindowMs: 200,
          // Retried as long as the DLQ is down (not given up to the on-failure folder).
          maximumRetryAttempts: 10_000,
          reportBatchItemFailures,
        })),
      });
      const consumer = def.consumers.find((c) => c.name === 'conversation-log');
      const topic = consumer?.topics[0] ?? '';
      const group = consumer?.consumerGroupId ?? '';
      const good = eventMessage(
        'conversation.started',
        { conversation_id: 'c', user_id: 'u' },
        { partition: 0 },
      );
      const poison = { key: 'bad', value: 'not json', partition: 0 };
      const { handler: recorder } = eventRecorder();
      const real = realConsumer(kafka, def, 'conversation-log', busFor(recorder, TYPES));
      const invocations: MSKEvent[] = [];
      const esm = await startEsm(kafka, def, 'conversation-log', async (event, context) => {
        invocations.push(event);
        return real.handler(event, context);
      });
      try {
        await produce(kafka, topic, [good.message, poison]);
        await eventually(async () => expect(invocations.length).toBeGreaterThanOrEqual(2), 30_000);
        // The poison record is redelivered; its offset (1) is never committed meanwhile.
        expect(invocations.map(offsetsOf).every((o) => o.includes(`${topic}-0@1`))).toBe(true);
        const offsets = await committed(admin, group, topic);
        expect(offsets[0] === -1 || offsets[0] === 1).toBe(true);
        await createTopicsAndWait(admin, [
          { topic: def.dlq.topic, numPartitions: 1, replicationFactor: 1 },
        ]);
        await eventually(
          async () => expect((await committed(admin, group, topic))[0]).toBe(2),
          40_000,
        );
      } finally {
        await esm.stop();
        await real.close();
      }
      const [dead] = await readMessages(kafka, [def.dlq.topic], 1);
      expect(dead?.message.value?.toString()).toBe('not json');
      expect(dead?.message.headers?.[DlqHeader.OriginalOffset]?.toString()).toBe('1');
    },
    90_000,
  );
});
