import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { EVENT_TYPES } from './event-types';
import type { EventType } from './event-types';
import { currentVersionOf } from './catalogue';
import { lazy } from '../lazy';
import type { EventData, EventDataInput } from './schemas';

/**
 * CloudEvents 1.0 structured-mode JSON envelope (specversion, id, source,
 * type, time, datacontenttype, dataschema, data) plus the extension
 * attributes `correlationid` and `dataversion` (CloudEvents extension names
 * are lower-case alphanumerics). Any CloudEvents reader understands our
 * records. `dataversion` is the data's major version (its compatibility
 * line); `dataschema` names the exact schema version the producer wrote
 * (docs/schemas.md). Records written before `dataschema` existed lack it.
 */
const envelopeShape = () => ({
  specversion: z.literal('1.0'),
  id: z.string().min(1).max(256),
  source: z.string().min(1).max(1024),
  type: z.enum(EVENT_TYPES as [EventType, ...EventType[]]),
  time: z.iso.datetime({ offset: true }),
  datacontenttype: z.literal('application/json').default('application/json'),
  dataschema: z.string().min(1).max(2048).optional(),
  subject: z.string().max(1024).optional(),
  correlationid: z.string().min(1).max(256).optional(),
  dataversion: z.number().int().min(1).default(1),
  data: z.unknown(),
});

/** The envelope's schema (built on first use: shared/lazy.ts). */
export const envelopeSchema = lazy(() => z.looseObject(envelopeShape()));

/** The CloudEvents attributes of an envelope (without extensions beyond ours). */
type EnvelopeAttributes = Omit<
  z.output<z.ZodObject<ReturnType<typeof envelopeShape>>>,
  'type' | 'data'
>;

/** An envelope whose data has not been validated against its type yet. */
export type RawEnvelope = z.output<ReturnType<typeof envelopeSchema>>;

/** A validated event of type T. */
export type EventEnvelope<T extends EventType = EventType> = EnvelopeAttributes & {
  readonly type: T;
  readonly data: EventData<T>;
  /** Other CloudEvents extension attributes are kept as they came. */
  readonly [extension: string]: unknown;
};

/** What a producer gives to build an envelope. */
export interface NewEvent<T extends EventType> {
  readonly type: T;
  readonly data: EventDataInput<T>;
  readonly source?: string;
  /** The envelope's `id`. @default a UUID */
  readonly eventId?: string;
  readonly time?: Date;
  readonly subject?: string;
  readonly correlationId?: string;
  /**
   * W3C trace context of the event's creation (the CloudEvents
   * distributed-tracing extension: `traceparent`, `tracestate` attributes;
   * the records carry the current hop in the `traceparent` header).
   */
  readonly traceparent?: string;
  readonly tracestate?: string;
}

/** Default `source` of events published by the platform. */
export const DEFAULT_SOURCE = 'urn:xseven:events';

/** An envelope built by {@link createEnvelope}, not validated yet. */
export interface NewEnvelope<T extends EventType> {
  readonly specversion: '1.0';
  readonly id: string;
  readonly source: string;
  readonly type: T;
  readonly time: string;
  readonly datacontenttype: 'application/json';
  readonly dataschema: string;
  readonly subject?: string;
  readonly correlationid?: string;
  readonly traceparent?: string;
  readonly tracestate?: string;
  readonly dataversion: number;
  readonly data: EventDataInput<T>;
}

let lastMs = Number.NaN;
let lastIso = '';

/** `new Date().toISOString()`, formatted once per millisecond (events of one batch share it). */
const nowIso = (): string => {
  const ms = Date.now();
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
};

/**
 * Builds an envelope (not yet validated: the producer validates before send).
 *
 * @example
 * ```ts
 * const event = createEnvelope({ type: 'conversation.started', data: { conversation_id: 'c1', user_id: 'u1' } });
 * event.specversion; // '1.0'
 * ```
 */
export const createEnvelope = <T extends EventType>(event: NewEvent<T>): NewEnvelope<T> => {
  const schema = currentVersionOf(event.type);
  // Attributes in CloudEvents order; optional ones only when set (no spreads: this runs per event).
  const envelope: {
    -readonly [K in keyof NewEnvelope<T>]: NewEnvelope<T>[K];
  } = {
    specversion: '1.0',
    id: event.eventId ?? randomUUID(),
    source: event.source ?? DEFAULT_SOURCE,
    type: event.type,
    time: event.time === undefined ? nowIso() : event.time.toISOString(),
    datacontenttype: 'application/json',
    dataschema: schema.uri,
  } as NewEnvelope<T>;
  if (event.subject !== undefined) envelope.subject = event.subject;
  if (event.correlationId !== undefined) envelope.correlationid = event.correlationId;
  envelope.dataversion = schema.major;
  envelope.data = event.data;
  // Extensions last, where the envelope schema's output puts them (the same JSON either way).
  if (event.traceparent !== undefined) envelope.traceparent = event.traceparent;
  if (event.tracestate !== undefined) envelope.tracestate = event.tracestate;
  return envelope;
};
