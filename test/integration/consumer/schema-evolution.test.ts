import type { Admin, Kafka, Message } from 'kafkajs';
import { DlqHeader } from '../../../shared/dlq/headers';
import { schemaUri } from '../../../shared/events';
import type { PlatformDefinition } from '../../../shared/platform';
import { eventually } from '../../support/eventually';
import { provisionedPlatform, readMessages, testKafka } from '../../support/kafka';
import { committed, produce, startEsm } from '../esm/helpers';
import { busFor, eventMessage, eventRecorder, realConsumer } from './helpers';

const HOUR_MS = 60 * 60 * 1000;

/**
 * Consumers that tolerate evolution, on the real broker through the local
 * ESM and the real consumer handler: a record of a newer version of the same
 * major is handled with its unknown fields kept; a record of an unknown
 * major (or a newer version the consumer cannot read) is dead-lettered as
 * `unknown_schema_version`, retried later. docs/schemas.md.
 */
describe('schema evolution through the consumer pipeline', () => {
  let kafka: Kafka;
  let admin: Admin;
  let def: PlatformDefinition;

  beforeEach(async () => {
    kafka = testKafka('consumer-evolution');
    admin = kafka.admin();
    await admin.connect();
    def = await provisionedPlatform(admin, 'evo');
  });
  afterEach(async () => {
    await admin.disconnect();
  });

  /** A conversation.started record rewritten as a producer of another version would write it. */
  const written = (
    caseName: string,
    change: (envelope: Record<string, unknown>) => void,
  ): { id: string; message: Message } => {
    const { envelope, message } = eventMessage('conversation.started', {
      conversation_id: 'conv-evo',
      user_id: 'u1',
    });
    const value = JSON.parse(String(message.value)) as Record<string, unknown>;
    change(value);
    return {
      id: envelope.id,
      message: {
        ...message,
        value: JSON.stringify(value),
        headers: { ...message.headers, case: caseName },
        partition: 0,
      },
    };
  };
  const newer = (version: number) =>
    schemaUri({ eventType: 'conversation.started', major: 1, version });

  it('handles a newer version of the same major with its unknown fields; dead-letters an unknown major for a later retry', async () => {
    const current = written('current', () => undefined);
    const older = written('before-dataschema', (e) => {
      delete e.dataschema;
    });
    const nextVersion = written('next-version', (e) => {
      e.dataschema = newer(2);
      e.data = { ...(e.data as object), channel: 'web', tags: ['a'] };
    });
    const unknownMajor = written('unknown-major', (e) => {
      e.dataversion = 2;
      e.dataschema = schemaUri({ eventType: 'conversation.started', major: 2, version: 1 });
    });
    const unreadable = written('unreadable-newer-version', (e) => {
      e.dataschema = newer(3);
      e.data = { conversation_id: 'conv-evo', user_id: { id: 'u1' } };
    });
    const invalid = written('invalid-current-version', (e) => {
      e.data = { conversation_id: 'conv-evo', user_id: { id: 'u1' } };
    });
    const records = [current, older, nextVersion, unknownMajor, unreadable, invalid];

    const { handler: recorder, received } = eventRecorder();
    const consumer = realConsumer(
      kafka,
      def,
      'conversation-log',
      busFor(recorder, ['conversation.started']),
    );
    const topic = def.consumers.find((c) => c.name === 'conversation-log')?.topics[0] ?? '';
    const group = def.consumers.find((c) => c.name === 'conversation-log')?.consumerGroupId ?? '';
    const esm = await startEsm(kafka, def, 'conversation-log', consumer.handler);
    const sentAt = Date.now();
    try {
      await produce(
        kafka,
        topic,
        records.map((r) => r.message),
      );
      await eventually(async () =>
        expect((await committed(admin, group, topic))[0]).toBe(records.length),
      );
    } finally {
      await esm.stop();
      await consumer.close();
    }

    expect(received.map((r) => r.id)).toEqual([current.id, older.id, nextVersion.id]);
    const handledNext = received[2]?.event as { data: Record<string, unknown>; dataschema: string };
    expect(handledNext.data).toEqual({
      conversation_id: 'conv-evo',
      user_id: 'u1',
      channel: 'web',
      tags: ['a'],
    });
    expect(handledNext.dataschema).toBe(newer(2));

    const dlq = await readMessages(kafka, [def.dlq.topic], 3);
    const byCase = new Map(dlq.map((m) => [m.message.headers?.case?.toString(), m.message]));
    for (const name of ['unknown-major', 'unreadable-newer-version']) {
      const headers = byCase.get(name)?.headers ?? {};
      expect({ name, category: headers[DlqHeader.Category]?.toString() }).toEqual({
        name,
        category: 'unknown_schema_version',
      });
      expect(headers[DlqHeader.Retriable]?.toString()).toBe('true');
      // the definition's policy for the category: fixed, one hour
      const nextRetry = Date.parse(headers[DlqHeader.NextRetryTime]?.toString() ?? '');
      expect(nextRetry).toBeGreaterThanOrEqual(sentAt + HOUR_MS);
      expect(nextRetry).toBeLessThan(Date.now() + HOUR_MS + 1000);
    }
    expect(byCase.get('unknown-major')?.headers?.[DlqHeader.ErrorMessage]?.toString()).toContain(
      'major version 2 of "conversation.started" is unknown here',
    );
    expect(
      byCase.get('unreadable-newer-version')?.headers?.[DlqHeader.ErrorMessage]?.toString(),
    ).toContain('version 1.3 of "conversation.started" is newer than 1.1');
    const invalidHeaders = byCase.get('invalid-current-version')?.headers ?? {};
    expect(invalidHeaders[DlqHeader.Category]?.toString()).toBe('schema_validation');
    expect(invalidHeaders[DlqHeader.Retriable]?.toString()).toBe('false');
  });
});
