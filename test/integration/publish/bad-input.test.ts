import fc from 'fast-check';
import type { Admin } from 'kafkajs';
import { createPublishHandler } from '../../../functions/publish/handler';
import { KafkaProducer } from '../../../shared/kafka/producer';
import { loadProducerConfig } from '../../../shared/kafka/producer-config';
import { provisionedPlatform, testKafka } from '../../support/kafka';
import { call, fixture } from './api-support';
import type { CallOptions } from './api-support';

interface BadInput {
  readonly name: string;
  readonly path: string;
  readonly request: CallOptions;
  readonly status: number;
  /** Paths the problem's `errors` must name (422). */
  readonly paths?: readonly string[];
}

const json = (value: unknown): string => JSON.stringify(value);
const seedStarted = JSON.parse(fixture('conversation-started')) as Record<string, unknown>;
const seedAi = JSON.parse(fixture('ai-response')) as Record<string, unknown>;
const seedAnalytics = JSON.parse(fixture('business-analytics')) as Record<string, unknown>;
const seedMessage = JSON.parse(fixture('conversation-message')) as Record<string, unknown>;
const userAction = { event_type: 'user.action', data: { user_id: 'u1', action: 'login' } };

const BAD_INPUTS: readonly BadInput[] = [
  { name: 'malformed JSON', path: '/events/conversation', request: { body: '{bad' }, status: 400 },
  {
    name: 'truncated JSON',
    path: '/events/generic',
    request: { body: '{"event_type":' },
    status: 400,
  },
  { name: 'empty body', path: '/events/ai-response', request: { body: '' }, status: 400 },
  {
    name: 'base64 body that is not JSON',
    path: '/events/generic',
    request: {
      body: Buffer.from([0xff, 0x00, 0x7b]),
      headers: { 'content-type': 'application/json' },
    },
    status: 400,
  },
  {
    name: 'invalid UTF-8 in a JSON body',
    path: '/events/generic',
    request: {
      body: Buffer.concat([
        Buffer.from('{"event_type":"user.action","data":{"user_id":"u'),
        Buffer.from([0xc3, 0x28]),
        Buffer.from('","action":"login"}}'),
      ]),
    },
    status: 400,
  },
  {
    name: 'a key repeated in one object',
    path: '/events/generic',
    request: { body: '{"event_type":"user.action","event_type":"system.error","data":{}}' },
    status: 400,
  },
  {
    name: 'a key repeated in a nested object (escaped spelling)',
    path: '/events/generic',
    request: {
      body: '{"event_type":"user.action","data":{"user_id":"u1","action":"a","\\u0061ction":"b"}}',
    },
    status: 400,
  },
  {
    name: 'a lone surrogate in a string',
    path: '/events/generic',
    request: { body: '{"event_type":"user.action","data":{"user_id":"u\\ud800","action":"a"}}' },
    status: 422,
  },
  {
    name: 'CR/LF in event_id',
    path: '/events/generic',
    request: { body: json({ ...userAction, event_id: 'evt-1\r\nX-Injected: 1' }) },
    status: 422,
    paths: ['event_id'],
  },
  {
    name: 'a control character in source',
    path: '/events/ai-response',
    request: { body: json({ ...seedAi, source: 'urn:x\u0000' }) },
    status: 422,
    paths: ['source'],
  },
  {
    name: 'a C1 control character in subject',
    path: '/events/generic',
    request: { body: json({ ...userAction, subject: 'order\u0085' }) },
    status: 422,
    paths: ['subject'],
  },
  {
    name: 'a control character in the record key (conversation_id)',
    path: '/events/conversation',
    request: { body: json({ ...seedStarted, conversation_id: 'conv\u001b[31m' }) },
    status: 422,
    paths: ['key'],
  },
  {
    name: 'text/plain content type',
    path: '/events/conversation',
    request: { body: fixture('conversation-started'), headers: { 'content-type': 'text/plain' } },
    status: 415,
  },
  {
    name: 'XML content type',
    path: '/events/generic',
    request: { body: '<event/>', headers: { 'content-type': 'application/xml' } },
    status: 415,
  },
  {
    name: 'form content type',
    path: '/events/business-analytics',
    request: { body: 'a=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
    status: 415,
  },
  {
    name: 'missing content type',
    path: '/events/conversation',
    request: { body: fixture('conversation-started'), headers: { 'content-type': '' } },
    status: 415,
  },
  {
    name: 'single-event body over 1 MiB',
    path: '/events/generic',
    request: { body: json({ ...userAction, pad: 'x'.repeat(1024 * 1024) }) },
    status: 413,
  },
  {
    name: 'batch body over 5 MiB',
    path: '/events/batch',
    request: { body: json({ events: [userAction], pad: 'x'.repeat(5 * 1024 * 1024) }) },
    status: 413,
  },
  {
    name: 'event whose record exceeds the record limit',
    path: '/events/generic',
    request: {
      body: json({
        event_type: 'user.action',
        data: { user_id: 'u1', action: 'a', metadata: { blob: 'x'.repeat(1_020_000) } },
      }),
    },
    status: 413,
  },
  {
    name: 'JSON array body',
    path: '/events/conversation',
    request: { body: '[]' },
    status: 422,
    paths: ['(root)'],
  },
  {
    name: 'JSON nested deeper than 64 levels',
    path: '/events/generic',
    request: {
      body: `{"event_type":"user.action","data":{"user_id":"u","action":"a","metadata":${'{"a":'.repeat(150_000)}1${'}'.repeat(150_000)}}}`,
    },
    status: 400,
  },
  {
    name: 'correlation id with a line break',
    path: '/events/generic',
    request: { body: json({ ...userAction, correlation_id: 'a\nb' }) },
    status: 422,
    paths: ['correlation_id'],
  },
  {
    name: 'non-ASCII x-correlation-id header',
    path: '/events/generic',
    request: { body: json(userAction), headers: { 'x-correlation-id': 'caf\u00e9' } },
    status: 422,
    paths: ['headers.x-correlation-id'],
  },
  {
    name: 'JSON string body',
    path: '/events/ai-response',
    request: { body: '"hello"' },
    status: 422,
    paths: ['(root)'],
  },
  {
    name: 'JSON null body',
    path: '/events/generic',
    request: { body: 'null' },
    status: 422,
    paths: ['(root)'],
  },
  {
    name: 'conversation without action',
    path: '/events/conversation',
    request: { body: json({ conversation_id: 'c', user_id: 'u' }) },
    status: 422,
    paths: ['action'],
  },
  {
    name: 'conversation with an unknown action',
    path: '/events/conversation',
    request: { body: json({ ...seedStarted, action: 'paused' }) },
    status: 422,
    paths: ['action'],
  },
  {
    name: 'message without content',
    path: '/events/conversation',
    request: { body: json({ ...seedMessage, message_content: undefined }) },
    status: 422,
    paths: ['message_content'],
  },
  {
    name: 'message with an unknown message_type',
    path: '/events/conversation',
    request: { body: json({ ...seedMessage, message_type: 'robot' }) },
    status: 422,
    paths: ['message_type'],
  },
  {
    name: 'empty conversation id',
    path: '/events/conversation',
    request: { body: json({ ...seedStarted, conversation_id: '' }) },
    status: 422,
    paths: ['conversation_id'],
  },
  {
    name: 'user id longer than 256 characters',
    path: '/events/conversation',
    request: { body: json({ ...seedStarted, user_id: 'u'.repeat(300) }) },
    status: 422,
    paths: ['user_id'],
  },
  {
    name: 'metadata that is not an object',
    path: '/events/conversation',
    request: { body: json({ ...seedStarted, metadata: 'support' }) },
    status: 422,
    paths: ['metadata'],
  },
  {
    name: 'negative tokens_used',
    path: '/events/ai-response',
    request: { body: json({ ...seedAi, tokens_used: -5 }) },
    status: 422,
    paths: ['tokens_used'],
  },
  {
    name: 'fractional tokens_used',
    path: '/events/ai-response',
    request: { body: json({ ...seedAi, tokens_used: 1.5 }) },
    status: 422,
    paths: ['tokens_used'],
  },
  {
    name: 'AI response without prompt and response',
    path: '/events/ai-response',
    request: { body: json({ model_name: 'gpt-4', tokens_used: 1, response_time_ms: 1 }) },
    status: 422,
    paths: ['prompt', 'response'],
  },
  {
    name: 'metric value as a string',
    path: '/events/business-analytics',
    request: { body: json({ ...seedAnalytics, metric_value: '1250' }) },
    status: 422,
    paths: ['metric_value'],
  },
  {
    name: 'dimension that is not a string',
    path: '/events/business-analytics',
    request: { body: json({ ...seedAnalytics, dimensions: { region: 1 } }) },
    status: 422,
    paths: ['dimensions.region'],
  },
  {
    name: 'unknown event type',
    path: '/events/generic',
    request: { body: json({ event_type: 'conversation.exploded', data: {} }) },
    status: 422,
    paths: ['event_type'],
  },
  {
    name: 'generic data that is not an object',
    path: '/events/generic',
    request: { body: json({ event_type: 'user.action', data: [1, 2] }) },
    status: 422,
    paths: ['data'],
  },
  {
    name: 'generic data violating its type schema',
    path: '/events/generic',
    request: { body: json({ event_type: 'user.action', data: { action: 'login' } }) },
    status: 422,
    paths: ['data.user_id'],
  },
  {
    name: 'empty correlation id',
    path: '/events/generic',
    request: { body: json({ ...userAction, correlation_id: '' }) },
    status: 422,
    paths: ['correlation_id'],
  },
  {
    name: 'x-correlation-id header longer than 256 characters',
    path: '/events/generic',
    request: { body: json(userAction), headers: { 'x-correlation-id': 'c'.repeat(300) } },
    status: 422,
    paths: ['headers.x-correlation-id'],
  },
  {
    name: 'batch without events',
    path: '/events/batch',
    request: { body: '{}' },
    status: 422,
    paths: ['events'],
  },
  {
    name: 'batch with an empty events list',
    path: '/events/batch',
    request: { body: json({ events: [] }) },
    status: 422,
    paths: ['events'],
  },
  {
    name: 'batch with more than 500 events',
    path: '/events/batch',
    request: { body: json({ events: Array.from({ length: 501 }, () => userAction) }) },
    status: 422,
    paths: ['events'],
  },
  {
    name: 'unknown route',
    path: '/events/unknown',
    request: { body: json(userAction) },
    status: 404,
  },
];

const POST_ROUTES = [
  '/events/conversation',
  '/events/ai-response',
  '/events/business-analytics',
  '/events/generic',
  '/events/batch',
];

/** JSON-ish bodies built from the fields the routes know, with arbitrary values. */
const plausibleBody = fc.dictionary(
  fc.constantFrom(
    'action',
    'conversation_id',
    'user_id',
    'message_content',
    'message_type',
    'model_name',
    'prompt',
    'response',
    'tokens_used',
    'response_time_ms',
    'business_id',
    'metric_name',
    'metric_value',
    'dimensions',
    'event_type',
    'data',
    'events',
    'metadata',
    'correlation_id',
    'event_id',
    'source',
  ),
  fc.oneof(
    fc.jsonValue(),
    fc.constantFrom('started', 'message', 'ended', 'user.action', 'conversation.started', ''),
    fc.array(fc.record({ event_type: fc.constantFrom('user.action', 'x'), data: fc.jsonValue() })),
  ),
);

const randomBody = fc.oneof(
  plausibleBody.map((b) => JSON.stringify(b)),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string(),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
);

const randomContentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'application/cloudevents+json',
  'text/plain',
  '',
  'application/octet-stream',
);

describe('publish API: bad input is a 4xx problem, never a 5xx', () => {
  let admin: Admin;
  let producer: KafkaProducer;
  let handler: ReturnType<typeof createPublishHandler>;

  beforeAll(async () => {
    const kafka = testKafka('publish-bad-input-test');
    admin = kafka.admin();
    await admin.connect();
    const def = await provisionedPlatform(admin, 'bad');
    producer = new KafkaProducer({ kafka, config: loadProducerConfig({}) });
    handler = createPublishHandler({ context: () => ({ platform: def, producer }) });
  });

  afterAll(async () => {
    await producer.disconnect();
    await admin.disconnect();
  });

  it(`covers at least 20 kinds of bad input`, () => {
    expect(BAD_INPUTS.length).toBeGreaterThanOrEqual(20);
  });

  it.each(BAD_INPUTS.map((b) => [b.name, b] as const))('%s', async (_name, bad) => {
    const result = await call(handler, bad.path, bad.request);
    expect(result.status).toBe(bad.status);
    expect(result.headers['content-type']).toBe('application/problem+json');
    expect(result.json).toMatchObject({
      status: bad.status,
      type: expect.stringMatching(/^urn:xseven:problem:/),
    });
    if (bad.paths) {
      const named = (result.json.errors as { path: string }[]).map((e) => e.path);
      expect(named).toEqual(expect.arrayContaining([...bad.paths]));
    }
  });

  it('never answers a random body with a 5xx (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...POST_ROUTES),
        randomBody,
        randomContentType,
        async (path, body, contentType) => {
          const result = await call(handler, path, {
            body,
            headers: { 'content-type': contentType },
          });
          expect(result.status).toBeLessThan(500);
          if (result.status >= 400) {
            expect(result.headers['content-type']).toBe('application/problem+json');
            expect(result.json.status).toBe(result.status);
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});
