import type { EventEnvelope } from '../events/envelope';
import type { EventType } from '../events/event-types';
import type { DecodedRecord } from './msk-record';
import type { HandlerLogger } from './record-logger';

/**
 * An event of one of the types `T`, as a discriminated union: checking
 * `event.type` narrows `event.data`.
 */
export type EventOf<T extends EventType> = T extends EventType ? EventEnvelope<T> : never;

/** What a handler gets besides the event. */
export interface HandlerContext {
  /** Aborted when the record's time bound is exceeded: stop work early. */
  readonly signal: AbortSignal;
  /** The Kafka record the event came from. */
  readonly record: DecodedRecord;
  /** Which delivery of this record this is (1 = first; more after DLQ retries). */
  readonly attempt: number;
  /** Writes lines carrying the record's event id, correlation id and trace id. */
  readonly logger: HandlerLogger;
}

/**
 * An event handler, as in the seed: a name, a predicate, and the work.
 * Throw to fail the record: it goes to the dead-letter queue alone.
 *
 * @example
 * ```ts
 * const counter: EventHandler<'system.error'> = {
 *   name: 'error-counter',
 *   canHandle: (event) => event.data.severity !== 'info',
 *   handle: (event) => { errors.add(event.data.component); },
 * };
 * ```
 */
export interface EventHandler<T extends EventType = EventType> {
  readonly name: string;
  readonly canHandle: (event: EventOf<T>) => boolean;
  readonly handle: (event: EventOf<T>, context: HandlerContext) => Promise<void> | void;
}

/**
 * A handler of tombstones: records whose value is null, which on a compacted
 * topic mean "delete what this key held". A tombstone carries no event (no
 * type to route by), so a handler opts in to all tombstones of the
 * consumer's topics and reads the key from `record`. Throw to fail the
 * record: it goes to the dead-letter queue alone, as for events.
 *
 * @example
 * ```ts
 * const forget: TombstoneHandler = {
 *   name: 'conversation-forget',
 *   handle: (record) => { store.delete(record.key?.toString() ?? ''); },
 * };
 * ```
 */
export interface TombstoneHandler {
  readonly name: string;
  readonly handle: (record: DecodedRecord, context: HandlerContext) => Promise<void> | void;
}

/**
 * The seed's event bus: handlers subscribe by event type; an event goes to
 * every handler subscribed to its type whose `canHandle` accepts it, in
 * subscription order.
 *
 * @example
 * ```ts
 * const bus = new EventBus().subscribe('conversation.started', logHandler);
 * bus.handlersFor(event); // [logHandler]
 * ```
 */
export class EventBus {
  readonly #byType = new Map<string, EventHandler[]>();
  readonly #tombstoneHandlers: TombstoneHandler[] = [];

  /**
   * Subscribes a handler to an event type (chainable).
   *
   * @example
   * ```ts
   * bus.subscribe('ai.response.generated', usageHandler);
   * ```
   */
  public subscribe<T extends EventType>(type: T, handler: EventHandler<T>): this {
    const list = this.#byType.get(type) ?? [];
    list.push(handler as unknown as EventHandler);
    this.#byType.set(type, list);
    return this;
  }

  /**
   * The handlers that take an event (subscribed to its type and accepting it).
   *
   * @example
   * ```ts
   * for (const handler of bus.handlersFor(event)) await handler.handle(event, ctx);
   * ```
   */
  public handlersFor(event: EventEnvelope): readonly EventHandler[] {
    // Hot path: one map lookup, then the predicates.
    const subscribed = this.#byType.get(event.type);
    if (subscribed === undefined) return [];
    return subscribed.filter((h) => h.canHandle(event as EventOf<EventType>));
  }

  /**
   * Opts a handler in to tombstones (chainable). Without any, a consumer
   * skips tombstones: they are counted, never dead-lettered.
   *
   * @example
   * ```ts
   * bus.onTombstone({ name: 'forget', handle: (record) => store.delete(String(record.key)) });
   * ```
   */
  public onTombstone(handler: TombstoneHandler): this {
    this.#tombstoneHandlers.push(handler);
    return this;
  }

  /** The handlers that opted in to tombstones, in registration order. */
  public get tombstoneHandlers(): readonly TombstoneHandler[] {
    return this.#tombstoneHandlers;
  }

  /**
   * Event types with at least one subscriber, and their handler names.
   *
   * @example
   * ```ts
   * bus.subscriptions(); // { 'conversation.started': ['conversation-log'] }
   * ```
   */
  public subscriptions(): Readonly<Record<string, readonly string[]>> {
    return Object.fromEntries([...this.#byType].map(([t, hs]) => [t, hs.map((h) => h.name)]));
  }
}
