/**
 * The seed's 12 event types. `as const` object plus derived union type
 * (no enums), as in Powertools.
 */
export const EventType = {
  ConversationStarted: 'conversation.started',
  ConversationMessage: 'conversation.message',
  ConversationEnded: 'conversation.ended',
  AiResponseGenerated: 'ai.response.generated',
  AiModelSwitched: 'ai.model.switched',
  BusinessAnalyticsUpdate: 'business.analytics.update',
  UserAction: 'user.action',
  SystemError: 'system.error',
  HealthCheck: 'system.health_check',
  WorkflowStarted: 'workflow.started',
  WorkflowCompleted: 'workflow.completed',
  WorkflowFailed: 'workflow.failed',
} as const;

/** One of the seed's event type strings, e.g. `"conversation.started"`. */
export type EventType = (typeof EventType)[keyof typeof EventType];

/** Every event type, in declaration order. */
export const EVENT_TYPES: readonly EventType[] = Object.values(EventType);
