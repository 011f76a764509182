import type { Admin, Kafka } from 'kafkajs';
import { MetricName } from '../../../shared/platform/metrics';
import { metricSnapshot } from '../../../shared/observability/metrics';
import type { PlatformDefinition } from '../../../shared/platform';
import { eventually } from '../../support/eventually';
import { provisionedPlatform, testKafka } from '../../support/kafka';
import { committed, produce, recordingHandler, startEsm } from '../esm/helpers';
import { busFor, eventMessage, eventRecorder, realConsumer } from './helpers';

describe('a tombstone through the local ESM and the consumer handler', () => {
  let kafka: Kafka;
  let admin: Admin;
  let def: PlatformDefinition;

  beforeEach(async () => {
    kafka = testKafka('consumer-tombstone');
    admin = kafka.admin();
    await admin.connect();
    def = await provisionedPlatform(admin, 'tomb');
  });
  afterEach(async () => {
    await admin.disconnect();
  });

  it('is delivered without a value, as AWS sends it, skipped and counted, never dead-lettered', async () => {
    const consumer = def.consumers.find((c) => c.name === 'conversation-log');
    const topic = consumer?.topics[0] ?? '';
    const before = eventMessage('conversation.started', {
      conversation_id: 'conv-1',
      user_id: 'u',
    });
    const after = eventMessage('conversation.ended', { conversation_id: 'conv-1', user_id: 'u' });
    const { handler: recorder, received } = eventRecorder();
    const types = ['conversation.started', 'conversation.ended'] as const;
    const real = realConsumer(kafka, def, 'conversation-log', busFor(recorder, types));
    // The recording handler keeps the raw events (and checks their shape); the real one handles them.
    const { handler: recording, calls } = recordingHandler();
    const esm = await startEsm(kafka, def, 'conversation-log', async (event, context) => {
      await recording(event, context);
      return real.handler(event, context);
    });
    try {
      await produce(kafka, topic, [
        { ...before.message, partition: 0 },
        { key: 'conv-1', value: null, partition: 0 },
        { ...after.message, partition: 0 },
      ]);
      await eventually(async () =>
        expect((await committed(admin, consumer?.consumerGroupId ?? '', topic))[0]).toBe(3),
      );
    } finally {
      await esm.stop();
      await real.close();
    }
    const records = calls.flatMap((c) => Object.values(c.event.records).flat());
    const tombstone = records.find((r) => r.offset === 1);
    expect(tombstone).toBeDefined();
    expect('value' in (tombstone ?? {})).toBe(false);
    expect(Buffer.from(tombstone?.key ?? '', 'base64').toString()).toBe('conv-1');
    expect(received.map((r) => r.id)).toEqual([before.envelope.id, after.envelope.id]);
    const [dlq] = await admin.fetchTopicOffsets(def.dlq.topic);
    expect(dlq?.high).toBe('0');
    const tombstones = metricSnapshot().filter(
      (s) => s.name === MetricName.ConsumerTombstones && s.labels.topic === topic,
    );
    expect(tombstones.reduce((n, s) => n + s.sum, 0)).toBe(1);
  });
});
