import { LogLevelThreshold } from '@aws-lambda-powertools/logger';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { LogAttributes } from '@aws-lambda-powertools/logger/types';
import { EventHeader } from '../events/record';
import type { RecordHeader } from '../kafka/records';
import { headerText } from '../dlq/dead-letter';
import { TraceHeader, traceIdOf } from '../tracing/trace-context';

/** The log methods a handler gets: a Powertools Logger has them. */
export interface HandlerLogger {
  debug(message: string, ...extra: LogAttributes[]): void;
  info(message: string, ...extra: LogAttributes[]): void;
  warn(message: string, ...extra: LogAttributes[]): void;
  error(message: string, ...extra: LogAttributes[]): void;
}

/** What identifies a record's event in a log line. */
// A type, not an interface: it is a Powertools LogAttributes as it stands.
export type RecordIds = {
  readonly event_id?: string;
  readonly correlation_id?: string;
  readonly trace_id?: string;
};

/**
 * The ids of a record's log lines: the event id and correlation id of its
 * envelope (else of the `ce_correlationid` header that records written
 * before 2026-12-02 carry), the trace id of its `traceparent` header.
 *
 * @example
 * ```ts
 * recordIds(record.headers, event.id, event.correlationid).trace_id;
 * ```
 */
export const recordIds = (
  headers: readonly RecordHeader[],
  eventId: string | undefined,
  correlationId: string | undefined,
): RecordIds => {
  const traceId = traceIdOf(headerText(headers, TraceHeader.Traceparent));
  const ids: { event_id?: string; correlation_id?: string; trace_id?: string } = {};
  if (eventId !== undefined) ids.event_id = eventId;
  const correlation = correlationId ?? headerText(headers, EventHeader.CorrelationId);
  if (correlation !== undefined) ids.correlation_id = correlation;
  if (traceId !== undefined) ids.trace_id = traceId;
  return ids;
};

/**
 * A handler's logger for one record: each line carries the record's ids
 * ({@link recordIds}), computed once and only when a line is written. One
 * small object per record, no child logger (the consumer's hot path).
 *
 * @example
 * ```ts
 * new RecordLogger(logger, () => recordIds(headers, id, cid)).info('handled');
 * ```
 */
export class RecordLogger implements HandlerLogger {
  readonly #base: Logger;
  readonly #idsOf: () => RecordIds;
  #ids: RecordIds | undefined;

  public constructor(base: Logger, idsOf: () => RecordIds) {
    this.#base = base;
    this.#idsOf = idsOf;
  }

  /** The record's ids (computed on first use). */
  public get ids(): RecordIds {
    this.#ids ??= this.#idsOf();
    return this.#ids;
  }

  public debug(message: string, ...extra: LogAttributes[]): void {
    // Handlers log at debug per record: below the level, not even the ids are read.
    if (this.#base.level > LogLevelThreshold.DEBUG) return;
    this.#base.debug(message, this.ids, ...extra);
  }

  public info(message: string, ...extra: LogAttributes[]): void {
    this.#base.info(message, this.ids, ...extra);
  }

  public warn(message: string, ...extra: LogAttributes[]): void {
    this.#base.warn(message, this.ids, ...extra);
  }

  public error(message: string, ...extra: LogAttributes[]): void {
    this.#base.error(message, this.ids, ...extra);
  }
}
