import type { Message, Producer } from 'kafkajs';
import type { ClassifiedFailure } from '../consumer/classify';
import type { DecodedRecord, RecordHeader } from '../consumer/msk-record';
import { DlqWriteError } from '../consumer/errors';
import type { DlqDefinition } from '../platform/schema';
import { DELIVERY_ATTEMPT_HEADER, DLQ_HEADER_PREFIX, DlqHeader } from './headers';
import { nextRetryTime, policyFor } from './retry-policy';
import type { RandomSource } from './retry-strategies';

/** A failed record and everything known about its failure. */
export interface DeadLetter {
  readonly record: DecodedRecord;
  readonly failure: ClassifiedFailure;
  /** The handler that failed, when the failure happened in one. */
  readonly handler?: string;
  /** The envelope id, when the value could be read. */
  readonly eventId?: string;
  readonly consumerGroup: string;
  readonly functionName: string;
  readonly failedAt: Date;
}

const headerText = (headers: readonly RecordHeader[], name: string): string | undefined => {
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

/** Header values are limited so a huge error message cannot bloat a record. */
const MAX_HEADER_CHARS = 2000;
const clip = (text: string): string =>
  text.length > MAX_HEADER_CHARS ? `${text.slice(0, MAX_HEADER_CHARS)}…` : text;

/** Options of {@link buildDlqMessage}. */
export interface DlqMessageOptions {
  /** When the DLQ retry should try again (absent: no retry, archive). */
  readonly nextRetryAt?: Date;
}

/**
 * The DLQ record of a dead letter: the original key and value bytes, the
 * original headers untouched (minus stale `xseven-dlq-*` ones), then the
 * failure headers of shared/dlq/headers.ts. The attempt count continues
 * from the record's `xseven-attempt` header; the first failure time is kept
 * from the record when it carries one.
 *
 * @example
 * ```ts
 * const message = buildDlqMessage(deadLetter, { nextRetryAt });
 * await producer.send({ topic: 'dead.letter.queue', messages: [message] });
 * ```
 */
export const buildDlqMessage = (letter: DeadLetter, options: DlqMessageOptions = {}): Message => {
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
    [DlqHeader.Category]: failure.category,
    [DlqHeader.Retriable]: String(failure.retriable),
    [DlqHeader.ErrorMessage]: clip(failure.message),
    [DlqHeader.ErrorStack]: clip(failure.stack),
    [DlqHeader.Attempt]: String(deliveryAttempt(record.headers)),
    [DlqHeader.FirstFailureTime]:
      headerText(record.headers, DlqHeader.FirstFailureTime) ?? failedAt,
    [DlqHeader.LastFailureTime]: failedAt,
  };
  if (letter.handler !== undefined) dlqHeaders[DlqHeader.Handler] = letter.handler;
  if (letter.eventId !== undefined) dlqHeaders[DlqHeader.EventId] = letter.eventId;
  if (options.nextRetryAt !== undefined)
    dlqHeaders[DlqHeader.NextRetryTime] = options.nextRetryAt.toISOString();
  const allHeaders: Message['headers'] = {};
  for (const [name, values] of Object.entries(headers))
    allHeaders[name] = values.length === 1 ? values[0] : values;
  for (const [name, value] of Object.entries(dlqHeaders)) allHeaders[name] = Buffer.from(value);
  return {
    key: record.key,
    value: record.value,
    headers: allHeaders,
    timestamp: String(letter.failedAt.getTime()),
  };
};

/** Writes dead letters; resolves only when the broker has them all (acks=all). */
export interface DlqWriter {
  readonly write: (letters: readonly DeadLetter[]) => Promise<void>;
}

/** Options of {@link createDlqWriter}. */
export interface DlqWriterOptions {
  /** A connected producer (reused across invocations). */
  readonly producer: () => Promise<Producer>;
  /** The DLQ definition: topic and retry policy for the next-retry-time header. */
  readonly dlq: DlqDefinition;
  readonly random?: RandomSource;
}

/**
 * A DLQ writer on a kafkajs producer: one send of every letter, awaited
 * with acks=all. Any failure is a {@link DlqWriteError} naming how many
 * letters were not written.
 *
 * @example
 * ```ts
 * const writer = createDlqWriter({ producer: () => connectedProducer(), dlq: platform.dlq });
 * await writer.write(letters);
 * ```
 */
export const createDlqWriter = (options: DlqWriterOptions): DlqWriter => ({
  write: async function writeDeadLetters(letters) {
    if (letters.length === 0) return;
    const messages = letters.map((letter) => {
      const policy = policyFor(options.dlq, {
        topic: letter.record.topic,
        category: letter.failure.category,
      });
      const attempt = deliveryAttempt(letter.record.headers);
      const nextRetryAt = nextRetryTime(policy, attempt, letter.failedAt, options.random);
      return buildDlqMessage(letter, nextRetryAt === undefined ? {} : { nextRetryAt });
    });
    try {
      const producer = await options.producer();
      await producer.send({ topic: options.dlq.topic, messages, acks: -1 });
    } catch (error) {
      throw new DlqWriteError(
        `${letters.length} record(s) could not be written to ${options.dlq.topic}: ${(error as Error).message}`,
        { cause: error },
      );
    }
  },
});
