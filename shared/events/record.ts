import type { EventEnvelope } from './envelope';
import { recordKeyFor } from './keys';

/**
 * Kafka header names of event records (the CloudEvents Kafka protocol
 * binding, structured content mode: the value is the whole CloudEvents JSON
 * envelope and is authoritative). Since 2026-12-02 a record carries only
 * what consumers need without parsing the value (docs/publishing.md, "The
 * event record"): `content-type` (how a CloudEvents reader recognises the
 * structured mode), `ce_id` (dedupe), `ce_type` (routing, filtering) and the
 * W3C trace context when set. The other `ce_*` names are those of records
 * written before: readers must treat every header but `content-type` as
 * optional and take attributes from the value.
 */
export const EventHeader = {
  ContentType: 'content-type',
  Id: 'ce_id',
  Type: 'ce_type',
  /**
   * W3C trace context of the hop that wrote the record (the CloudEvents
   * distributed-tracing extension, under the W3C header names OpenTelemetry's
   * Kafka propagation uses): the publish API writes the event's, the DLQ and
   * its retries the same trace id with a span id of their own.
   */
  Traceparent: 'traceparent',
  Tracestate: 'tracestate',
  /** Only on records written before 2026-12-02 (the attribute is in the value). */
  SpecVersion: 'ce_specversion',
  /** Only on records written before 2026-12-02 (the attribute is in the value). */
  Source: 'ce_source',
  /** Only on records written before 2026-12-02 (the attribute is in the value). */
  Time: 'ce_time',
  /** Only on records written before 2026-12-02 (the attribute is in the value). */
  Subject: 'ce_subject',
  /** Only on records written before 2026-12-02 (the attribute is in the value). */
  CorrelationId: 'ce_correlationid',
  /** Only on records written before 2026-12-02 (the attribute is in the value). */
  DataVersion: 'ce_dataversion',
  /** Only on records written before 2026-12-02 (the attribute is in the value). */
  DataSchema: 'ce_dataschema',
} as const;
export type EventHeader = (typeof EventHeader)[keyof typeof EventHeader];

/** Media type of a structured-mode CloudEvents JSON record. */
export const CLOUDEVENTS_JSON = 'application/cloudevents+json; charset=UTF-8';

/** A record ready for the producer. */
export interface EventRecord {
  readonly topic: string;
  readonly key: string;
  readonly value: string;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * The Kafka headers of a validated event: `content-type`, `ce_id`,
 * `ce_type`, and `traceparent` / `tracestate` when the event has them
 * (see {@link EventHeader} for why only these).
 *
 * @example
 * ```ts
 * eventHeaders(event)[EventHeader.Type]; // 'conversation.started'
 * ```
 */
export const eventHeaders = (event: EventEnvelope): Record<string, string> => {
  // Optional headers assigned only when set (no spreads: this runs per event).
  const headers: Record<string, string> = {
    [EventHeader.ContentType]: CLOUDEVENTS_JSON,
    [EventHeader.Id]: event.id,
    [EventHeader.Type]: event.type,
  };
  if (typeof event.traceparent === 'string') {
    headers[EventHeader.Traceparent] = event.traceparent;
    if (typeof event.tracestate === 'string') headers[EventHeader.Tracestate] = event.tracestate;
  }
  return headers;
};

/**
 * The Kafka record of a validated event: keyed for per-entity ordering
 * ({@link recordKeyFor}), the envelope as JSON value, the headers of
 * {@link eventHeaders}.
 *
 * @example
 * ```ts
 * const record = toEventRecord(validateEvent(envelope), 'conversation.events');
 * record.key; // 'conv_123'
 * ```
 */
export const toEventRecord = (event: EventEnvelope, topic: string): EventRecord => ({
  topic,
  key: recordKeyFor(event.type, event.data, event.id),
  value: JSON.stringify(event),
  headers: eventHeaders(event),
});
