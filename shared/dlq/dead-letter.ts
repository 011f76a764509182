/**
 * The one builder of dead-letter records: a failed record's key, value and
 * headers, plus the failure headers of shared/dlq/headers.ts. The
 * consumers' DLQ writer (shared/dlq/writer.ts) and the local ESM's
 * on-failure destination (local/esm/on-failure.ts) both write what it builds,
 * so every tool reads both the same way.
 */
import type { IHeaders } from 'kafkajs';
import type { OutgoingMessage, RecordHeader } from '../kafka/records';
import type { FailureCategory } from '../platform/schema';
import { DELIVERY_ATTEMPT_HEADER, DLQ_HEADER_PREFIX, DlqHeader } from './headers';
import { nextHopHeader, TraceHeader } from '../tracing/trace-context';

/** The failed record, as its consumer read it. */
export interface FailedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  /** Kafka time of the record, epoch ms. */
  readonly timestamp: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: readonly RecordHeader[];
}

/**
 * Why a record failed. The consumer classifies its failures
 * (shared/consumer/classify.ts); the local ESM giving a batch up knows only
 * the message. Absent fields are not written.
 */
export interface DeadLetterFailure {
  readonly message: string;
  readonly category?: FailureCategory;
  readonly retriable?: boolean;
  /** The first lines of the stack (never the whole trace). */
  readonly stack?: string;
}

/** A failed record and everything known about its failure. */
export interface DeadLetter {
  readonly record: FailedRecord;
  readonly failure: DeadLetterFailure;
  /** The handler that failed, when the failure happened in one. */
  readonly handler?: string;
  /** The envelope id, when the value could be read. */
  readonly eventId?: string;
  readonly consumerGroup: string;
  readonly functionName: string;
  readonly failedAt: Date;
}

/**
 * The first value of a header as text, if the record has it.
 *
 * @example
 * ```ts
 * headerText(record.headers, 'traceparent');
 * ```
 */
export const headerText = (headers: readonly RecordHeader[], name: string): string | undefined => {
  for (const h of headers) if (h.name === name) return h.value.toString('utf8');
  return undefined;
};

/**
 * Which delivery of a record this was: its `xseven-attempt` header (set by
 * the DLQ retry when it republishes), 1 when absent or unreadable.
 *
 * @example
 * ```ts
 * deliveryAttempt([{ name: 'xseven-attempt', value: Buffer.from('3') }]); // 3
 * ```
 */
export const deliveryAttempt = (headers: readonly RecordHeader[]): number => {
  const text = headerText(headers, DELIVERY_ATTEMPT_HEADER);
  const n = text === undefined ? NaN : Number(text);
  return Number.isInteger(n) && n >= 1 ? n : 1;
};

/**
 * The headers of a kafkajs message as a list, in order, repeated values kept.
 *
 * @example
 * ```ts
 * recordHeaders({ a: 'x', b: [Buffer.from('1'), Buffer.from('2')] }); // a, b, b
 * ```
 */
export const recordHeaders = (headers: IHeaders | undefined): RecordHeader[] => {
  const out: RecordHeader[] = [];
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value])
      out.push({ name, value: Buffer.isBuffer(v) ? v : Buffer.from(v) });
  }
  return out;
};

/** Header values are limited so a huge error message cannot bloat a record. */
const MAX_HEADER_CHARS = 2000;
const clip = (text: string): string =>
  text.length > MAX_HEADER_CHARS ? `${text.slice(0, MAX_HEADER_CHARS)}…` : text;

/** Options of {@link buildDlqMessage}. */
export interface DlqMessageOptions {
  /** When the DLQ retry should try again (absent: no retry, archive). */
  readonly nextRetryAt?: Date;
  /** Headers of the writer's own, added last (e.g. why the local ESM gave the record up). */
  readonly extraHeaders?: Readonly<Record<string, string>>;
}

/**
 * The dead-letter record of a failed record: the original key and value
 * bytes, the original headers untouched (minus stale `xseven-dlq-*` ones),
 * then the failure headers of shared/dlq/headers.ts. The attempt count
 * continues from the record's `xseven-attempt` header; the first failure
 * time is kept from the record when it carries one.
 *
 * @example
 * ```ts
 * const message = buildDlqMessage(deadLetter, { nextRetryAt });
 * await producer.send([{ topic: 'dead.letter.queue', ...message }]);
 * ```
 */
export const buildDlqMessage = (
  letter: DeadLetter,
  options: DlqMessageOptions = {},
): OutgoingMessage => {
  const { record, failure } = letter;
  const headers: Record<string, Buffer[]> = {};
  for (const h of record.headers) {
    if (h.name.startsWith(DLQ_HEADER_PREFIX)) continue;
    (headers[h.name] ??= []).push(h.value);
  }
  const failedAt = letter.failedAt.toISOString();
  const dlqHeaders: Record<string, string> = {
    [DlqHeader.OriginalTopic]: record.topic,
    [DlqHeader.OriginalPartition]: String(record.partition),
    [DlqHeader.OriginalOffset]: String(record.offset),
    [DlqHeader.OriginalTimestamp]: new Date(record.timestamp).toISOString(),
    [DlqHeader.ConsumerGroup]: letter.consumerGroup,
    [DlqHeader.FunctionName]: letter.functionName,
  };
  if (failure.category !== undefined) dlqHeaders[DlqHeader.Category] = failure.category;
  if (failure.retriable !== undefined) dlqHeaders[DlqHeader.Retriable] = String(failure.retriable);
  dlqHeaders[DlqHeader.ErrorMessage] = clip(failure.message);
  if (failure.stack !== undefined) dlqHeaders[DlqHeader.ErrorStack] = clip(failure.stack);
  dlqHeaders[DlqHeader.Attempt] = String(deliveryAttempt(record.headers));
  dlqHeaders[DlqHeader.FirstFailureTime] =
    headerText(record.headers, DlqHeader.FirstFailureTime) ?? failedAt;
  dlqHeaders[DlqHeader.LastFailureTime] = failedAt;
  if (letter.handler !== undefined) dlqHeaders[DlqHeader.Handler] = letter.handler;
  if (letter.eventId !== undefined) dlqHeaders[DlqHeader.EventId] = letter.eventId;
  if (options.nextRetryAt !== undefined)
    dlqHeaders[DlqHeader.NextRetryTime] = options.nextRetryAt.toISOString();
  const allHeaders: Record<string, Buffer | Buffer[]> = {};
  for (const [name, values] of Object.entries(headers))
    allHeaders[name] = values.length === 1 ? (values[0] as Buffer) : values;
  // The dead letter continues the event's trace, as a span of its own.
  const { traceparent } = nextHopHeader(headers[TraceHeader.Traceparent]);
  if (traceparent !== undefined) allHeaders[TraceHeader.Traceparent] = Buffer.from(traceparent);
  for (const [name, value] of Object.entries({ ...dlqHeaders, ...options.extraHeaders }))
    allHeaders[name] = Buffer.from(value);
  return {
    key: record.key,
    value: record.value,
    headers: allHeaders,
    timestamp: String(letter.failedAt.getTime()),
  };
};
