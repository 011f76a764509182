import type { BoundedMap } from '../../../shared/bounded-map';
import type { EventHandler } from '../../../shared/consumer/bus';
import { aggregates, rememberedIds } from './bounds';
import type { StoreBounds } from './bounds';
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
  /** The latest entries, oldest first (at most `maxEntriesPerConversation`). */
  readonly entries: ConversationLogEntry[];
  /** Entries dropped from the front to keep the bound. */
  dropped: number;
}

/** Bounds of a {@link ConversationLogStore}: `maxKeys` counts conversations. */
export interface ConversationLogBounds extends StoreBounds {
  /** @default 100 entries per conversation (the oldest dropped first) */
  readonly maxEntriesPerConversation?: number;
}

/**
 * The in-memory conversation log of this container (one per Lambda
 * container, one per local ESM process): observable by tests and logs.
 * A redelivered event (same id, within `rememberIdsMs`) is not logged twice.
 * Bounded in conversations, entries and age ({@link ConversationLogBounds}),
 * every operation constant-time.
 */
export class ConversationLogStore {
  readonly #logs: BoundedMap<string, ConversationLog>;
  readonly #seen: BoundedMap<string, true>;
  readonly #maxEntries: number;

  public constructor(bounds: ConversationLogBounds = {}) {
    this.#logs = aggregates(bounds);
    this.#seen = rememberedIds(bounds);
    this.#maxEntries = bounds.maxEntriesPerConversation ?? 100;
  }

  /**
   * Appends an entry (idempotent by event id).
   *
   * @example
   * ```ts
   * store.append('c1', { eventId: 'e1', type: 'conversation.started', time, userId: 'u1' });
   * ```
   */
  public append(conversationId: string, entry: ConversationLogEntry): ConversationLog {
    const log = this.#logs.getOrCreate(conversationId, () => ({
      conversationId,
      status: 'open',
      entries: [],
      dropped: 0,
    }));
    if (!this.#seen.addIfAbsent(entry.eventId, true)) return log;
    log.entries.push(entry);
    if (log.entries.length > this.#maxEntries) {
      log.entries.shift();
      log.dropped += 1;
    }
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
    this.#seen.clear();
  }

  /**
   * How many conversations and remembered ids are held (the soak bench checks they stay bounded).
   *
   * @example
   * ```ts
   * store.sizes().conversations;
   * ```
   */
  public sizes(): { readonly conversations: number; readonly rememberedIds: number } {
    return { conversations: this.#logs.size, rememberedIds: this.#seen.size };
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
