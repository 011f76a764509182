import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import type { ValidateFunction } from 'ajv';
import type { Admin, Kafka } from 'kafkajs';
import { createPublishHandler } from '../../../functions/publish/handler';
import { EventHeader, parseSchemaUri, schemaFilePath, validateEvent } from '../../../shared/events';
import { KafkaProducer } from '../../../shared/kafka/producer';
import { loadProducerConfig } from '../../../shared/kafka/producer-config';
import type { PlatformDefinition } from '../../../shared/platform';
import { topicForEventType } from '../../../shared/platform';
import { provisionedPlatform, readMessages, testKafka } from '../../support/kafka';
import type { ReadMessage } from '../../support/kafka';
import { call, fixture } from './api-support';
import type { CallResult } from './api-support';

const ajv = new Ajv2020({ strict: true, allErrors: true });
const validators = new Map<string, ValidateFunction>();
/** The committed JSON Schema file a `dataschema` URI names, compiled. */
const committedSchemaOf = (dataschema: string): ValidateFunction => {
  const ref = parseSchemaUri(dataschema);
  expect(ref).toBeDefined();
  const path = schemaFilePath(ref ?? { eventType: '', major: 0, version: 0 });
  const cached = validators.get(path);
  if (cached) return cached;
  const file = join(__dirname, '..', '..', '..', path);
  const validate = ajv.compile(JSON.parse(readFileSync(file, 'utf8')) as object);
  validators.set(path, validate);
  return validate;
};

/** Asserts that the record read back is the one the API reported, with CloudEvents headers and envelope. */
const expectRecordOf = (
  reads: readonly ReadMessage[],
  reported: Record<string, unknown>,
): Record<string, unknown> => {
  const read = reads.find(
    (r) => r.message.headers?.[EventHeader.Id]?.toString() === reported.event_id,
  );
  expect(read).toBeDefined();
  const r = read as ReadMessage;
  expect(r.topic).toBe(reported.topic);
  expect(r.partition).toBe(reported.partition);
  expect(r.message.offset).toBe(reported.offset);
  expect(r.message.key?.toString()).toBe(reported.key);
  expect(r.message.headers?.[EventHeader.ContentType]?.toString()).toBe(
    'application/cloudevents+json; charset=UTF-8',
  );
  expect(r.message.headers?.[EventHeader.Type]?.toString()).toBe(reported.event_type);
  const written = JSON.parse(r.message.value?.toString() ?? '') as Record<string, unknown>;
  // its dataschema resolves to the committed schema file that validates its data
  const dataschema = String(written.dataschema);
  const validate = committedSchemaOf(dataschema);
  expect(validate(written.data) ? [] : validate.errors).toEqual([]);
  const envelope = validateEvent(written);
  expect(envelope).toMatchObject({
    specversion: '1.0',
    id: reported.event_id,
    type: reported.event_type,
    correlationid: reported.correlation_id,
  });
  return envelope.data as Record<string, unknown>;
};

describe('publish API (HTTP API payload 2.0) on the real broker', () => {
  let kafka: Kafka;
  let admin: Admin;
  let def: PlatformDefinition;
  let producer: KafkaProducer;
  let handler: ReturnType<typeof createPublishHandler>;

  beforeAll(async () => {
    kafka = testKafka('publish-api-test');
    admin = kafka.admin();
    await admin.connect();
    def = await provisionedPlatform(admin, 'api');
    producer = new KafkaProducer({ kafka, config: loadProducerConfig({}) });
    handler = createPublishHandler({ context: () => ({ platform: def, producer }) });
  });

  afterAll(async () => {
    await producer.disconnect();
    await admin.disconnect();
  });

  it('publishes the three conversation actions in order on one partition', async () => {
    const results: CallResult[] = [];
    for (const name of ['conversation-started', 'conversation-message', 'conversation-ended'])
      results.push(await call(handler, '/events/conversation', { body: fixture(name) }));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(results.map((r) => r.json.event_type)).toEqual([
      'conversation.started',
      'conversation.message',
      'conversation.ended',
    ]);
    const topic = topicForEventType(def, 'conversation.started');
    for (const r of results)
      expect(r.json).toMatchObject({ status: 'published', topic, key: 'conv_123' });
    const reads = await readMessages(kafka, [topic], 3);
    const data = results.map((r) => expectRecordOf(reads, r.json));
    expect(data[0]).toMatchObject({
      conversation_id: 'conv_123',
      metadata: { conversation_type: 'support' },
    });
    expect(data[0]).not.toHaveProperty('action');
    expect(data[1]).toMatchObject({ message_content: 'Hello, I need help with my order' });
    expect(BigInt(String(results[2]?.json.offset))).toBe(
      BigInt(String(results[0]?.json.offset)) + 2n,
    );
  });

  it('refuses unknown fields on every publish route, naming them (one policy with the management routes)', async () => {
    const json = (name: string): Record<string, unknown> =>
      JSON.parse(fixture(name)) as Record<string, unknown>;
    const seed = json('ai-response-seed');
    const cases: [string, Record<string, unknown>][] = [
      ['/events/ai-response', { ...json('ai-response'), colour: 'red' }],
      [
        '/events/ai-response',
        { ...seed, response_data: { ...(seed.response_data as object), extra: 1 } },
      ],
      ['/events/generic', { ...json('generic'), colour: 'red' }],
      ['/events/batch', { events: [json('generic')], colour: 'red' }],
    ];
    for (const [path, body] of cases) {
      const result = await call(handler, path, { body: JSON.stringify(body) });
      expect({ path, status: result.status }).toEqual({ path, status: 422 });
      expect(JSON.stringify(result.json.errors)).toMatch(/Unrecognized key/);
    }
  });

  it('publishes an AI response, a business analytics update and a generic event', async () => {
    const ai = await call(handler, '/events/ai-response', {
      body: fixture('ai-response'),
      headers: { 'x-correlation-id': 'corr-from-header' },
    });
    const analytics = await call(handler, '/events/business-analytics', {
      body: fixture('business-analytics'),
    });
    const generic = await call(handler, '/events/generic', { body: fixture('generic') });
    expect([ai.status, analytics.status, generic.status]).toEqual([200, 200, 200]);
    expect(ai.json).toMatchObject({
      event_type: 'ai.response.generated',
      topic: topicForEventType(def, 'ai.response.generated'),
      key: 'conv_123',
      correlation_id: 'corr-from-header',
    });
    expect(ai.headers['x-correlation-id']).toBe('corr-from-header');
    expect(analytics.json).toMatchObject({
      event_type: 'business.analytics.update',
      key: 'biz_789',
    });
    expect(generic.json).toMatchObject({
      event_type: 'user.action',
      key: 'user_456',
      correlation_id: 'corr-generic-1',
      topic: topicForEventType(def, 'user.action'),
    });

    const reads = await readMessages(
      kafka,
      [ai, analytics, generic].map((r) => String(r.json.topic)),
      3,
    );
    expect(expectRecordOf(reads, ai.json)).toMatchObject({
      model_name: 'gpt-4',
      tokens_used: 150,
      cost_usd: 0.003,
    });
    expect(expectRecordOf(reads, analytics.json)).toMatchObject({
      metric_value: 1250,
      dimensions: { plan: 'premium' },
    });
    expect(expectRecordOf(reads, generic.json)).toMatchObject({ action: 'login' });
    const genericRead = reads.find(
      (r) => r.message.headers?.[EventHeader.Id]?.toString() === generic.json.event_id,
    );
    const genericValue = JSON.parse(genericRead?.message.value?.toString() ?? '') as {
      source: string;
    };
    expect(genericValue.source).toBe('urn:xseven:web');
  });

  it('publishes a batch with 200 and per-item positions', async () => {
    const result = await call(handler, '/events/batch', { body: fixture('batch') });
    expect(result.status).toBe(200);
    expect(result.json).toMatchObject({ published: 3, failed: 0 });
    const items = result.json.results as Record<string, unknown>[];
    expect(items.map((i) => i.index)).toEqual([0, 1, 2]);
    const reads = await readMessages(kafka, [...new Set(items.map((i) => String(i.topic)))], 3);
    for (const item of items) expectRecordOf(reads, item);
  });

  it('answers 207 for a partly invalid batch, publishing only the valid items', async () => {
    const result = await call(handler, '/events/batch', { body: fixture('batch-partly-invalid') });
    expect(result.status).toBe(207);
    expect(result.json).toMatchObject({ published: 1, failed: 2 });
    const [ok, missingUser, unknownType] = result.json.results as Record<string, unknown>[];
    expect(ok).toMatchObject({ index: 0, http_status: 200, status: 'published' });
    expect(missingUser).toMatchObject({
      index: 1,
      status: 'failed',
      http_status: 422,
      error: { errors: [{ path: 'data.user_id' }] },
    });
    expect(unknownType).toMatchObject({
      index: 2,
      http_status: 422,
      error: { errors: [{ path: 'event_type' }] },
    });
    // the generic event of an earlier test went to the same topic
    const reads = await readMessages(kafka, [String(ok?.topic)], 2);
    expectRecordOf(reads, ok as Record<string, unknown>);
  });

  it('serves an OpenAPI 3.1 document generated from the request schemas', async () => {
    const result = await call(handler, '/openapi.json', { method: 'GET', headers: {} });
    expect(result.status).toBe(200);
    expect(result.json.openapi).toBe('3.1.0');
    const paths = result.json.paths as Record<
      string,
      Record<string, { requestBody?: unknown; responses: Record<string, unknown> }>
    >;
    for (const route of def.httpRoutes)
      expect(paths[route.path]?.[route.method.toLowerCase()]).toBeDefined();
    const conversation = paths['/api/v1/kafka/events/conversation']?.post;
    expect(conversation?.requestBody).toMatchObject({
      content: {
        'application/json': { schema: { $ref: '#/components/schemas/ConversationEventRequest' } },
      },
    });
    expect(Object.keys(conversation?.responses ?? {})).toEqual(
      expect.arrayContaining(['200', '400', '413', '415', '422', '503']),
    );
    const schemas = (result.json.components as { schemas: Record<string, { required?: string[] }> })
      .schemas;
    expect(schemas.AiResponseEventRequest?.required).toEqual(
      expect.arrayContaining([
        'model_name',
        'prompt',
        'response',
        'tokens_used',
        'response_time_ms',
      ]),
    );
    expect(schemas.AiResponseSeedEventRequest?.required).toEqual(
      expect.arrayContaining(['model_name', 'response_data']),
    );
  });
  it("accepts the seed's ai-response body (response fields nested in response_data) as the same event", async () => {
    const seed = await call(handler, '/events/ai-response', { body: fixture('ai-response-seed') });
    expect(seed.status).toBe(200);
    const topic = topicForEventType(def, 'ai.response.generated');
    // every record of the topic so far (earlier tests wrote to it too)
    const written = (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0);
    const reads = await readMessages(kafka, [topic], written);
    const data = expectRecordOf(reads, seed.json);
    expect(data).toEqual(JSON.parse(fixture('ai-response')));
  });
});

describe('publish API: batches larger than one Kafka record batch', () => {
  let kafka: Kafka;
  let admin: Admin;
  let producer: KafkaProducer;
  let handler: ReturnType<typeof createPublishHandler>;

  beforeAll(async () => {
    kafka = testKafka('publish-api-big-test');
    admin = kafka.admin();
    await admin.connect();
    const def = await provisionedPlatform(admin, 'big');
    producer = new KafkaProducer({ kafka, config: loadProducerConfig({}) });
    handler = createPublishHandler({ context: () => ({ platform: def, producer }) });
  });

  afterAll(async () => {
    await producer.disconnect();
    await admin.disconnect();
  });

  it('publishes events of one entity that together exceed the broker message limit', async () => {
    // incompressible payloads: together far above the broker's 1 MiB per record batch
    const events = Array.from({ length: 3 }, () => ({
      event_type: 'user.action',
      data: {
        user_id: 'same-user',
        action: 'upload',
        metadata: { blob: randomBytes(450_000).toString('base64') },
      },
    }));
    const result = await call(handler, '/events/batch', { body: JSON.stringify({ events }) });
    expect(result.status).toBe(200);
    const items = result.json.results as Record<string, unknown>[];
    expect(new Set(items.map((i) => i.partition)).size).toBe(1);
    const reads = await readMessages(kafka, [String(items[0]?.topic)], 3);
    for (const item of items) expectRecordOf(reads, item);
  });
});
