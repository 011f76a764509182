import { createEnvelope } from '../events/envelope';
import type { EventEnvelope, NewEvent } from '../events/envelope';
import type { EventType } from '../events/event-types';
import { toEventRecord } from '../events/record';
import type { EventRecord } from '../events/record';
import type { EventDataInput } from '../events/schemas';
import { EventValidationError } from '../events/errors';
import { validateCreatedEnvelope } from '../events/validate';
import { XsevenError } from '../errors';
import { topicForEventType } from '../platform/queries';
import type { PlatformDefinition } from '../platform';
import { MAX_RECORD_BYTES } from '../platform/limits';
import { recordBytes } from '../kafka/records';
import { defaultPublishContext } from './context';
import type { PublishContext } from './context';
import { EventTooLargeError } from './errors';
import { recordSendSpans } from './send-spans';
import { childSpan, formatTraceparent } from '../tracing/trace-context';
import type { TraceContext } from '../tracing/trace-context';

/**
 * The trace attributes of a new event: a span of its own in `trace` (the
 * publishing request's), and the caller's `tracestate`.
 *
 * @example
 * ```ts
 * const event = { type, data, ...traceAttributes(requestTrace) };
 * ```
 */
export const traceAttributes = (
  trace: TraceContext,
): { traceparent: string; tracestate?: string } => {
  const traceparent = formatTraceparent(childSpan(trace));
  return trace.tracestate === undefined
    ? { traceparent }
    : { traceparent, tracestate: trace.tracestate };
};

/** Envelope attributes a publisher may set (all optional). */
export interface PublishOptions {
  /** Correlation id carried in the envelope (`correlationid`). */
  readonly correlationId?: string;
  /** CloudEvents `source`. @default 'urn:xseven:events' */
  readonly source?: string;
  /** Event id; give a stable one to make a retried publish deduplicable. @default a UUID */
  readonly eventId?: string;
  readonly subject?: string;
  readonly time?: Date;
  /** The trace the event joins (its record carries a span of it). @default none */
  readonly trace?: TraceContext;
  /** @default the container's context ({@link defaultPublishContext}) */
  readonly context?: PublishContext;
}

/** What was published, and where. */
export interface PublishedEvent {
  readonly eventId: string;
  readonly type: EventType;
  readonly topic: string;
  readonly partition: number;
  /** Decimal string: Kafka offsets are 64-bit. */
  readonly offset: string;
  readonly key: string;
  readonly correlationId?: string;
}

/** A validated event and its record. */
export interface PreparedEvent {
  readonly event: EventEnvelope;
  readonly record: EventRecord;
  /** Bytes the record adds to a Kafka record batch. */
  readonly bytes: number;
}

/** One item of {@link publishEvents}: published, or why not. */
export type BatchItemResult =
  | { readonly index: number; readonly ok: true; readonly published: PublishedEvent }
  | { readonly index: number; readonly ok: false; readonly error: XsevenError };

/** Bytes a record adds to a Kafka record batch: its {@link recordBytes} and the framing of it and of each header. */
const batchBytes = (record: EventRecord): number =>
  recordBytes(record) + 32 + 8 * Object.keys(record.headers).length;

/** C0 and C1 control characters (CR and LF included): never in an id, a key or a header value. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * The envelope attributes that become Kafka headers and the record key must
 * hold no control character: a CR/LF would split a log line or an HTTP
 * header downstream, a NUL truncates C strings. Throws the 422 of the field.
 */
const refuseControlCharacters = (event: EventEnvelope, key: string): void => {
  // Tested one by one, the issues built only on a refusal (this runs per event).
  if (
    !CONTROL_CHARACTER.test(event.id) &&
    !CONTROL_CHARACTER.test(event.source) &&
    (event.subject === undefined || !CONTROL_CHARACTER.test(event.subject)) &&
    (event.correlationid === undefined || !CONTROL_CHARACTER.test(event.correlationid)) &&
    !CONTROL_CHARACTER.test(key)
  )
    return;
  const fields: [string, string | undefined][] = [
    ['event_id', event.id],
    ['source', event.source],
    ['subject', event.subject],
    ['correlation_id', event.correlationid],
    ['key', key],
  ];
  const issues = fields
    .filter(([, value]) => value !== undefined && CONTROL_CHARACTER.test(value))
    .map(([path]) => ({ path, message: 'must not contain control characters (C0, C1, CR, LF)' }));
  throw new EventValidationError(issues);
};

/**
 * Builds, validates and routes an event without sending it: throws an
 * EventValidationError naming the failing paths, or an EventTooLargeError.
 * With `dataValidated`, the caller has already parsed the data with its
 * type's current schema (the typed publish routes): only the envelope is
 * validated, so the data is validated once.
 *
 * @example
 * ```ts
 * const { record } = prepareEvent({ type: 'user.action', data: { user_id: 'u1', action: 'login' } }, platform);
 * record.topic; // 'user.actions'
 * ```
 */
export const prepareEvent = <T extends EventType>(
  input: NewEvent<T>,
  def: PlatformDefinition,
  maxRecordBytes: number = MAX_RECORD_BYTES,
  dataValidated = false,
): PreparedEvent => {
  const envelope = createEnvelope(input);
  const event = validateCreatedEnvelope(envelope, dataValidated);
  const record = toEventRecord(event, topicForEventType(def, event.type));
  refuseControlCharacters(event, record.key);
  const bytes = batchBytes(record);
  if (bytes > maxRecordBytes) throw new EventTooLargeError(bytes, maxRecordBytes);
  return { event, record, bytes };
};

/**
 * Splits prepared events into sends of at most `maxBytes` (one record each at
 * least): a partition's record batch must stay under the broker's
 * `message.max.bytes` (1 MiB by default), whatever the compression achieves.
 */
const chunksOf = <T extends { prepared: PreparedEvent }>(
  items: readonly T[],
  maxBytes: number,
): T[][] => {
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = item.prepared.bytes;
    if (current.length > 0 && bytes + size > maxBytes) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
};

const asPlatformError = (error: unknown): XsevenError =>
  error instanceof XsevenError
    ? error
    : new XsevenError('INTERNAL', 'unexpected failure', { cause: error });

const published = (prepared: PreparedEvent, position: { partition: number; offset: string }) => ({
  eventId: prepared.event.id,
  type: prepared.event.type,
  topic: prepared.record.topic,
  partition: position.partition,
  offset: position.offset,
  key: prepared.record.key,
  ...(prepared.event.correlationid === undefined
    ? {}
    : { correlationId: prepared.event.correlationid }),
});

const newEvent = <T extends EventType>(
  type: T,
  data: EventDataInput<T>,
  options: PublishOptions,
): NewEvent<T> => ({
  type,
  data,
  ...(options.correlationId === undefined ? {} : { correlationId: options.correlationId }),
  ...(options.source === undefined ? {} : { source: options.source }),
  ...(options.eventId === undefined ? {} : { eventId: options.eventId }),
  ...(options.subject === undefined ? {} : { subject: options.subject }),
  ...(options.time === undefined ? {} : { time: options.time }),
  ...(options.trace === undefined ? {} : traceAttributes(options.trace)),
});

/**
 * Publishes one event of any type: validates it against its schema, routes
 * it by the platform definition, keys it for per-entity ordering and waits
 * for Kafka's acknowledgement (acks=all). Resolves only once written.
 *
 * @example
 * ```ts
 * const { topic, partition, offset } = await publishEvent(
 *   'user.action',
 *   { user_id: 'user_456', action: 'login' },
 *   { correlationId: 'req-1' },
 * );
 * ```
 */
export const publishEvent = async <T extends EventType>(
  type: T,
  data: EventDataInput<T>,
  options: PublishOptions = {},
): Promise<PublishedEvent> => {
  const context = options.context ?? defaultPublishContext();
  const prepared = prepareEvent(
    newEvent(type, data, options),
    context.platform,
    context.maxRecordBytes,
  );
  const startMs = Date.now();
  const parent = options.trace === undefined ? {} : { parentSpanId: options.trace.spanId };
  let positions: readonly { partition: number; offset: string }[];
  try {
    positions = await context.producer.send([prepared.record]);
  } catch (error) {
    recordSendSpans([prepared], { startMs, ...parent, outcomes: [{ ok: false, error }] });
    throw error;
  }
  const [position] = positions;
  recordSendSpans([prepared], {
    startMs,
    ...parent,
    ...(position === undefined ? {} : { outcomes: [{ ok: true, position }] }),
  });
  if (position === undefined) throw new Error('the producer returned no position');
  return published(prepared, position);
};

/**
 * Publishes many events, in one produce request as long as they fit in
 * one broker record batch (else in as few sends as fit, in order). Each
 * item is validated on its own: invalid items fail alone (their error says
 * why), valid ones are sent together, each partition on its own: when
 * Kafka confirms some partitions of a send and not others, the items of
 * the confirmed ones are published and the others fail (a
 * KafkaUnavailableError: not written; a DeliveryTimeoutError: may or may
 * not be written), and the sends after it are not tried (they fail with
 * that error). Nothing is reported as published unless Kafka acknowledged it.
 *
 * @example
 * ```ts
 * const results = await publishEvents([
 *   { type: 'conversation.started', data: { conversation_id: 'c1', user_id: 'u1' } },
 *   { type: 'conversation.message', data: { conversation_id: 'c1', user_id: 'u1', message_content: 'hi' } },
 * ]);
 * results.every((r) => r.ok); // true
 * ```
 */
export const publishEvents = async (
  events: readonly NewEvent<EventType>[],
  options: {
    readonly context?: PublishContext;
    /** The data of every event was parsed with its type's current schema ({@link prepareEvent}). */
    readonly dataValidated?: boolean;
    /** The span the events' spans are children of (the publishing request's). @default none */
    readonly trace?: TraceContext;
  } = {},
): Promise<BatchItemResult[]> => {
  const context = options.context ?? defaultPublishContext();
  const results: BatchItemResult[] = new Array(events.length);
  const ready: { index: number; prepared: PreparedEvent }[] = [];
  events.forEach((input, index) => {
    try {
      ready.push({
        index,
        prepared: prepareEvent(
          input,
          context.platform,
          context.maxRecordBytes,
          options.dataValidated,
        ),
      });
    } catch (error) {
      results[index] = { index, ok: false, error: asPlatformError(error) };
    }
  });
  let failure: XsevenError | undefined;
  const parent = options.trace === undefined ? {} : { parentSpanId: options.trace.spanId };
  for (const chunk of chunksOf(ready, context.maxRecordBytes ?? MAX_RECORD_BYTES)) {
    if (failure === undefined) {
      // Per record: a partition Kafka did not confirm fails alone; the others are written.
      const startMs = Date.now();
      const sent = chunk.map((r) => r.prepared);
      const outcomes = await context.producer.sendEach(sent.map((p) => p.record));
      recordSendSpans(sent, { startMs, ...parent, outcomes });
      chunk.forEach(({ index, prepared }, i) => {
        const outcome = outcomes[i];
        if (outcome?.ok === true)
          results[index] = { index, ok: true, published: published(prepared, outcome.position) };
        else {
          const error = outcome?.error ?? asPlatformError(new Error('no send outcome'));
          failure ??= error;
          results[index] = { index, ok: false, error };
        }
      });
      continue;
    }
    // Kafka refused or is unreachable: the rest is not tried, and fails alike.
    for (const { index } of chunk) results[index] = { index, ok: false, error: failure };
  }
  return results;
};
