import type { Logger } from '@aws-lambda-powertools/logger';
import { deliveryAttempt } from '../dlq/dead-letter';
import type { EventEnvelope } from '../events/envelope';
import type { EventType } from '../events/event-types';
import type { EventHandler, EventOf, HandlerContext, TombstoneHandler } from './bus';
import type { DecodedRecord } from './msk-record';
import { RecordLogger, recordIds } from './record-logger';
import { isThenable } from './time-bound';

/**
 * The context handlers get for one record. The abort signal and the
 * attempt number are computed only when a handler asks for them: the
 * consumer's hot path allocates as little as it can per record.
 */
export class RecordContext implements HandlerContext {
  public readonly record: DecodedRecord;
  readonly #baseLogger: Logger;
  readonly #event: EventEnvelope | undefined;
  #logger: RecordLogger | undefined;
  #controller: AbortController | undefined;
  #attempt: number | undefined;
  #handler: string | undefined;

  public constructor(record: DecodedRecord, logger: Logger, event?: EventEnvelope) {
    this.record = record;
    this.#baseLogger = logger;
    this.#event = event;
  }

  /** The record's logger: every line carries its event id, correlation id and trace id. */
  public get logger(): RecordLogger {
    this.#logger ??= new RecordLogger(this.#baseLogger, () =>
      recordIds(this.record.headers, this.#event?.id, this.#event?.correlationid),
    );
    return this.#logger;
  }

  public get signal(): AbortSignal {
    this.#controller ??= new AbortController();
    return this.#controller.signal;
  }

  public get attempt(): number {
    this.#attempt ??= deliveryAttempt(this.record.headers);
    return this.#attempt;
  }

  /** The handler running (or that failed). */
  public get handler(): string | undefined {
    return this.#handler;
  }

  /**
   * Aborts the signal (the record's time bound is exceeded).
   *
   * @example
   * ```ts
   * context.abort();
   * ```
   */
  public abort(): void {
    this.#controller ??= new AbortController();
    this.#controller.abort();
  }

  /**
   * Runs the handlers in order: synchronously until one returns a promise,
   * then the rest after it. Throws (or rejects) with the first failure;
   * {@link RecordContext.handler} names the handler that failed.
   *
   * @example
   * ```ts
   * const pending = context.run(bus.handlersFor(event), event);
   * if (pending) await pending;
   * ```
   */
  public run(handlers: readonly EventHandler[], event: EventEnvelope): void | Promise<void> {
    const typed = event as EventOf<EventType>;
    for (let i = 0; i < handlers.length; i += 1) {
      const handler = handlers[i] as EventHandler;
      this.#handler = handler.name;
      const result = handler.handle(typed, this);
      if (isThenable(result)) {
        const rest = handlers.slice(i + 1);
        return Promise.resolve(result).then(async () => {
          for (const next of rest) {
            this.#handler = next.name;
            await next.handle(typed, this);
          }
        });
      }
    }
    return undefined;
  }

  /**
   * Runs the tombstone handlers in order (tombstones are rare: no
   * synchronous fast path). Rejects with the first failure;
   * {@link RecordContext.handler} names the handler that failed.
   *
   * @example
   * ```ts
   * await context.runTombstone(bus.tombstoneHandlers);
   * ```
   */
  public async runTombstone(handlers: readonly TombstoneHandler[]): Promise<void> {
    for (const handler of handlers) {
      this.#handler = handler.name;
      await handler.handle(this.record, this);
    }
  }
}
