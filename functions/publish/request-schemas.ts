import * as z from 'zod';
import { lazy } from '../../shared/lazy';
import { EVENT_TYPES } from '../../shared/events/event-types';
import type { EventType } from '../../shared/events/event-types';
import {
  aiResponseGeneratedV1,
  businessAnalyticsUpdateV1,
  conversationEndedV1,
  conversationMessageV1,
  conversationStartedV1,
} from '../../shared/events/schemas';

/**
 * Request and response bodies of the publish API, as zod schemas: the
 * handler validates with them and the OpenAPI document is generated from
 * them. Bodies are the seed's: the event's data fields at the top level
 * (snake_case), plus optional envelope attributes. Unknown fields are
 * refused (422 naming them) on every route of the API, as the event data
 * schemas refuse them: a misspelt optional field is never silently dropped.
 */

/** Envelope attributes any publish body may carry. */
export const envelopeOptionsShape = () => ({
  /** Correlation id; else the `x-correlation-id` header; else the API request id. */
  correlation_id: z
    .string()
    .min(1)
    .max(256)
    .regex(/^[\x20-\x7e]+$/, 'must be printable ASCII (it is echoed in a response header)')
    .optional(),
  /** CloudEvents source. */
  source: z.string().min(1).max(1024).optional(),
  /** Event id; a stable one makes a retried request deduplicable downstream. */
  event_id: z.string().min(1).max(256).optional(),
});

/** The conversation route's actions. */
export const ConversationAction = {
  Started: 'started',
  Message: 'message',
  Ended: 'ended',
} as const;
export type ConversationAction = (typeof ConversationAction)[keyof typeof ConversationAction];

/** The event type of each conversation action. */
export const CONVERSATION_EVENT_TYPE: Readonly<Record<ConversationAction, EventType>> = {
  started: 'conversation.started',
  message: 'conversation.message',
  ended: 'conversation.ended',
};

export const conversationRequestSchema = lazy(() =>
  z.discriminatedUnion(
    'action',
    [
      conversationStartedV1().extend({ action: z.literal('started'), ...envelopeOptionsShape() }),
      conversationMessageV1().extend({ action: z.literal('message'), ...envelopeOptionsShape() }),
      conversationEndedV1().extend({ action: z.literal('ended'), ...envelopeOptionsShape() }),
    ],
    { error: () => 'must be one of "started", "message", "ended"' },
  ),
);

export const aiResponseRequestSchema = lazy(() =>
  aiResponseGeneratedV1().extend(envelopeOptionsShape()),
);

/** The response's own fields, which the seed nests under `response_data`. */
const RESPONSE_DATA_FIELDS = [
  'prompt',
  'response',
  'tokens_used',
  'response_time_ms',
  'cost_usd',
] as const;

/**
 * The seed's ai-response body (`publish_ai_response_generated(model_name,
 * response_data={prompt, response, tokens_used, response_time_ms, cost_usd},
 * user_id, conversation_id)`): the same event, its response fields nested.
 */
export const aiResponseSeedRequestSchema = lazy(() =>
  aiResponseGeneratedV1()
    .omit({
      prompt: true,
      response: true,
      tokens_used: true,
      response_time_ms: true,
      cost_usd: true,
    })
    .extend({
      response_data: aiResponseGeneratedV1().pick({
        prompt: true,
        response: true,
        tokens_used: true,
        response_time_ms: true,
        cost_usd: true,
      }),
      ...envelopeOptionsShape(),
    }),
);

/**
 * Whether a body uses the seed's nested form.
 *
 * @example
 * ```ts
 * isSeedAiResponse({ model_name: 'gpt-4', response_data: { prompt: 'p' } }); // true
 * ```
 */
export const isSeedAiResponse = (body: unknown): boolean =>
  typeof body === 'object' && body !== null && 'response_data' in body;

/**
 * The flat body of a nested one (same fields, `response_data`'s lifted up).
 *
 * @example
 * ```ts
 * flattenAiResponse({ model_name: 'm', response_data: { prompt: 'p', response: 'r', tokens_used: 1, response_time_ms: 2 } });
 * ```
 */
export const flattenAiResponse = ({
  response_data,
  ...rest
}: z.output<ReturnType<typeof aiResponseSeedRequestSchema>>): z.output<
  ReturnType<typeof aiResponseRequestSchema>
> => {
  const lifted: Record<string, unknown> = {};
  for (const field of RESPONSE_DATA_FIELDS)
    if (response_data[field] !== undefined) lifted[field] = response_data[field];
  return { ...rest, ...lifted } as z.output<ReturnType<typeof aiResponseRequestSchema>>;
};

export const businessAnalyticsRequestSchema = lazy(() =>
  businessAnalyticsUpdateV1().extend(envelopeOptionsShape()),
);

export const genericEventRequestSchema = lazy(() =>
  z.strictObject({
    event_type: z.enum(EVENT_TYPES as [EventType, ...EventType[]]),
    data: z.record(z.string(), z.unknown()),
    subject: z.string().min(1).max(1024).optional(),
    ...envelopeOptionsShape(),
  }),
);

/** Most events one batch request may carry. */
export const MAX_BATCH_EVENTS = 500;

/** The batch body; each item is a generic event, validated on its own. */
export const batchRequestSchema = lazy(() =>
  z.strictObject({
    events: z
      .array(z.unknown())
      .min(1, 'must hold at least one event')
      .max(MAX_BATCH_EVENTS, `must hold at most ${MAX_BATCH_EVENTS} events`),
  }),
);
