import type { Kafka } from 'kafkajs';
import { createPublishHandler } from '../../../functions/publish/handler';
import { EventHeader } from '../../../shared/events';
import { KafkaProducer } from '../../../shared/kafka/producer';
import { loadProducerConfig } from '../../../shared/kafka/producer-config';
import { platform, withNamespace } from '../../../shared/platform';
import { readMessages, uniquePrefix } from '../../support/kafka';
import { privateBroker } from '../../support/private-broker';
import { call, fixture } from './api-support';

/** A private broker: the shared test broker is never stopped. */
const broker = privateBroker(19392, 'publish-down');

describe('publish API when the broker stops', () => {
  const def = withNamespace(platform, uniquePrefix('down'));
  let kafka: Kafka;
  let producer: KafkaProducer;
  let handler: ReturnType<typeof createPublishHandler>;

  beforeAll(async () => {
    await broker.start();
    kafka = await broker.provisioned(def, 'publish-down-test', {
      KAFKA_CONNECTION_TIMEOUT_MS: '1000',
      KAFKA_REQUEST_TIMEOUT_MS: '5000',
    });
    producer = new KafkaProducer({
      kafka,
      config: loadProducerConfig({ KAFKA_PRODUCER_TIMEOUT_MS: '5000' }),
    });
    handler = createPublishHandler({ context: () => ({ platform: def, producer }) });
  }, 180_000);

  afterAll(async () => {
    await producer?.disconnect();
    await broker.stop();
  }, 60_000);

  it('answers 503 with Retry-After while the broker is down, and reports only what Kafka acknowledged', async () => {
    const before = [];
    for (let i = 0; i < 3; i += 1) {
      const result = await call(handler, '/events/conversation', {
        body: fixture('conversation-message'),
      });
      expect(result.status).toBe(200);
      before.push(result.json);
    }

    await broker.stop();

    const single = await call(handler, '/events/conversation', {
      body: JSON.stringify({
        ...JSON.parse(fixture('conversation-message')),
        event_id: 'while-down-1',
      }),
    });
    expect(single.status).toBe(503);
    expect(single.headers['content-type']).toBe('application/problem+json');
    expect(single.headers['retry-after']).toBe('5');
    // Refused (SERVICE_UNAVAILABLE), or DELIVERY_TIMEOUT when the broker's shutdown closed a
    // connection under a request ("may or may not"): either way nothing below shows up.
    expect(single.json).toMatchObject({ status: 503 });
    expect(['SERVICE_UNAVAILABLE', 'DELIVERY_TIMEOUT']).toContain(
      (single.json as { code?: string }).code,
    );

    const batch = await call(handler, '/events/batch', {
      body: JSON.stringify({
        events: [
          {
            event_type: 'user.action',
            data: { user_id: 'u1', action: 'a' },
            event_id: 'while-down-2',
          },
          {
            event_type: 'user.action',
            data: { user_id: 'u2', action: 'b' },
            event_id: 'while-down-3',
          },
        ],
      }),
    });
    expect(batch.status).toBe(503);
    expect(batch.headers['retry-after']).toBe('5');

    // Bring the same broker (same data) back: what was reported is there, what was refused is not.
    await broker.start();
    const conversationTopic = String(before[0]?.topic);
    const userTopic = def.eventRoutes.find((r) => r.eventType === 'user.action')?.topic ?? '';
    const reads = await readMessages(kafka, [conversationTopic], 3);
    expect(reads.map((r) => r.message.headers?.[EventHeader.Id]?.toString()).sort()).toEqual(
      before.map((b) => String(b.event_id)).sort(),
    );
    for (const b of before) {
      const read = reads.find(
        (r) => r.message.headers?.[EventHeader.Id]?.toString() === b.event_id,
      );
      expect(read?.message.offset).toBe(b.offset);
    }
    // A recovered producer publishes again; nothing refused while down shows up.
    const after = await call(handler, '/events/generic', {
      body: JSON.stringify({
        event_type: 'user.action',
        data: { user_id: 'u3', action: 'c' },
        event_id: 'after-recovery',
      }),
    });
    expect(after.status).toBe(200);
    const userReads = await readMessages(kafka, [userTopic], 1);
    expect(userReads.map((r) => r.message.headers?.[EventHeader.Id]?.toString())).toEqual([
      'after-recovery',
    ]);
    const moreConversation = await readMessages(kafka, [conversationTopic], 4, 5000).catch(
      () => 'only 3',
    );
    expect(moreConversation).toBe('only 3');
  }, 240_000);
});
