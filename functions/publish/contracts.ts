import * as z from 'zod';
import { EVENT_TYPES } from '../../shared/events/event-types';
import type { EventType } from '../../shared/events/event-types';
import { header, routeContract } from '../../shared/http/contract';
import type { AnswerContract, ContractTable } from '../../shared/http/contract';
import { problemSchema } from '../../shared/http/problem-schema';
import { lazy } from '../../shared/lazy';
import {
  aiResponseRequestSchema,
  aiResponseSeedRequestSchema,
  batchRequestSchema,
  businessAnalyticsRequestSchema,
  conversationRequestSchema,
  genericEventRequestSchema,
  isSeedAiResponse,
} from './request-schemas';

/**
 * The contracts of the publish function's routes (shared/http/contract.ts):
 * the request schemas its routes validate with, and their answers. Answer
 * schemas are strict: a field the document does not name fails the
 * integration tests.
 */

/** The answer of a published event. */
export const publishedSchema = lazy(() =>
  z
    .strictObject({
      status: z.literal('published'),
      event_id: z.string(),
      event_type: z.enum(EVENT_TYPES as [EventType, ...EventType[]]),
      topic: z.string(),
      partition: z.number().int().min(0),
      offset: z.string().regex(/^\d+$/).describe('decimal string (64-bit offset)'),
      key: z.string(),
      correlation_id: z.string().optional(),
    })
    .meta({ id: 'PublishedEvent' }),
);
export type PublishedResponse = z.infer<ReturnType<typeof publishedSchema>>;

const batchResultSchema = lazy(() =>
  z
    .strictObject({
      published: z.number().int().min(0),
      failed: z.number().int().min(0),
      results: z.array(
        z.union([
          publishedSchema().extend({ index: z.number().int(), http_status: z.literal(200) }),
          z.strictObject({
            index: z.number().int(),
            status: z.literal('failed'),
            http_status: z.number().int().min(400).max(599),
            error: problemSchema().omit({ instance: true }),
          }),
        ]),
      ),
    })
    .meta({ id: 'BatchResult' }),
);
export type BatchResponse = z.infer<ReturnType<typeof batchResultSchema>>;
export type BatchItemResponse = BatchResponse['results'][number];

const published = (): Record<number, AnswerContract> => ({
  200: {
    description: 'published: Kafka acknowledged the record (acks=all)',
    body: publishedSchema(),
    headers: { 'x-correlation-id': header("the event's correlation id") },
  },
  413: { description: 'the body, or the event as a record, is too large' },
  503: {
    description:
      'Kafka is unavailable (code SERVICE_UNAVAILABLE: not published) or did not confirm the write within KAFKA_PRODUCER_DELIVERY_TIMEOUT_MS (code DELIVERY_TIMEOUT: may or may not be published); retry after Retry-After with the same event_id',
    headers: { 'Retry-After': header('seconds to wait', 'integer') },
  },
});

/**
 * The publish routes' contracts, by route key below the API base path:
 * built on the first request (serveRoutes), not at the function's init (#13).
 */
export const publishContracts = lazy(() => {
  /** The request headers the publish routes read. */
  const publishHeaders = z.object({
    'x-correlation-id': z
      .string()
      .regex(/^[\x20-\x7e]{0,256}$/, 'must be at most 256 printable ASCII characters')
      .optional()
      .meta({
        description:
          "the event's correlation id when the body has no `correlation_id` (else the API request id); echoed in the answer",
      }),
    traceparent: z.string().optional().meta({
      description:
        'W3C trace context of the caller: each event becomes a span of its trace (one that does not parse starts a new trace)',
    }),
  });

  const flatAiResponse = aiResponseRequestSchema().meta({ id: 'AiResponseEventRequest' });
  const seedAiResponse = aiResponseSeedRequestSchema().meta({ id: 'AiResponseSeedEventRequest' });
  const genericEvent = genericEventRequestSchema().meta({ id: 'GenericEventRequest' });

  return {
    'POST /events/conversation': routeContract({
      operationId: 'publish_conversation_event',
      headers: publishHeaders,
      description:
        'conversation.started, .message or .ended by `action`; the data fields at the top level, as the seed.',
      body: conversationRequestSchema().meta({ id: 'ConversationEventRequest' }),
      answers: published,
    }),
    'POST /events/ai-response': routeContract({
      operationId: 'publish_ai_response_event',
      headers: publishHeaders,
      description:
        "The response fields at the top level, or nested in `response_data` as the seed's body has them.",
      body: z.union([flatAiResponse, seedAiResponse]).meta({ id: 'AiResponseEventBody' }),
      bodyVariant: (body) => (isSeedAiResponse(body) ? seedAiResponse : flatAiResponse),
      answers: published,
    }),
    'POST /events/business-analytics': routeContract({
      operationId: 'publish_business_analytics_event',
      headers: publishHeaders,
      body: businessAnalyticsRequestSchema().meta({ id: 'BusinessAnalyticsEventRequest' }),
      answers: published,
    }),
    'POST /events/generic': routeContract({
      operationId: 'publish_event',
      headers: publishHeaders,
      description: "Any event type; `data` is validated with the type's latest schema.",
      body: genericEvent,
      answers: published,
    }),
    'POST /events/batch': routeContract({
      operationId: 'publish_events',
      headers: publishHeaders,
      description:
        'Each item is a GenericEventRequest, validated and published on its own: an invalid item fails alone (its result says why), as in Confluent REST Proxy.',
      body: batchRequestSchema().meta({ id: 'BatchEventRequest' }),
      answers: () => ({
        200: { description: 'every event was published', body: batchResultSchema() },
        207: {
          description:
            'some events failed (invalid, or their partition not confirmed by Kafka while others were: a 503 item, code SERVICE_UNAVAILABLE or DELIVERY_TIMEOUT); see each result',
          body: batchResultSchema(),
        },
        413: { description: 'the body is too large' },
        503: {
          description:
            'no event was published: Kafka is unavailable (code SERVICE_UNAVAILABLE), or did not confirm in time (code DELIVERY_TIMEOUT: some may or may not be published); retry after Retry-After',
          headers: { 'Retry-After': header('seconds to wait', 'integer') },
        },
      }),
    }),
    'GET /openapi.json': routeContract({
      operationId: 'get_openapi_document',
      answers: () => ({
        200: {
          description: 'this document',
          body: z
            .looseObject({ openapi: z.string(), paths: z.record(z.string(), z.unknown()) })
            .meta({ id: 'OpenApiDocument' }),
        },
      }),
    }),
  } as const satisfies ContractTable<'publish'>;
});
