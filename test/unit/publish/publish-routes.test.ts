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
import type { KafkaProducer } from '../../../shared/kafka/producer';
import type { OutgoingRecord } from '../../../shared/kafka/records';
import { createLogger } from '../../../shared/observability/logger';
import { platform } from '../../../shared/platform';

/** Calls a publish route with a JSON body; the producer only records what it is given. */
const publishThrough = async (
  routeKey: keyof typeof PUBLISH_ROUTES,
  body: unknown,
): Promise<OutgoingRecord[]> => {
  const sent: OutgoingRecord[] = [];
  const producer = {
    send: async (records: readonly OutgoingRecord[]) => {
      sent.push(...records);
      return records.map((r) => ({ topic: r.topic, partition: 0, offset: '0' }));
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
    expect(conversationStartedV1).toBe(currentVersionOf('conversation.started').writer);
    expect(conversationMessageV1).toBe(currentVersionOf('conversation.message').writer);
    expect(conversationEndedV1).toBe(currentVersionOf('conversation.ended').writer);
    expect(aiResponseGeneratedV1).toBe(currentVersionOf('ai.response.generated').writer);
    expect(businessAnalyticsUpdateV1).toBe(currentVersionOf('business.analytics.update').writer);
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
});
