import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Admin, Kafka } from 'kafkajs';
import type { MSKEvent } from 'aws-lambda';
import { DlqHeader } from '../../../shared/dlq/headers';
import type { PlatformDefinition } from '../../../shared/platform';
import { createLambdaContext } from '../../../local/esm/lambda-context';
import { provisionedPlatform, readMessages, testKafka } from '../../support/kafka';
import { busFor, eventRecorder, realConsumer } from './helpers';

const fixture = (name: string): MSKEvent =>
  JSON.parse(readFileSync(join(__dirname, '../../fixtures/msk', name), 'utf8')) as MSKEvent;
const context = () =>
  createLambdaContext({ functionName: 'fixture', timeoutSeconds: 30, memorySizeMb: 512 });

describe('AWS-shaped sample MSK events through the consumer, DLQ on the real broker', () => {
  let kafka: Kafka;
  let admin: Admin;
  let def: PlatformDefinition;

  beforeAll(async () => {
    kafka = testKafka('consumer-fixtures');
    admin = kafka.admin();
    await admin.connect();
    def = await provisionedPlatform(admin, 'fix');
  });
  afterAll(async () => {
    await admin.disconnect();
  });

  it('runs the fixtures unchanged: valid records handled, poison records in the DLQ with their bytes', async () => {
    const { handler: recorder, received } = eventRecorder();
    const bus = busFor(recorder, [
      'conversation.started',
      'conversation.message',
      'conversation.ended',
      'ai.response.generated',
      'business.analytics.update',
    ]);
    const consumer = realConsumer(kafka, def, 'ai-responses', bus, 2048);
    const results: unknown[] = [];
    try {
      for (const name of [
        'conversation-batch.json',
        'self-managed-batch.json',
        'poison-batch.json',
        'aws-docs-sample.json',
      ])
        results.push(await consumer.handler(fixture(name), context()));
    } finally {
      await consumer.close();
    }
    expect(results).toEqual(Array(4).fill({ batchItemFailures: [] }));
    expect(received.map((r) => r.id).sort()).toEqual(
      ['evt-biz-1', 'evt-biz-2', 'evt-conv-1', 'evt-conv-2', 'evt-conv-3', 'evt-valid-ai'].sort(),
    );
    const dlq = await readMessages(kafka, [def.dlq.topic], 6);
    const byOffset = new Map(
      dlq.map((m) => [m.message.headers?.[DlqHeader.OriginalOffset]?.toString(), m.message]),
    );
    const poison = fixture('poison-batch.json').records['ai.responses-3'] ?? [];
    const categories: Record<string, string> = {
      100: 'deserialization',
      101: 'deserialization',
      102: 'schema_validation',
      103: 'schema_validation',
      104: 'deserialization',
    };
    for (const record of poison.filter((r) => r.offset !== 105)) {
      const message = byOffset.get(String(record.offset));
      expect(message?.headers?.[DlqHeader.Category]?.toString()).toBe(categories[record.offset]);
      expect(message?.key?.toString('base64')).toBe(record.key);
      const bytes =
        record.offset === 100 ? Buffer.from(record.value) : Buffer.from(record.value, 'base64');
      expect(message?.value).toEqual(bytes);
      expect(message?.headers?.['x-case']).toBeDefined();
    }
    const sample = byOffset.get('15');
    expect(sample?.headers?.[DlqHeader.OriginalTopic]?.toString()).toBe('mytopic');
    expect(sample?.value?.toString()).toBe('Hello, this is a test.');
  });
});
