import type { Admin, Kafka } from 'kafkajs';
import { DlqHeader } from '../../../shared/dlq/headers';
import type { PlatformDefinition } from '../../../shared/platform';
import { eventually } from '../../support/eventually';
import { provisionedPlatform, readMessages, testKafka } from '../../support/kafka';
import { committed, produce, startEsm } from '../esm/helpers';
import { busFor, eventMessage, eventRecorder, realConsumer } from './helpers';

const CONVERSATION_TYPES = [
  'conversation.started',
  'conversation.message',
  'conversation.ended',
] as const;

describe('published events through the local ESM and the consumer handler', () => {
  let kafka: Kafka;
  let admin: Admin;
  let def: PlatformDefinition;
  const topicOf = (name: string) => def.consumers.find((c) => c.name === name)?.topics[0] ?? '';
  const groupOf = (name: string) =>
    def.consumers.find((c) => c.name === name)?.consumerGroupId ?? '';

  beforeEach(async () => {
    kafka = testKafka('consumer-pipeline');
    admin = kafka.admin();
    await admin.connect();
    def = await provisionedPlatform(admin, 'cons');
  });
  afterEach(async () => {
    await admin.disconnect();
  });

  it('hands each published event to its handler exactly as sent, in partition order', async () => {
    const sent = Array.from({ length: 60 }, (_, i) =>
      eventMessage('conversation.message', {
        conversation_id: `conv-${i % 4}`,
        user_id: 'u1',
        message_content: `message ${i} — ünïcödé`,
        message_type: 'user',
      }),
    );
    const { handler: recorder, received } = eventRecorder();
    const consumer = realConsumer(
      kafka,
      def,
      'conversation-log',
      busFor(recorder, CONVERSATION_TYPES),
    );
    const esm = await startEsm(kafka, def, 'conversation-log', consumer.handler);
    try {
      await produce(
        kafka,
        topicOf('conversation-log'),
        sent.map((s) => s.message),
      );
      await eventually(async () => expect(received).toHaveLength(60));
    } finally {
      await esm.stop();
      await consumer.close();
    }
    const byId = new Map(received.map((r) => [r.id, r.event]));
    for (const { envelope } of sent)
      expect(byId.get(envelope.id)).toEqual(JSON.parse(JSON.stringify(envelope)));
    for (let c = 0; c < 4; c += 1) {
      const expected = sent
        .filter((s) => s.envelope.data.conversation_id === `conv-${c}`)
        .map((s) => s.envelope.id);
      const got = received.filter((r) => expected.includes(r.id)).map((r) => r.id);
      expect(got).toEqual(expected);
    }
  });

  it('dead-letters poison records with their category and original bytes, and keeps going', async () => {
    const topic = topicOf('conversation-log');
    const valid = (n: number) =>
      eventMessage(
        'conversation.started',
        { conversation_id: 'conv-p', user_id: `u${n}` },
        { partition: 0 },
      );
    const before = valid(1);
    const after = valid(2);
    const wrongSchema = eventMessage('conversation.started', {
      conversation_id: 'conv-p',
      user_id: 'u',
    });
    const wrong = JSON.parse(String(wrongSchema.message.value)) as Record<string, unknown>;
    wrong.data = { conversation_id: 'conv-p' };
    const unknownType = { ...wrong, id: 'evt-unknown', type: 'conversation.teleported' };
    const oversized = eventMessage('conversation.message', {
      conversation_id: 'conv-p',
      user_id: 'u',
      message_content: 'x'.repeat(5000),
    });
    const poison = [
      {
        key: 'p1',
        value: Buffer.from([0x7b, 0x22, 0xff, 0xfe]),
        headers: { case: 'not-utf8-json' },
        partition: 0,
      },
      { key: 'p2', value: '{"id": "evt-broken", ', headers: { case: 'not-json' }, partition: 0 },
      { key: 'p3', value: JSON.stringify(wrong), headers: { case: 'wrong-schema' }, partition: 0 },
      {
        key: 'p4',
        value: JSON.stringify(unknownType),
        headers: { case: 'unknown-type' },
        partition: 0,
      },
      { ...oversized.message, headers: { case: 'oversized' }, partition: 0 },
    ];
    const { handler: recorder, received } = eventRecorder();
    const consumer = realConsumer(
      kafka,
      def,
      'conversation-log',
      busFor(recorder, CONVERSATION_TYPES),
      4096,
    );
    const esm = await startEsm(kafka, def, 'conversation-log', consumer.handler);
    try {
      await produce(kafka, topic, [before.message, ...poison, after.message]);
      await eventually(async () =>
        expect((await committed(admin, groupOf('conversation-log'), topic))[0]).toBe(7),
      );
    } finally {
      await esm.stop();
      await consumer.close();
    }
    expect(received.map((r) => r.id)).toEqual([before.envelope.id, after.envelope.id]);
    const dlq = await readMessages(kafka, [def.dlq.topic], 5);
    const byCase = new Map(dlq.map((m) => [m.message.headers?.case?.toString(), m.message]));
    const expected = {
      'not-utf8-json': 'deserialization',
      'not-json': 'deserialization',
      'wrong-schema': 'schema_validation',
      'unknown-type': 'schema_validation',
      oversized: 'deserialization',
    } as const;
    for (const [name, category] of Object.entries(expected)) {
      const message = byCase.get(name);
      expect(message?.headers?.[DlqHeader.Category]?.toString()).toBe(category);
      expect(message?.headers?.[DlqHeader.OriginalTopic]?.toString()).toBe(topic);
      expect(message?.headers?.[DlqHeader.ConsumerGroup]?.toString()).toBe(
        groupOf('conversation-log'),
      );
      const original = poison.find((p) => p.headers.case === name);
      expect(message?.value).toEqual(Buffer.from(original?.value as string | Buffer));
      expect(message?.key?.toString()).toBe(String(original?.key));
    }
    expect(byCase.get('unknown-type')?.headers?.[DlqHeader.EventId]?.toString()).toBe(
      'evt-unknown',
    );
    expect(byCase.get('oversized')?.headers?.[DlqHeader.ErrorMessage]?.toString()).toMatch(
      /exceeds the limit of 4096 bytes/,
    );
  });

  it('sends only the record whose handler throws to the DLQ; the rest of the batch succeeds', async () => {
    const topic = topicOf('conversation-log');
    const sent = Array.from({ length: 10 }, (_, i) =>
      eventMessage(
        'conversation.started',
        { conversation_id: `c-${i}`, user_id: 'u' },
        { partition: 1 },
      ),
    );
    const bad = sent[4]?.envelope.id ?? '';
    const { handler: recorder, received } = eventRecorder((id) => id === bad);
    const consumer = realConsumer(
      kafka,
      def,
      'conversation-log',
      busFor(recorder, CONVERSATION_TYPES),
    );
    const esm = await startEsm(kafka, def, 'conversation-log', consumer.handler);
    try {
      await produce(
        kafka,
        topic,
        sent.map((s) => s.message),
      );
      await eventually(async () =>
        expect((await committed(admin, groupOf('conversation-log'), topic))[1]).toBe(10),
      );
    } finally {
      await esm.stop();
      await consumer.close();
    }
    expect(received.map((r) => r.id)).toEqual(
      sent.map((s) => s.envelope.id).filter((id) => id !== bad),
    );
    const dlq = await readMessages(kafka, [def.dlq.topic], 1);
    const [only] = dlq;
    expect(only?.message.headers?.[DlqHeader.EventId]?.toString()).toBe(bad);
    expect(only?.message.headers?.[DlqHeader.Handler]?.toString()).toBe('recorder');
    expect(only?.message.headers?.[DlqHeader.Category]?.toString()).toBe('processing');
    expect(only?.message.headers?.[DlqHeader.Attempt]?.toString()).toBe('1');
    expect(only?.message.headers?.[DlqHeader.NextRetryTime]).toBeDefined();
    expect(only?.message.headers?.ce_id?.toString()).toBe(bad);
    // Exactly one DLQ record: a second read of two times out.
    await expect(readMessages(kafka, [def.dlq.topic], 2, 3_000)).rejects.toThrow(/read 1 of 2/);
  });
});
