import type { EventEnvelope } from './envelope';
import { recordKeyFor } from './keys';

/**
 * Kafka headers of an event record. The record value is the CloudEvents
 * 1.0 structured-mode JSON envelope, so `content-type` is
 * `application/cloudevents+json` as the CloudEvents Kafka protocol binding
 * requires; the main attributes are copied into `ce_*` headers so that
 * consumers, tools and filters can route without parsing the value. The
 * value stays authoritative.
 */
export const EventHeader = {
  ContentType: 'content-type',
  SpecVersion: 'ce_specversion',
  Id: 'ce_id',
  Type: 'ce_type',
  Source: 'ce_source',
  Time: 'ce_time',
  Subject: 'ce_subject',
  CorrelationId: 'ce_correlationid',
  DataVersion: 'ce_dataversion',
  DataSchema: 'ce_dataschema',
  /**
   * W3C trace context of the hop that wrote the record (the CloudEvents
   * distributed-tracing extension, under the W3C header names OpenTelemetry's
   * Kafka propagation uses): the publish API writes the event's, the DLQ and
   * its retries the same trace id with a span id of their own.
   */
  Traceparent: 'traceparent',
  Tracestate: 'tracestate',
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
 * The Kafka headers of a validated event.
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
    [EventHeader.SpecVersion]: event.specversion,
    [EventHeader.Id]: event.id,
    [EventHeader.Type]: event.type,
    [EventHeader.Source]: event.source,
    [EventHeader.Time]: event.time,
    [EventHeader.DataVersion]: String(event.dataversion),
  };
  if (event.dataschema !== undefined) headers[EventHeader.DataSchema] = event.dataschema;
  if (event.subject !== undefined) headers[EventHeader.Subject] = event.subject;
  if (event.correlationid !== undefined) headers[EventHeader.CorrelationId] = event.correlationid;
  if (typeof event.traceparent === 'string') {
    headers[EventHeader.Traceparent] = event.traceparent;
    if (typeof event.tracestate === 'string') headers[EventHeader.Tracestate] = event.tracestate;
  }
  return headers;
};

/**
 * The Kafka record of a validated event: keyed for per-entity ordering
 * ({@link recordKeyFor}), the envelope as JSON value, CloudEvents headers.
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
