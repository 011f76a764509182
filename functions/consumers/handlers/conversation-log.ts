import type { EventHandler } from '../../../shared/consumer/bus';
import { EventType } from '../../../shared/events/event-types';

/** One entry of a conversation's log (no message content: sizes only). */
export interface ConversationLogEntry {
  readonly eventId: string;
  readonly type: string;
  readonly time: string;
  readonly userId: string;
  readonly messageType?: string;
  readonly contentLength?: number;
}

/** A conversation as the log sees it. */
export interface ConversationLog {
  readonly conversationId: string;
  status: 'open' | 'ended';
  readonly entries: ConversationLogEntry[];
}

/**
 * The in-memory conversation log of this container (one per Lambda
 * container, one per local ESM process): observable by tests and logs.
 * A redelivered event (same id) is not logged twice.
 */
export class ConversationLogStore {
  readonly #logs = new Map<string, ConversationLog>();

  /**
   * Appends an entry (idempotent by event id).
   *
   * @example
   * ```ts
   * store.append('c1', { eventId: 'e1', type: 'conversation.started', time, userId: 'u1' });
   * ```
   */
  public append(conversationId: string, entry: ConversationLogEntry): ConversationLog {
    let log = this.#logs.get(conversationId);
    if (log === undefined) {
      log = { conversationId, status: 'open', entries: [] };
      this.#logs.set(conversationId, log);
    }
    if (!log.entries.some((e) => e.eventId === entry.eventId)) log.entries.push(entry);
    if (entry.type === EventType.ConversationEnded) log.status = 'ended';
    return log;
  }

  /**
   * The log of one conversation.
   *
   * @example
   * ```ts
   * store.get('c1')?.entries.length;
   * ```
   */
  public get(conversationId: string): ConversationLog | undefined {
    return this.#logs.get(conversationId);
  }

  /**
   * Forgets everything (tests).
   *
   * @example
   * ```ts
   * store.clear();
   * ```
   */
  public clear(): void {
    this.#logs.clear();
  }
}

/** The container's conversation log. */
export const conversationLogStore = new ConversationLogStore();

type ConversationEventType =
  | typeof EventType.ConversationStarted
  | typeof EventType.ConversationMessage
  | typeof EventType.ConversationEnded;

/**
 * Keeps the log of each conversation: started, messages (type and size,
 * never the content), ended.
 *
 * @example
 * ```ts
 * bus.subscribe('conversation.message', conversationLogHandler(conversationLogStore));
 * ```
 */
export const conversationLogHandler = (
  store: ConversationLogStore,
): EventHandler<ConversationEventType> => ({
  name: 'conversation-log',
  canHandle: () => true,
  handle: function logConversationEvent(event, { logger }) {
    const entry: ConversationLogEntry =
      event.type === EventType.ConversationMessage
        ? {
            eventId: event.id,
            type: event.type,
            time: event.time,
            userId: event.data.user_id,
            messageType: event.data.message_type,
            contentLength: event.data.message_content.length,
          }
        : {
            eventId: event.id,
            type: event.type,
            time: event.time,
            userId: event.data.user_id,
          };
    const log = store.append(event.data.conversation_id, entry);
    logger.debug('conversation event logged', {
      conversationId: log.conversationId,
      eventId: entry.eventId,
      type: entry.type,
      entries: log.entries.length,
    });
  },
});
