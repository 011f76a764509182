/**
 * Decoding dead-letter records (headers of shared/dlq/headers.ts) and
 * building the messages the DLQ-retry function produces from them: the
 * republished original record, the archived record with its history, and
 * the re-queued DLQ record.
 */
import type { IHeaders } from 'kafkajs';
import type { OutgoingMessage, RecordPosition } from '../kafka/records';
import * as z from 'zod';
import { lazy } from '../lazy';
import { DELIVERY_ATTEMPT_HEADER, DlqHeader, RETRY_HISTORY_HEADER } from './headers';
import { nextHopHeader, TraceHeader } from '../tracing/trace-context';
import { DlqRecordInvalidError } from './errors';

/** Headers the DLQ-retry function adds to the records it archives or re-queues. */
export const DlqMoverHeader = {
  ArchivedAt: 'xseven-dlq-archived-at',
  /** Why it was archived: one of {@link ArchiveReason}. */
  ArchiveReason: 'xseven-dlq-archive-reason',
  /** With reason `move_refused`: the broker's error. */
  ArchiveError: 'xseven-dlq-archive-error',
  /** How many times a not-yet-due record was re-queued. */
  Requeues: 'xseven-dlq-requeues',
  /**
   * On a marker record of the archive: `<partition>:<offset>` of an archived
   * record that a manual retry republished (the archive is append-only).
   */
  RetriedFrom: 'xseven-dlq-retried-from',
} as const;
export type DlqMoverHeader = (typeof DlqMoverHeader)[keyof typeof DlqMoverHeader];

/** Why a record went to the archive. */
export const ArchiveReason = {
  /** Its policy's retries are used up. */
  RetriesExhausted: 'retries_exhausted',
  /** Its policy never retries (e.g. deserialization failures). */
  NotRetriable: 'not_retriable',
  /** The DLQ record itself could not be decoded (headers missing or invalid). */
  InvalidDlqRecord: 'invalid_dlq_record',
  /** Its original topic no longer exists: republishing is impossible. */
  OriginalTopicMissing: 'original_topic_missing',
  /** The broker refused to take it back for good (e.g. too large for its topic now). */
  MoveRefused: 'move_refused',
} as const;
export type ArchiveReason = (typeof ArchiveReason)[keyof typeof ArchiveReason];

/** One failure of a record, as kept in its history. */
export interface FailureHistoryEntry {
  readonly attempt: number;
  /** ISO-8601 time of the failure. */
  readonly time: string;
  readonly category?: string | undefined;
  readonly errorMessage?: string | undefined;
  readonly handler?: string | undefined;
  readonly functionName?: string | undefined;
}

/** A decoded dead-letter (or archived) record. */
export interface DlqRecord {
  /** Where this DLQ/archive record itself sits. */
  readonly position: RecordPosition;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  /** Kafka timestamp of this DLQ/archive record (epoch ms, decimal): when it was dead-lettered. */
  readonly timestamp: string;
  /** The record's headers exactly as read (DLQ headers included). */
  readonly rawHeaders: Readonly<Record<string, Buffer>>;
  /** The original record's own headers (ours removed; repeated headers kept as arrays). */
  readonly originalHeaders: Readonly<Record<string, Buffer | Buffer[]>>;
  readonly originalTopic: string;
  readonly originalPartition?: number | undefined;
  readonly originalOffset?: string | undefined;
  readonly category?: string | undefined;
  readonly handler?: string | undefined;
  readonly functionName?: string | undefined;
  readonly consumerGroup?: string | undefined;
  readonly errorMessage?: string | undefined;
  readonly eventId?: string | undefined;
  /** Failed deliveries so far (1 after the first failure). */
  readonly attempt: number;
  readonly firstFailureTime: Date;
  readonly lastFailureTime: Date;
  /** When the writer scheduled the next retry (absent when not retriable). */
  readonly nextRetryTime?: Date | undefined;
  /** Every failure so far, oldest first, the latest included. */
  readonly history: readonly FailureHistoryEntry[];
  /** Set on archived records. */
  readonly archivedAt?: Date | undefined;
  readonly archiveReason?: string | undefined;
}

/** A record as kafkajs hands it to a consumer. */
export interface ConsumedRecord {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly timestamp: string;
  readonly offset: string;
  readonly headers?: IHeaders | undefined;
}

const OUR_PREFIXES = ['xseven-dlq-'] as const;
const OUR_HEADERS: ReadonlySet<string> = new Set([DELIVERY_ATTEMPT_HEADER, RETRY_HISTORY_HEADER]);

const isOurs = (name: string): boolean =>
  OUR_HEADERS.has(name) || OUR_PREFIXES.some((p) => name.startsWith(p));

/**
 * Flattens kafkajs headers to one Buffer per name (the last value of a
 * repeated header wins).
 *
 * @example
 * ```ts
 * headerBuffers({ a: 'x', b: [Buffer.from('1'), Buffer.from('2')] }); // { a: <x>, b: <2> }
 * ```
 */
export const headerBuffers = (headers: IHeaders | undefined): Record<string, Buffer> => {
  const out: Record<string, Buffer> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (last === undefined) continue;
    out[name] = Buffer.isBuffer(last) ? last : Buffer.from(last);
  }
  return out;
};

const isoTime = lazy(() => z.iso.datetime({ offset: true }));
const positiveInt = lazy(() =>
  z
    .string()
    .regex(/^\d+$/, 'must be a decimal integer')
    .transform(Number)
    .pipe(z.number().int().min(1)),
);

const headerSchema = lazy(() =>
  z.object({
    [DlqHeader.OriginalTopic]: z.string().min(1),
    [DlqHeader.OriginalPartition]: z
      .string()
      .regex(/^\d+$/, 'must be a decimal integer')
      .transform(Number)
      .optional(),
    [DlqHeader.OriginalOffset]: z.string().regex(/^\d+$/, 'must be a decimal integer').optional(),
    [DlqHeader.Category]: z.string().optional(),
    [DlqHeader.Handler]: z.string().optional(),
    [DlqHeader.FunctionName]: z.string().optional(),
    [DlqHeader.ConsumerGroup]: z.string().optional(),
    [DlqHeader.ErrorMessage]: z.string().optional(),
    [DlqHeader.EventId]: z.string().optional(),
    [DlqHeader.Attempt]: positiveInt().optional(),
    [DlqHeader.FirstFailureTime]: isoTime().optional(),
    [DlqHeader.LastFailureTime]: isoTime().optional(),
    [DlqHeader.NextRetryTime]: isoTime().optional(),
    [DELIVERY_ATTEMPT_HEADER]: positiveInt().optional(),
    [DlqMoverHeader.ArchivedAt]: isoTime().optional(),
    [DlqMoverHeader.ArchiveReason]: z.string().optional(),
  }),
);

const historySchema = lazy(() =>
  z.array(
    z.object({
      attempt: z.number().int().min(1),
      time: isoTime(),
      category: z.string().optional(),
      errorMessage: z.string().optional(),
      handler: z.string().optional(),
      functionName: z.string().optional(),
    }),
  ),
);

/** History is informative: an unreadable one is treated as empty, never as a reason to drop. */
const parseHistory = (raw: Buffer | undefined): FailureHistoryEntry[] => {
  if (raw === undefined) return [];
  try {
    const parsed = historySchema().safeParse(JSON.parse(raw.toString('utf8')));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
};

/**
 * Decodes a record of the dead-letter queue or of its archive.
 * Throws {@link DlqRecordInvalidError} naming the bad headers when the
 * record lacks its original topic or carries malformed values.
 *
 * @example
 * ```ts
 * const record = decodeDlqRecord({ topic, partition, offset: message.offset }, message);
 * record.originalTopic; // 'ai.responses'
 * ```
 */
export const decodeDlqRecord = (
  position: Omit<RecordPosition, 'offset'>,
  message: ConsumedRecord,
): DlqRecord => {
  const rawHeaders = headerBuffers(message.headers);
  const strings = Object.fromEntries(
    Object.entries(rawHeaders).map(([k, v]) => [k, v.toString('utf8')]),
  );
  const parsed = headerSchema().safeParse(strings);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new DlqRecordInvalidError(`invalid dead-letter record: ${problems.join('; ')}`, {
      details: { problems, ...position, offset: message.offset },
    });
  }
  const h = parsed.data;
  const timestampMs = Number(message.timestamp);
  const recordTime = new Date(Number.isFinite(timestampMs) ? timestampMs : Date.now());
  const lastFailureTime = new Date(h[DlqHeader.LastFailureTime] ?? recordTime.toISOString());

  // Earlier failures travel with republished records; an archived record carries all of them.
  const carried = parseHistory(rawHeaders[RETRY_HISTORY_HEADER]);
  const archived = parseHistory(rawHeaders[DlqHeader.History]);
  const attempt = Math.max(
    h[DlqHeader.Attempt] ?? 1,
    h[DELIVERY_ATTEMPT_HEADER] ?? 1,
    (carried.at(-1)?.attempt ?? 0) + 1,
    archived.at(-1)?.attempt ?? 1,
  );
  const current: FailureHistoryEntry = archived.find((e) => e.attempt === attempt) ?? {
    attempt,
    time: lastFailureTime.toISOString(),
    category: h[DlqHeader.Category],
    errorMessage: h[DlqHeader.ErrorMessage],
    handler: h[DlqHeader.Handler],
    functionName: h[DlqHeader.FunctionName],
  };
  const earlier = new Map<number, FailureHistoryEntry>();
  for (const entry of [...carried, ...archived])
    if (entry.attempt < attempt && !earlier.has(entry.attempt)) earlier.set(entry.attempt, entry);
  const history = [...[...earlier.values()].sort((a, b) => a.attempt - b.attempt), current];
  const firstFailureTime = new Date(
    h[DlqHeader.FirstFailureTime] ?? history[0]?.time ?? lastFailureTime.toISOString(),
  );
  const originalHeaders: Record<string, Buffer | Buffer[]> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (value === undefined || isOurs(name)) continue;
    originalHeaders[name] = Array.isArray(value)
      ? value.map((v) => (Buffer.isBuffer(v) ? v : Buffer.from(v)))
      : Buffer.isBuffer(value)
        ? value
        : Buffer.from(value);
  }
  const nextRetry = h[DlqHeader.NextRetryTime];
  const archivedAt = h[DlqMoverHeader.ArchivedAt];

  return {
    position: { ...position, offset: message.offset },
    key: message.key,
    value: message.value,
    timestamp: message.timestamp,
    rawHeaders,
    originalHeaders,
    originalTopic: h[DlqHeader.OriginalTopic],
    originalPartition: h[DlqHeader.OriginalPartition],
    originalOffset: h[DlqHeader.OriginalOffset],
    category: h[DlqHeader.Category],
    handler: h[DlqHeader.Handler],
    functionName: h[DlqHeader.FunctionName],
    consumerGroup: h[DlqHeader.ConsumerGroup],
    errorMessage: h[DlqHeader.ErrorMessage],
    eventId: h[DlqHeader.EventId],
    attempt,
    firstFailureTime,
    lastFailureTime,
    nextRetryTime: nextRetry === undefined ? undefined : new Date(nextRetry),
    history,
    archivedAt: archivedAt === undefined ? undefined : new Date(archivedAt),
    archiveReason: h[DlqMoverHeader.ArchiveReason],
  };
};

/**
 * The message republishing a dead-lettered record to its original topic:
 * original key, value and headers, plus the delivery attempt
 * (`xseven-attempt` = failed attempts + 1), the failure history so far and
 * the first failure time (which the DLQ writer keeps on a new failure).
 * A record without a key keeps its original partition.
 *
 * @example
 * ```ts
 * await producer.send([{ topic: record.originalTopic, ...toRetryMessage(record) }]);
 * ```
 */
export const toRetryMessage = (record: DlqRecord): OutgoingMessage => ({
  key: record.key,
  value: record.value,
  headers: {
    ...record.originalHeaders,
    // The retry continues the event's trace, as a span of its own.
    ...nextHopHeader(record.originalHeaders[TraceHeader.Traceparent]),
    [DELIVERY_ATTEMPT_HEADER]: String(record.attempt + 1),
    [RETRY_HISTORY_HEADER]: JSON.stringify(record.history),
    [DlqHeader.FirstFailureTime]: record.firstFailureTime.toISOString(),
  },
  ...(record.key === null && record.originalPartition !== undefined
    ? { partition: record.originalPartition }
    : {}),
});

/**
 * The message archiving a dead-lettered record: its DLQ record untouched,
 * plus its full failure history, the archive time and the reason.
 *
 * @example
 * ```ts
 * const message = toArchiveMessage(record, ArchiveReason.RetriesExhausted, new Date());
 * ```
 */
export const toArchiveMessage = (
  record: DlqRecord,
  reason: ArchiveReason,
  now: Date,
): OutgoingMessage => ({
  key: record.key,
  value: record.value,
  headers: {
    ...record.rawHeaders,
    ...nextHopHeader(record.rawHeaders[TraceHeader.Traceparent]),
    [DlqHeader.Attempt]: String(record.attempt),
    [DlqHeader.FirstFailureTime]: record.firstFailureTime.toISOString(),
    [DlqHeader.History]: JSON.stringify(record.history),
    [DlqMoverHeader.ArchivedAt]: now.toISOString(),
    [DlqMoverHeader.ArchiveReason]: reason,
  },
});

/**
 * The message archiving a DLQ record that could not be decoded: kept byte
 * for byte, with the reason and the decoding problem.
 *
 * @example
 * ```ts
 * const message = toInvalidArchiveMessage(message, err.message, new Date());
 * ```
 */
export const toInvalidArchiveMessage = (
  message: ConsumedRecord,
  problem: string,
  now: Date,
): OutgoingMessage => ({
  key: message.key,
  value: message.value,
  headers: {
    ...headerBuffers(message.headers),
    [DlqHeader.ErrorMessage]: problem,
    [DlqMoverHeader.ArchivedAt]: now.toISOString(),
    [DlqMoverHeader.ArchiveReason]: ArchiveReason.InvalidDlqRecord,
  },
});

/**
 * The message re-queueing a DLQ record that is not yet due: the record
 * unchanged (its timestamp too, so the DLQ's age stays true), to the same
 * DLQ partition, with its next-retry time fixed (so jitter is drawn once,
 * not on every run).
 *
 * @example
 * ```ts
 * const message = toRequeueMessage(record, dueAt);
 * ```
 */
export const toRequeueMessage = (record: DlqRecord, dueAt: Date): OutgoingMessage => ({
  key: record.key,
  value: record.value,
  partition: record.position.partition,
  timestamp: record.timestamp,
  headers: { ...record.rawHeaders, [DlqHeader.NextRetryTime]: dueAt.toISOString() },
});
