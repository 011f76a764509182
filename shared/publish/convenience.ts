import { EventType } from '../events/event-types';
import type { EventDataInput } from '../events/schemas';
import { publishEvent } from './publish';
import type { PublishedEvent, PublishOptions } from './publish';

/**
 * The seed's convenience functions (`publish_conversation_started`, ...),
 * in TypeScript. Arguments follow the seed's; where the seed passes schema
 * fields inside `metadata` (conversation_type, business_id, metric_type,
 * dimensions), they are lifted into the event's own fields and kept in
 * metadata too.
 */

type Metadata = Readonly<Record<string, unknown>>;

/** The declared (not index-signature) keys of a loose object type. */
type KnownKeys<T> = keyof {
  [K in keyof T as string extends K ? never : number extends K ? never : K]: T[K];
};
/** `Omit` that keeps the declared fields of a loose (passthrough) schema's type. */
type WithoutFields<T, K extends PropertyKey> = Pick<T, Exclude<KnownKeys<T>, K>> &
  Readonly<Record<string, unknown>>;

const stringField = (metadata: Metadata | undefined, name: string): string | undefined => {
  const value = metadata?.[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

/**
 * Publishes `conversation.started`.
 *
 * @example
 * ```ts
 * await publishConversationStarted('conv_123', 'user_456', {
 *   conversation_type: 'customer_support',
 *   business_id: 'biz_789',
 * });
 * ```
 */
export const publishConversationStarted = (
  conversationId: string,
  userId: string,
  metadata?: Metadata,
  options?: PublishOptions,
): Promise<PublishedEvent> => {
  const conversationType = stringField(metadata, 'conversation_type');
  const businessId = stringField(metadata, 'business_id');
  return publishEvent(
    EventType.ConversationStarted,
    {
      conversation_id: conversationId,
      user_id: userId,
      ...(conversationType === undefined ? {} : { conversation_type: conversationType }),
      ...(businessId === undefined ? {} : { business_id: businessId }),
      ...(metadata === undefined ? {} : { metadata: { ...metadata } }),
    },
    options,
  );
};

/**
 * Publishes `conversation.message`.
 *
 * @example
 * ```ts
 * await publishConversationMessage('conv_123', 'user_456', 'Hello, I need help with my order', 'user');
 * ```
 */
export const publishConversationMessage = (
  conversationId: string,
  userId: string,
  messageContent: string,
  messageType: 'user' | 'assistant' | 'system' = 'user',
  options?: PublishOptions & { readonly messageId?: string; readonly metadata?: Metadata },
): Promise<PublishedEvent> =>
  publishEvent(
    EventType.ConversationMessage,
    {
      conversation_id: conversationId,
      user_id: userId,
      message_content: messageContent,
      message_type: messageType,
      ...(options?.messageId === undefined ? {} : { message_id: options.messageId }),
      ...(options?.metadata === undefined ? {} : { metadata: { ...options.metadata } }),
    },
    options,
  );

/** What `conversation.ended` may tell besides the ids. */
export type ConversationEndDetails = WithoutFields<
  EventDataInput<typeof EventType.ConversationEnded>,
  'conversation_id' | 'user_id'
>;

/**
 * Publishes `conversation.ended`.
 *
 * @example
 * ```ts
 * await publishConversationEnded('conv_123', 'user_456', { reason: 'resolved', message_count: 6 });
 * ```
 */
export const publishConversationEnded = (
  conversationId: string,
  userId: string,
  details: ConversationEndDetails = {},
  options?: PublishOptions,
): Promise<PublishedEvent> =>
  publishEvent(
    EventType.ConversationEnded,
    { ...details, conversation_id: conversationId, user_id: userId },
    options,
  );

/** The seed's `response_data` of an AI response. */
export type AiResponseData = WithoutFields<
  EventDataInput<typeof EventType.AiResponseGenerated>,
  'model_name' | 'user_id' | 'conversation_id'
>;

/**
 * Publishes `ai.response.generated`.
 *
 * @example
 * ```ts
 * await publishAiResponseGenerated(
 *   'gpt-4',
 *   { prompt: 'Hello', response: "I'd be happy to help", tokens_used: 150, response_time_ms: 1200, cost_usd: 0.003 },
 *   { userId: 'user_456', conversationId: 'conv_123' },
 * );
 * ```
 */
export const publishAiResponseGenerated = (
  modelName: string,
  responseData: AiResponseData,
  ids: { readonly userId?: string; readonly conversationId?: string } = {},
  options?: PublishOptions,
): Promise<PublishedEvent> =>
  publishEvent(
    EventType.AiResponseGenerated,
    {
      ...responseData,
      model_name: modelName,
      ...(ids.userId === undefined ? {} : { user_id: ids.userId }),
      ...(ids.conversationId === undefined ? {} : { conversation_id: ids.conversationId }),
    },
    options,
  );

/**
 * Publishes `business.analytics.update`. As in the seed, `metadata` may
 * carry `metric_type` and `dimensions`.
 *
 * @example
 * ```ts
 * await publishBusinessAnalyticsUpdate('daily_active_users', 1250, 'biz_789', {
 *   metric_type: 'gauge',
 *   dimensions: { region: 'us-east-1', plan: 'premium' },
 * });
 * ```
 */
export const publishBusinessAnalyticsUpdate = (
  metricName: string,
  metricValue: number,
  businessId: string,
  metadata?: Metadata,
  options?: PublishOptions,
): Promise<PublishedEvent> => {
  const metricType = metadata?.metric_type;
  const dimensions = metadata?.dimensions;
  return publishEvent(
    EventType.BusinessAnalyticsUpdate,
    {
      business_id: businessId,
      metric_name: metricName,
      metric_value: metricValue,
      ...(metricType === undefined ? {} : { metric_type: metricType as 'gauge' }),
      ...(dimensions === undefined ? {} : { dimensions: dimensions as Record<string, string> }),
      ...(metadata === undefined ? {} : { metadata: { ...metadata } }),
    },
    options,
  );
};
