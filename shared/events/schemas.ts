import * as z from 'zod';
import { EventType } from './event-types';

/**
 * Versioned data schemas of the 12 event types. Field names follow the
 * seed's wire format (snake_case), so the seed's HTTP bodies and records
 * stay valid. A breaking change adds a new version; old versions stay
 * readable. Unknown fields are kept (passthrough): producers may add fields
 * without breaking consumers.
 */
const id = z.string().min(1).max(256);
const metadata = z.record(z.string(), z.unknown()).optional();

export const conversationStartedV1 = z.looseObject({
  conversation_id: id,
  user_id: id,
  business_id: id.optional(),
  conversation_type: z.string().max(128).optional(),
  metadata,
});

export const conversationMessageV1 = z.looseObject({
  conversation_id: id,
  user_id: id,
  message_id: id.optional(),
  message_content: z.string().max(100_000),
  message_type: z.enum(['user', 'assistant', 'system']).default('user'),
  metadata,
});

export const conversationEndedV1 = z.looseObject({
  conversation_id: id,
  user_id: id,
  reason: z.string().max(256).optional(),
  duration_ms: z.number().int().min(0).optional(),
  message_count: z.number().int().min(0).optional(),
  metadata,
});

export const aiResponseGeneratedV1 = z.looseObject({
  model_name: z.string().min(1).max(128),
  user_id: id.optional(),
  conversation_id: id.optional(),
  prompt: z.string().max(100_000),
  response: z.string().max(400_000),
  tokens_used: z.number().int().min(0),
  response_time_ms: z.number().min(0),
  cost_usd: z.number().min(0).optional(),
  metadata,
});

export const aiModelSwitchedV1 = z.looseObject({
  from_model: z.string().min(1).max(128),
  to_model: z.string().min(1).max(128),
  reason: z.string().max(512).optional(),
  user_id: id.optional(),
  conversation_id: id.optional(),
  metadata,
});

export const businessAnalyticsUpdateV1 = z.looseObject({
  business_id: id,
  metric_name: z.string().min(1).max(256),
  metric_value: z.number(),
  metric_type: z.enum(['counter', 'gauge', 'histogram']).default('gauge'),
  dimensions: z.record(z.string(), z.string()).default({}),
  metadata,
});

export const userActionV1 = z.looseObject({
  user_id: id,
  action: z.string().min(1).max(256),
  business_id: id.optional(),
  resource: z.string().max(512).optional(),
  metadata,
});

export const systemErrorV1 = z.looseObject({
  component: z.string().min(1).max(256),
  error_type: z.string().min(1).max(256),
  error_message: z.string().max(10_000),
  severity: z.enum(['info', 'warning', 'error', 'critical']).default('error'),
  metadata,
});

export const healthCheckV1 = z.looseObject({
  component: z.string().min(1).max(256),
  status: z.enum(['healthy', 'degraded', 'unhealthy']),
  response_time_ms: z.number().min(0).optional(),
  metadata,
});

const workflowBase = {
  workflow_id: id,
  workflow_name: z.string().min(1).max(256),
  user_id: id.optional(),
  metadata,
};
export const workflowStartedV1 = z.looseObject({
  ...workflowBase,
  input: z.record(z.string(), z.unknown()).optional(),
});
export const workflowCompletedV1 = z.looseObject({
  ...workflowBase,
  duration_ms: z.number().int().min(0).optional(),
  output: z.record(z.string(), z.unknown()).optional(),
});
export const workflowFailedV1 = z.looseObject({
  ...workflowBase,
  error_message: z.string().max(10_000),
  failed_step: z.string().max(256).optional(),
});

/** Data schemas by event type and version. The highest version is the current one. */
export const eventDataSchemas = {
  [EventType.ConversationStarted]: { 1: conversationStartedV1 },
  [EventType.ConversationMessage]: { 1: conversationMessageV1 },
  [EventType.ConversationEnded]: { 1: conversationEndedV1 },
  [EventType.AiResponseGenerated]: { 1: aiResponseGeneratedV1 },
  [EventType.AiModelSwitched]: { 1: aiModelSwitchedV1 },
  [EventType.BusinessAnalyticsUpdate]: { 1: businessAnalyticsUpdateV1 },
  [EventType.UserAction]: { 1: userActionV1 },
  [EventType.SystemError]: { 1: systemErrorV1 },
  [EventType.HealthCheck]: { 1: healthCheckV1 },
  [EventType.WorkflowStarted]: { 1: workflowStartedV1 },
  [EventType.WorkflowCompleted]: { 1: workflowCompletedV1 },
  [EventType.WorkflowFailed]: { 1: workflowFailedV1 },
} as const satisfies Record<EventType, Record<number, z.ZodType>>;

/** The current data version of every event type. */
export const CURRENT_DATA_VERSION = 1;

/** Data of an event type, current version (output, defaults filled). */
export type EventData<T extends EventType> = z.output<(typeof eventDataSchemas)[T][1]>;
/** Data of an event type as a producer writes it (defaults may be omitted). */
export type EventDataInput<T extends EventType> = z.input<(typeof eventDataSchemas)[T][1]>;

/**
 * The data schema of an event type at a version, or undefined when unknown.
 *
 * @example
 * ```ts
 * dataSchemaFor('conversation.started', 1)?.parse(data);
 * ```
 */
export const dataSchemaFor = (type: string, version: number): z.ZodType | undefined => {
  const versions = (eventDataSchemas as Record<string, Record<number, z.ZodType> | undefined>)[
    type
  ];
  return versions?.[version];
};
