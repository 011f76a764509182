import { EventType } from './event-types';

const pick = (data: unknown, ...fields: readonly string[]): string | undefined => {
  if (typeof data !== 'object' || data === null) return undefined;
  for (const field of fields) {
    const value = (data as Record<string, unknown>)[field];
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
};

/** Which data field keys each event type (first present wins). */
const KEY_FIELDS: Readonly<Record<EventType, readonly string[]>> = {
  [EventType.ConversationStarted]: ['conversation_id'],
  [EventType.ConversationMessage]: ['conversation_id'],
  [EventType.ConversationEnded]: ['conversation_id'],
  [EventType.AiResponseGenerated]: ['conversation_id', 'user_id', 'model_name'],
  [EventType.AiModelSwitched]: ['conversation_id', 'user_id', 'to_model'],
  [EventType.BusinessAnalyticsUpdate]: ['business_id'],
  [EventType.UserAction]: ['user_id'],
  [EventType.SystemError]: ['component'],
  [EventType.HealthCheck]: ['component'],
  [EventType.WorkflowStarted]: ['workflow_id'],
  [EventType.WorkflowCompleted]: ['workflow_id'],
  [EventType.WorkflowFailed]: ['workflow_id'],
};

/**
 * The record key of an event: the id of the entity whose events must stay in
 * order (conversation, business, user, workflow, component), so all its
 * events land on one partition. Falls back to the event id.
 *
 * @example
 * ```ts
 * recordKeyFor('conversation.message', { conversation_id: 'c1' }, 'evt-1'); // 'c1'
 * ```
 */
export const recordKeyFor = (type: EventType, data: unknown, eventId: string): string =>
  pick(data, ...KEY_FIELDS[type]) ?? eventId;
