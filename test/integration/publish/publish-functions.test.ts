import type { Admin, Kafka } from 'kafkajs';
import { EventHeader, validateEvent } from '../../../shared/events';
import { KafkaProducer } from '../../../shared/kafka/producer';
import { loadProducerConfig } from '../../../shared/kafka/producer-config';
import { MetricName } from '../../../shared/platform/metrics';
import { metricSnapshot } from '../../../shared/observability/metrics';
import type { PlatformDefinition } from '../../../shared/platform';
import { topicForEventType } from '../../../shared/platform';
import {
  publishAiResponseGenerated,
  publishBusinessAnalyticsUpdate,
  publishConversationEnded,
  publishConversationMessage,
  publishConversationStarted,
  publishEvent,
  publishEvents,
} from '../../../shared/publish';
import type { PublishContext, PublishedEvent } from '../../../shared/publish';
import { provisionedPlatform, readMessages, testKafka } from '../../support/kafka';
import type { ReadMessage } from '../../support/kafka';

const header = (read: ReadMessage, name: string): string | undefined =>
  read.message.headers?.[name]?.toString();

/** Asserts that `read` is the record of `published`: topic, key, partition, offset, headers, envelope. */
const expectRecordOf = (read: ReadMessage | undefined, published: PublishedEvent): void => {
  expect(read).toBeDefined();
  const r = read as ReadMessage;
  expect(r.topic).toBe(published.topic);
  expect(r.partition).toBe(published.partition);
  expect(r.message.offset).toBe(published.offset);
  expect(r.message.key?.toString()).toBe(published.key);
  expect(header(r, EventHeader.ContentType)).toBe('application/cloudevents+json; charset=UTF-8');
  expect(header(r, EventHeader.Id)).toBe(published.eventId);
  expect(header(r, EventHeader.Type)).toBe(published.type);
  // Since 2026-12-02 the other attributes are in the value only.
  expect(Object.keys(r.message.headers ?? {}).sort()).toEqual(['ce_id', 'ce_type', 'content-type']);
  const envelope = validateEvent(JSON.parse(r.message.value?.toString() ?? ''));
  expect(envelope).toMatchObject({
    specversion: '1.0',
    id: published.eventId,
    type: published.type,
  });
  if (published.correlationId !== undefined) {
    expect(envelope.correlationid).toBe(published.correlationId);
  }
};

const byEventId = (reads: readonly ReadMessage[], id: string): ReadMessage | undefined =>
  reads.find((r) => r.message.headers?.[EventHeader.Id]?.toString() === id);

describe('publishing functions on the real broker', () => {
  let kafka: Kafka;
  let admin: Admin;
  let def: PlatformDefinition;
  let producer: KafkaProducer;
  let context: PublishContext;

  beforeAll(async () => {
    kafka = testKafka('publish-functions-test');
    admin = kafka.admin();
    await admin.connect();
    def = await provisionedPlatform(admin, 'pub');
    producer = new KafkaProducer({ kafka, config: loadProducerConfig({}) });
    context = { platform: def, producer };
  });

  afterAll(async () => {
    await producer.disconnect();
    await admin.disconnect();
  });

  it("writes each of the seed's convenience functions as a CloudEvents record, keyed by entity", async () => {
    const options = { context, correlationId: 'corr-seed-1' };
    const started = await publishConversationStarted(
      'conv_123',
      'user_456',
      { conversation_type: 'customer_support', business_id: 'biz_789' },
      options,
    );
    const message = await publishConversationMessage(
      'conv_123',
      'user_456',
      'Hello, I need help with my order',
      'user',
      options,
    );
    const ended = await publishConversationEnded(
      'conv_123',
      'user_456',
      { reason: 'resolved' },
      options,
    );
    const ai = await publishAiResponseGenerated(
      'gpt-4',
      {
        prompt: 'Hello, I need help with my order',
        response: "I'd be happy to help you with your order...",
        tokens_used: 150,
        response_time_ms: 1200,
        cost_usd: 0.003,
      },
      { userId: 'user_456', conversationId: 'conv_123' },
      options,
    );
    const analytics = await publishBusinessAnalyticsUpdate(
      'daily_active_users',
      1250,
      'biz_789',
      { metric_type: 'gauge', dimensions: { region: 'us-east-1', plan: 'premium' } },
      options,
    );

    expect(started.topic).toBe(topicForEventType(def, 'conversation.started'));
    expect([started.key, message.key, ended.key, ai.key]).toEqual([
      'conv_123',
      'conv_123',
      'conv_123',
      'conv_123',
    ]);
    expect(analytics.key).toBe('biz_789');
    // one conversation, one partition, in order
    expect(new Set([started.partition, message.partition, ended.partition]).size).toBe(1);
    expect(BigInt(message.offset)).toBe(BigInt(started.offset) + 1n);

    const topics = [...new Set([started, ai, analytics].map((p) => p.topic))];
    const reads = await readMessages(kafka, topics, 5);
    for (const published of [started, message, ended, ai, analytics])
      expectRecordOf(byEventId(reads, published.eventId), published);

    const startedData = JSON.parse(
      byEventId(reads, started.eventId)?.message.value?.toString() ?? '{}',
    ).data;
    expect(startedData).toMatchObject({
      conversation_id: 'conv_123',
      conversation_type: 'customer_support',
      business_id: 'biz_789',
    });
    const analyticsData = JSON.parse(
      byEventId(reads, analytics.eventId)?.message.value?.toString() ?? '{}',
    ).data;
    expect(analyticsData).toMatchObject({
      metric_type: 'gauge',
      dimensions: { region: 'us-east-1', plan: 'premium' },
    });
  });

  it('publishes any event type with publishEvent, routed by the definition', async () => {
    const published = await publishEvent(
      'workflow.failed',
      { workflow_id: 'wf-1', workflow_name: 'onboarding', error_message: 'step 2 timed out' },
      { context, eventId: 'evt-fixed-id-1', source: 'urn:test' },
    );
    expect(published).toMatchObject({
      eventId: 'evt-fixed-id-1',
      topic: topicForEventType(def, 'workflow.failed'),
      key: 'wf-1',
    });
    const [read] = await readMessages(kafka, [published.topic], 1);
    expectRecordOf(read, published);
    const value = JSON.parse((read as ReadMessage).message.value?.toString() ?? '') as {
      source: string;
    };
    expect(value.source).toBe('urn:test');
  });

  it('publishes a batch, failing invalid items alone and reporting positions of the rest', async () => {
    const results = await publishEvents(
      [
        { type: 'user.action', data: { user_id: 'u-b', action: 'login' } },
        { type: 'user.action', data: { user_id: '', action: 'login' } },
        { type: 'system.health_check', data: { component: 'api', status: 'healthy' } },
        { type: 'user.action', data: { user_id: 'u-b', action: 'logout' } },
      ],
      { context },
    );
    expect(results.map((r) => r.ok)).toEqual([true, false, true, true]);
    const failed = results[1];
    expect(failed?.ok === false && failed.error.code).toBe('VALIDATION_FAILED');
    const ok = results.flatMap((r) => (r.ok ? [r.published] : []));
    const reads = await readMessages(kafka, [...new Set(ok.map((p) => p.topic))], 3);
    for (const published of ok) expectRecordOf(byEventId(reads, published.eventId), published);
    expect(BigInt(ok[2]?.offset ?? 0)).toBe(BigInt(ok[0]?.offset ?? 0) + 1n);
  });

  it('records the producer metrics per topic', async () => {
    const before = metricSnapshot().find(
      (s) =>
        s.name === MetricName.ProducerMessagesSent &&
        s.labels.topic === topicForEventType(def, 'system.error'),
    );
    await publishEvent(
      'system.error',
      { component: 'api', error_type: 'Timeout', error_message: 'upstream' },
      { context },
    );
    const after = metricSnapshot().find(
      (s) =>
        s.name === MetricName.ProducerMessagesSent &&
        s.labels.topic === topicForEventType(def, 'system.error'),
    );
    expect((after?.sum ?? 0) - (before?.sum ?? 0)).toBe(1);
    expect(metricSnapshot().some((s) => s.name === MetricName.ProducerSendDurationSeconds)).toBe(
      true,
    );
    expect(metricSnapshot().some((s) => s.name === MetricName.ProducerBatchSize)).toBe(true);
  });
});
