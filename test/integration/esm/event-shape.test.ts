import { randomBytes } from 'node:crypto';
import { KafkaMskEventSchema } from '@aws-lambda-powertools/parser/schemas/kafka';
import type { Admin, Kafka } from 'kafkajs';
import { headerBytes } from '../../../shared/consumer/msk-record';
import type { PlatformDefinition } from '../../../shared/platform';
import { eventually } from '../../support/eventually';
import { testKafka } from '../../support/kafka';
import { platformWith, produce, recordingHandler, startEsm } from './helpers';

describe('local ESM events have AWS MSK shape', () => {
  let kafka: Kafka;
  let admin: Admin;
  let def: PlatformDefinition;

  beforeAll(async () => {
    kafka = testKafka('esm-shape');
    admin = kafka.admin();
    await admin.connect();
    def = await platformWith(admin, 'ai-responses', {
      batchSize: 50,
      maximumBatchingWindowMs: 200,
    });
  });
  afterAll(async () => {
    await admin.disconnect();
  });

  it('builds events that validate against KafkaMskEventSchema, grouped by topic-partition', async () => {
    const topic = def.consumers.find((c) => c.name === 'ai-responses')?.topics[0] ?? '';
    const { handler, calls } = recordingHandler();
    const esm = await startEsm(kafka, def, 'ai-responses', handler);
    try {
      await produce(kafka, topic, [
        ...Array.from({ length: 30 }, (_, i) => ({
          key: `k${i % 7}`,
          value: JSON.stringify({ n: i }),
          headers: { 'x-trace': `t-${i}`, 'x-multi': ['a', 'b'] },
        })),
        { key: null, value: 'no key', partition: 2 },
      ]);
      await eventually(async () => {
        expect(calls.flatMap((c) => c.offsets)).toHaveLength(31);
      });
    } finally {
      await esm.stop();
    }
    for (const { event, context } of calls) {
      const parsed = KafkaMskEventSchema.safeParse(event);
      expect(parsed.success).toBe(true);
      expect(event.eventSource).toBe('aws:kafka');
      expect(event.eventSourceArn).toMatch(/^arn:aws:kafka:/);
      expect(event.bootstrapServers).toBe('127.0.0.1:9092');
      for (const [group, records] of Object.entries(event.records)) {
        for (const r of records) {
          expect(`${r.topic}-${r.partition}`).toBe(group);
          expect(r.timestampType).toBe('CREATE_TIME');
        }
        const offsets = records.map((r) => r.offset);
        expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
      }
      expect(context.awsRequestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(context.functionName).toBe('ai-responses');
      expect(context.getRemainingTimeInMillis()).toBeGreaterThan(0);
      expect(context.getRemainingTimeInMillis()).toBeLessThanOrEqual(context.timeoutMs);
    }
    const all = calls.flatMap((c) => Object.values(c.event.records).flat());
    const keyless = all.find((r) => Buffer.from(r.value, 'base64').toString() === 'no key');
    expect(keyless && 'key' in keyless).toBe(false);
    const first = all.find((r) => Buffer.from(r.value, 'base64').toString() === '{"n":0}');
    expect(Buffer.from(first?.key ?? '', 'base64').toString()).toBe('k0');
    expect(first?.headers).toEqual([
      { 'x-trace': [...Buffer.from('t-0')] },
      { 'x-multi': [97] },
      { 'x-multi': [98] },
    ]);
    // The same event parsed by Powertools: key and value decoded, headers as strings.
    const parsed = KafkaMskEventSchema.parse(calls[0]?.event);
    expect(Object.values(parsed.records).flat()[0]?.value).toMatch(/^\{"n":\d+\}$|^no key$/);
  });

  it('delivers, in order, a record larger than the fetches ask for per partition (KIP-74)', async () => {
    const topic = def.consumers.find((c) => c.name === 'ai-responses')?.topics[0] ?? '';
    // Random bytes: even compressed, far above the 128 KiB a fetch asks for per partition.
    const big = randomBytes(600 * 1024).toString('base64');
    const { handler, calls } = recordingHandler();
    const esm = await startEsm(kafka, def, 'ai-responses', handler);
    try {
      await produce(kafka, topic, [
        { key: 'big', value: 'before', partition: 1 },
        { key: 'big', value: big, partition: 1 },
        { key: 'big', value: 'after', partition: 1 },
      ]);
      await eventually(async () => {
        expect(calls.flatMap((c) => c.offsets)).toHaveLength(3);
      });
    } finally {
      await esm.stop();
    }
    const values = calls
      .flatMap((c) => Object.values(c.event.records).flat())
      .map((r) => Buffer.from(r.value, 'base64').toString());
    expect(values).toEqual(['before', big, 'after']);
  });

  it('writes header bytes as signed Java bytes, as AWS does', async () => {
    const topic = def.consumers.find((c) => c.name === 'ai-responses')?.topics[0] ?? '';
    const { handler, calls } = recordingHandler();
    const other = await platformWith(admin, 'ai-responses', {
      batchSize: 10,
      maximumBatchingWindowMs: 0,
    });
    const otherTopic = other.consumers.find((c) => c.name === 'ai-responses')?.topics[0] ?? topic;
    const esm = await startEsm(kafka, other, 'ai-responses', handler);
    try {
      await produce(kafka, otherTopic, [{ key: 'k', value: '{}', headers: { origin: 'café' } }]);
      await eventually(async () => expect(calls).toHaveLength(1));
    } finally {
      await esm.stop();
    }
    const record = Object.values(calls[0]?.event.records ?? {}).flat()[0];
    expect(record?.headers).toEqual([{ origin: [99, 97, 102, -61, -87] }]);
    // Our decoder reads them back; Powertools' schema cannot (String.fromCodePoint(-61)).
    expect(headerBytes(record?.headers[0]?.origin ?? []).toString()).toBe('café');
    expect(() => KafkaMskEventSchema.parse(calls[0]?.event)).toThrow(RangeError);
  });
});
