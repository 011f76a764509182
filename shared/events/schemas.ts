import * as z from 'zod';
import { lazy } from '../lazy';
import { EventType } from './event-types';

/**
 * Versioned data schemas of the 12 event types. Field names follow the
 * seed's wire format (snake_case), so the seed's HTTP bodies and records
 * stay valid. Each schema is the writer's contract: a producer writes the
 * declared fields only (strict objects; the JSON Schema files say
 * `additionalProperties: false`), while consumers read tolerantly (unknown
 * fields kept, see catalogue.ts). How to evolve them: docs/schemas.md.
 * Naming: `<name>V<major>` for a major's first version, `<name>V<major>_<n>`
 * for its later ones.
 */
// Built per schema, when a schema is first used (issue #13 item 6).
const id = () => z.string().min(1).max(256);
const metadata = () => z.record(z.string(), z.unknown()).optional();

export const conversationStartedV1 = lazy(() =>
  z.strictObject({
    conversation_id: id(),
    user_id: id(),
    business_id: id().optional(),
    conversation_type: z.string().max(128).optional(),
    metadata: metadata(),
  }),
);

export const conversationMessageV1 = lazy(() =>
  z.strictObject({
    conversation_id: id(),
    user_id: id(),
    message_id: id().optional(),
    message_content: z.string().max(100_000),
    message_type: z.enum(['user', 'assistant', 'system']).default('user'),
    metadata: metadata(),
  }),
);

export const conversationEndedV1 = lazy(() =>
  z.strictObject({
    conversation_id: id(),
    user_id: id(),
    reason: z.string().max(256).optional(),
    duration_ms: z.number().int().min(0).optional(),
    message_count: z.number().int().min(0).optional(),
    metadata: metadata(),
  }),
);

export const aiResponseGeneratedV1 = lazy(() =>
  z.strictObject({
    model_name: z.string().min(1).max(128),
    user_id: id().optional(),
    conversation_id: id().optional(),
    prompt: z.string().max(100_000),
    response: z.string().max(400_000),
    tokens_used: z.number().int().min(0),
    response_time_ms: z.number().min(0),
    cost_usd: z.number().min(0).optional(),
    metadata: metadata(),
  }),
);

export const aiModelSwitchedV1 = lazy(() =>
  z.strictObject({
    from_model: z.string().min(1).max(128),
    to_model: z.string().min(1).max(128),
    reason: z.string().max(512).optional(),
    user_id: id().optional(),
    conversation_id: id().optional(),
    metadata: metadata(),
  }),
);

export const businessAnalyticsUpdateV1 = lazy(() =>
  z.strictObject({
    business_id: id(),
    metric_name: z.string().min(1).max(256),
    metric_value: z.number(),
    metric_type: z.enum(['counter', 'gauge', 'histogram']).default('gauge'),
    dimensions: z.record(z.string(), z.string()).default({}),
    metadata: metadata(),
  }),
);

export const userActionV1 = lazy(() =>
  z.strictObject({
    user_id: id(),
    action: z.string().min(1).max(256),
    business_id: id().optional(),
    resource: z.string().max(512).optional(),
    metadata: metadata(),
  }),
);

export const systemErrorV1 = lazy(() =>
  z.strictObject({
    component: z.string().min(1).max(256),
    error_type: z.string().min(1).max(256),
    error_message: z.string().max(10_000),
    severity: z.enum(['info', 'warning', 'error', 'critical']).default('error'),
    metadata: metadata(),
  }),
);

export const healthCheckV1 = lazy(() =>
  z.strictObject({
    component: z.string().min(1).max(256),
    status: z.enum(['healthy', 'degraded', 'unhealthy']),
    response_time_ms: z.number().min(0).optional(),
    metadata: metadata(),
  }),
);

const workflowBase = () => ({
  workflow_id: id(),
  workflow_name: z.string().min(1).max(256),
  user_id: id().optional(),
  metadata: metadata(),
});
export const workflowStartedV1 = lazy(() =>
  z.strictObject({
    ...workflowBase(),
    input: z.record(z.string(), z.unknown()).optional(),
  }),
);
export const workflowCompletedV1 = lazy(() =>
  z.strictObject({
    ...workflowBase(),
    duration_ms: z.number().int().min(0).optional(),
    output: z.record(z.string(), z.unknown()).optional(),
  }),
);
export const workflowFailedV1 = lazy(() =>
  z.strictObject({
    ...workflowBase(),
    error_message: z.string().max(10_000),
    failed_step: z.string().max(256).optional(),
  }),
);

/**
 * Data schemas by event type: its majors in order (index 0 is major 1), each
 * with its versions in order (index 0 is version 1). A new version of a major
 * is appended to it (and must pass the compatibility guard); a breaking
 * change appends a new major. Never edit or remove a committed version.
 */
export const eventDataSchemas = {
  [EventType.ConversationStarted]: [[conversationStartedV1]],
  [EventType.ConversationMessage]: [[conversationMessageV1]],
  [EventType.ConversationEnded]: [[conversationEndedV1]],
  [EventType.AiResponseGenerated]: [[aiResponseGeneratedV1]],
  [EventType.AiModelSwitched]: [[aiModelSwitchedV1]],
  [EventType.BusinessAnalyticsUpdate]: [[businessAnalyticsUpdateV1]],
  [EventType.UserAction]: [[userActionV1]],
  [EventType.SystemError]: [[systemErrorV1]],
  [EventType.HealthCheck]: [[healthCheckV1]],
  [EventType.WorkflowStarted]: [[workflowStartedV1]],
  [EventType.WorkflowCompleted]: [[workflowCompletedV1]],
  [EventType.WorkflowFailed]: [[workflowFailedV1]],
} as const satisfies Record<EventType, readonly (readonly (() => z.ZodObject)[])[]>;

type Last<T> = T extends readonly [...unknown[], infer L] ? L : never;
/** The schema producers write for an event type: the last version of its last major. */
type CurrentSchema<T extends EventType> = Last<Last<(typeof eventDataSchemas)[T]>>;

/** Data of an event type, current version (output, defaults filled). */
export type EventData<T extends EventType> = z.output<ReturnType<CurrentSchema<T>>>;
/** Data of an event type as a producer writes it (defaults may be omitted). */
export type EventDataInput<T extends EventType> = z.input<ReturnType<CurrentSchema<T>>>;
