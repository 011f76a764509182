import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { PUBLISH_ROUTES } from '../../../functions/publish/routes';
import { currentVersionOf } from '../../../shared/events/catalogue';
import {
  aiResponseGeneratedV1,
  businessAnalyticsUpdateV1,
  conversationEndedV1,
  conversationMessageV1,
  conversationStartedV1,
} from '../../../shared/events/schemas';
import { KafkaUnavailableError } from '../../../shared/errors';
import { DeliveryTimeoutError, DeliveryUncertainty } from '../../../shared/kafka/errors';
import type { KafkaProducer, SendOutcome } from '../../../shared/kafka/producer';
import type { OutgoingRecord } from '../../../shared/kafka/records';
import { problemResponse } from '../../../shared/http/problem';
import { createLogger } from '../../../shared/observability/logger';
import { platform } from '../../../shared/platform';

/** Calls a publish route with a JSON body; the producer only records what it is given. */
const publishThrough = async (
  routeKey: keyof typeof PUBLISH_ROUTES,
  body: unknown,
): Promise<OutgoingRecord[]> => {
  const sent: OutgoingRecord[] = [];
  const producer = {
    sendEach: async (records: readonly OutgoingRecord[]) => {
      sent.push(...records);
      return records.map((r) => ({
        ok: true,
        position: { topic: r.topic, partition: 0, offset: '0' },
      }));
    },
  } as unknown as KafkaProducer;
  const route = PUBLISH_ROUTES[routeKey];
  const event = { headers: {}, requestContext: { requestId: 'r1' }, jsonBody: body };
  const result = await route.handle(
    event as unknown as APIGatewayProxyEventV2 & { jsonBody: unknown },
    {},
    {
      context: () => ({ platform, producer }),
      logger: createLogger('publish-routes-test'),
      openApi: async () => ({}),
    },
  );
  expect(result.statusCode).toBe(200);
  return sent;
};

describe('publish function routes', () => {
  it('implements exactly the publish routes of the platform definition', () => {
    const defined = platform.httpRoutes
      .filter((r) => r.function === 'publish')
      .map((r) => `${r.method} ${r.path.slice(platform.apiBasePath.length)}`)
      .sort();
    expect(Object.keys(PUBLISH_ROUTES).sort()).toEqual(defined);
  });

  it("extends the current writer's contract of each typed route's event type", () => {
    // The typed routes validate the data once, with their request schema: it must be the current version's.
    expect(conversationStartedV1()).toBe(currentVersionOf('conversation.started').writer);
    expect(conversationMessageV1()).toBe(currentVersionOf('conversation.message').writer);
    expect(conversationEndedV1()).toBe(currentVersionOf('conversation.ended').writer);
    expect(aiResponseGeneratedV1()).toBe(currentVersionOf('ai.response.generated').writer);
    expect(businessAnalyticsUpdateV1()).toBe(currentVersionOf('business.analytics.update').writer);
  });

  it('validates the data of a typed route once: its request schema is the data schema, extended', async () => {
    const parse = jest.spyOn(currentVersionOf('conversation.started').writer, 'safeParse');
    try {
      const body = { action: 'started', conversation_id: 'c1', user_id: 'u1' };
      const [typed] = await publishThrough('POST /events/conversation', body);
      expect(parse).not.toHaveBeenCalled();
      const generic = await publishThrough('POST /events/generic', {
        event_type: 'conversation.started',
        data: { conversation_id: 'c1', user_id: 'u1' },
      });
      expect(parse).toHaveBeenCalledTimes(1);
      const dataOf = (record: OutgoingRecord | undefined): unknown =>
        (JSON.parse(String(record?.value)) as { data: unknown }).data;
      expect(dataOf(typed)).toEqual(dataOf(generic[0]));
    } finally {
      parse.mockRestore();
    }
  });

  describe('when Kafka confirms only part of a send', () => {
    /** Calls a route with a producer whose outcome per record `outcomeOf` decides. */
    const answerOf = async (
      routeKey: keyof typeof PUBLISH_ROUTES,
      body: unknown,
      outcomeOf: (record: OutgoingRecord, index: number) => SendOutcome,
    ) => {
      const producer = {
        sendEach: async (records: readonly OutgoingRecord[]) => records.map(outcomeOf),
      } as unknown as KafkaProducer;
      const event = { headers: {}, requestContext: { requestId: 'r1' }, jsonBody: body };
      // A thrown error is rendered as the function's middleware renders it.
      const result = await PUBLISH_ROUTES[routeKey]
        .handle(
          event as unknown as APIGatewayProxyEventV2 & { jsonBody: unknown },
          {},
          {
            context: () => ({ platform, producer }),
            logger: createLogger('publish-routes-test'),
            openApi: async () => ({}),
          },
        )
        .catch((error: unknown) => problemResponse(error));
      return {
        status: result.statusCode,
        headers: result.headers ?? {},
        body: JSON.parse(String(result.body)) as Record<string, unknown>,
      };
    };
    const events = [0, 1, 2].map((i) => ({
      event_type: 'user.action',
      data: { user_id: `u${i}`, action: 'login' },
    }));
    const timedOut = new DeliveryTimeoutError(1, DeliveryUncertainty.Deadline, 20_000);
    const written = (record: OutgoingRecord): SendOutcome => ({
      ok: true,
      position: { topic: record.topic, partition: 0, offset: '7' },
    });

    it('the batch route answers 207: the written items 200, the others 503 naming why', async () => {
      const answer = await answerOf('POST /events/batch', { events }, (record, i) =>
        i === 1 ? { ok: false, error: timedOut } : written(record),
      );

      expect(answer.status).toBe(207);
      expect(answer.body).toMatchObject({ published: 2, failed: 1 });
      const results = answer.body.results as Record<string, unknown>[];
      expect(results.map((r) => r.http_status)).toEqual([200, 503, 200]);
      expect(results[1]).toMatchObject({
        status: 'failed',
        error: {
          status: 503,
          code: 'DELIVERY_TIMEOUT',
          detail: expect.stringContaining('may or may not be published'),
        },
      });
    });

    it('a delivery timeout is a 503 with Retry-After saying the event may or may not be published', async () => {
      const answer = await answerOf('POST /events/generic', events[0], () => ({
        ok: false,
        error: timedOut,
      }));

      expect(answer.status).toBe(503);
      expect(answer.headers['retry-after']).toBe('5');
      expect(answer.body).toMatchObject({
        code: 'DELIVERY_TIMEOUT',
        detail: expect.stringContaining('may or may not be published'),
      });
    });

    it('a batch with nothing written answers one 503, "may or may not" when any item may be', async () => {
      const unavailable = new KafkaUnavailableError('down');
      const answer = await answerOf('POST /events/batch', { events }, (_, i) => ({
        ok: false,
        error: i === 2 ? timedOut : unavailable,
      }));

      expect(answer.status).toBe(503);
      expect(answer.headers['retry-after']).toBe('5');
      expect(answer.body).toMatchObject({ code: 'DELIVERY_TIMEOUT' });
    });
  });
});
