/**
 * Lambda `conversation-log`: keeps the log of each conversation
 * (conversation.events). Triggered by its MSK event source mapping in AWS,
 * by the local ESM locally.
 */
import { EventBus } from '../../shared/consumer/bus';
import { EventType } from '../../shared/events/event-types';
import { createConsumerHandler } from './create-consumer';
import { conversationLogHandler, conversationLogStore } from './handlers/conversation-log';

const log = conversationLogHandler(conversationLogStore);

/** The consumer's event bus: every conversation event goes to the log. */
export const bus = new EventBus()
  .subscribe(EventType.ConversationStarted, log)
  .subscribe(EventType.ConversationMessage, log)
  .subscribe(EventType.ConversationEnded, log);

export { conversationLogStore };
/**
 * The Lambda handler (MSK event source mapping; the local ESM locally).
 *
 * @example
 * ```ts
 * const { batchItemFailures } = await handler(mskEvent, context);
 * ```
 */
export const handler = createConsumerHandler({ consumer: 'conversation-log', bus });
