import type { Logger } from '@aws-lambda-powertools/logger';
import { recordIds } from './record-logger';
import type { DeadLetter } from '../dlq/dead-letter';
import type { DlqWriter } from '../dlq/writer';
import type { EventEnvelope } from '../events/envelope';
import { MetricName } from '../platform/metrics';
import { recordMetric } from '../observability/metrics';
import type { EventBus } from './bus';
import { classifyFailure } from './classify';
import type { ClassifiedFailure } from './classify';
import { BatchIncompleteError, RecordFailureError } from './errors';
import { knownDecoded } from './known-records';
import { decodeRecord, parseMskEvent } from './msk-record';
import type { DecodedRecord } from './msk-record';
import { eventIdOf, parseEventValue } from './parse-event';
import { RecordContext } from './record-context';
import { isThenable, raceTimeBound, recordTimeBudget } from './time-bound';
import { tracingActive } from '../tracing/spans';
import { recordHandlerSpan } from './record-span';

/** The item identifier of ReportBatchItemFailures for Kafka. */
export interface BatchItemFailure {
  readonly itemIdentifier: { readonly partition: string; readonly offset: number };
}

/** The response of a consumer invocation (AWS's ReportBatchItemFailures shape). */
export interface BatchResponse {
  readonly batchItemFailures: BatchItemFailure[];
}

/** What {@link processBatch} needs. */
export interface BatchDependencies {
  readonly bus: EventBus;
  readonly dlq: DlqWriter;
  readonly logger: Logger;
  /** The consumer group that read a topic (one per event source mapping). */
  readonly consumerGroup: (topic: string) => string;
  readonly functionName: string;
  /** Report failures per record instead of failing the invocation. */
  readonly reportBatchItemFailures: boolean;
  /** Largest record value accepted; larger ones are dead-lettered. */
  readonly maxRecordBytes: number;
  /** Time kept back from each record's bound for the DLQ write and the response. */
  readonly reserveMs: number;
  readonly now?: () => Date;
}

/** The Lambda context members the consumer uses. */
export interface RemainingTime {
  readonly getRemainingTimeInMillis: () => number;
}

/** What an invocation did (returned beside the response, for logs and the journal). */
export interface BatchOutcome {
  readonly response: BatchResponse;
  /** Ids of the events processed successfully, in delivery order per partition. */
  readonly processedEventIds: string[];
  readonly deadLettered: number;
  /** Records left for the ESM to deliver again (no time left, or DLQ unwritable). */
  readonly unprocessed: number;
}

interface PartitionResult {
  readonly processed: string[];
  readonly letters: ClassifiedLetter[];
  /** Records not processed (time ran out): the first of them is retried from. */
  readonly unprocessed: DecodedRecordRef[];
}

interface DecodedRecordRef {
  readonly partitionKey: string;
  readonly offset: number;
}

/**
 * A record's outcome: the processed event's id, its dead letter, or `null`
 * for a tombstone handled (no event, no id). No wrapper object per record.
 */
type RecordOutcome = string | ClassifiedLetter | null;

/** A dead letter of the consumer: its failure is always classified. */
type ClassifiedLetter = DeadLetter & {
  readonly failure: ClassifiedFailure;
  /** The envelope's correlation id, when the value could be read (its log line). */
  readonly correlationId?: string;
};

/** Per-invocation figures of a topic, recorded as metrics once per invocation. */
interface Figures {
  consumed: number;
  processed: number;
  tombstones: number;
  seconds: number;
}
type Tally = Map<string, Figures>;

const tallyOf = (tally: Tally, topic: string): Figures => {
  let entry = tally.get(topic);
  if (entry === undefined) {
    entry = { consumed: 0, processed: 0, tombstones: 0, seconds: 0 };
    tally.set(topic, entry);
  }
  return entry;
};

/**
 * A failed record's dead letter; `eventId` and `correlationId` when known
 * (its value is never parsed again here).
 */
const deadLetter = (
  record: DecodedRecord,
  error: unknown,
  deps: BatchDependencies,
  now: () => Date,
  eventId: string | undefined,
  handler?: string,
  correlationId?: string,
): ClassifiedLetter => ({
  record,
  failure: classifyFailure(error),
  ...(handler === undefined ? {} : { handler }),
  ...(eventId === undefined ? {} : { eventId }),
  ...(correlationId === undefined ? {} : { correlationId }),
  consumerGroup: deps.consumerGroup(record.topic),
  functionName: deps.functionName,
  failedAt: now(),
});

const recordLabel = (r: DecodedRecord): string => `record ${r.topic}-${r.partition}@${r.offset}`;

/**
 * A tombstone (value null: "delete this key" on a compacted topic) is not a
 * poison record: it is counted and goes to the handlers that opted in
 * (`bus.onTombstone`), or is skipped when none did. Only a failing
 * tombstone handler dead-letters it.
 */
const processTombstone = (
  record: DecodedRecord,
  deps: BatchDependencies,
  budget: number,
  now: () => Date,
  figures: Figures,
): RecordOutcome | Promise<RecordOutcome> => {
  figures.tombstones += 1;
  const handlers = deps.bus.tombstoneHandlers;
  if (handlers.length === 0) {
    figures.processed += 1;
    return null;
  }
  const ctx = new RecordContext(record, deps.logger);
  return raceTimeBound(
    ctx.runTombstone(handlers),
    budget,
    () => recordLabel(record),
    () => ctx.abort(),
  ).then(
    () => {
      figures.processed += 1;
      return null;
    },
    (error: unknown) => deadLetter(record, error, deps, now, undefined, ctx.handler),
  );
};

/**
 * One record: decode, validate, route, run the handlers within `budget` ms
 * (positive: the caller leaves records without time unprocessed).
 * Synchronous when every handler is (no promise nor closure per record on
 * the hot path); a promise otherwise.
 */
const processRecord = (
  raw: unknown,
  deps: BatchDependencies,
  budget: number,
  now: () => Date,
  figuresOf: (topic: string) => Figures,
  known: DecodedRecord | undefined,
): RecordOutcome | Promise<RecordOutcome> => {
  const decoded = known ?? decodeRecord(raw);
  if ('error' in decoded) {
    figuresOf(decoded.record.topic).consumed += 1;
    return deadLetter(decoded.record, decoded.error, deps, now, eventIdOf(decoded.record.value));
  }
  const figures = figuresOf(decoded.topic);
  figures.consumed += 1;
  if (decoded.value === null) return processTombstone(decoded, deps, budget, now, figures);
  let event: EventEnvelope;
  try {
    event = parseEventValue(decoded.value, deps.maxRecordBytes);
  } catch (error) {
    const failure = error instanceof RecordFailureError ? error : undefined;
    return deadLetter(
      decoded,
      error,
      deps,
      now,
      failure?.eventId,
      undefined,
      failure?.correlationId,
    );
  }
  const handlers = deps.bus.handlersFor(event);
  const processed = event.id;
  if (handlers.length === 0) {
    figures.processed += 1;
    return processed;
  }
  const ctx = new RecordContext(decoded, deps.logger, event);
  // 0 unless a span sink is registered (OTLP locally, X-Ray in AWS): no span work otherwise.
  const spanStart = tracingActive() ? Date.now() : 0;
  let pending: void | Promise<void>;
  try {
    pending = ctx.run(handlers, event);
  } catch (error) {
    if (spanStart > 0)
      recordHandlerSpan(decoded, event, deps.consumerGroup(decoded.topic), spanStart, error);
    return deadLetter(decoded, error, deps, now, processed, ctx.handler, event.correlationid);
  }
  if (pending === undefined) {
    if (spanStart > 0)
      recordHandlerSpan(decoded, event, deps.consumerGroup(decoded.topic), spanStart);
    figures.processed += 1;
    return processed;
  }
  // Closures only for a handler that went asynchronous.
  const label = () => recordLabel(decoded);
  return raceTimeBound(pending, budget, label, () => ctx.abort()).then(
    () => {
      if (spanStart > 0)
        recordHandlerSpan(decoded, event, deps.consumerGroup(decoded.topic), spanStart);
      figures.processed += 1;
      return processed;
    },
    (error: unknown) => {
      if (spanStart > 0)
        recordHandlerSpan(decoded, event, deps.consumerGroup(decoded.topic), spanStart, error);
      return deadLetter(decoded, error, deps, now, processed, ctx.handler, event.correlationid);
    },
  );
};

const processPartition = async (
  partitionKey: string,
  records: readonly unknown[],
  deps: BatchDependencies,
  context: RemainingTime,
  now: () => Date,
  tally: Tally,
): Promise<PartitionResult> => {
  const result: PartitionResult = { processed: [], letters: [], unprocessed: [] };
  const started = performance.now();
  let last: { topic: string; figures: Figures } | undefined;
  const figuresOf = (topic: string): Figures => {
    if (last?.topic !== topic) last = { topic, figures: tallyOf(tally, topic) };
    return last.figures;
  };
  // Records this process built from bytes it holds (the local ESM) are not decoded again.
  const knownAt = knownDecoded(records);
  for (let i = 0; i < records.length; i += 1) {
    const budget = recordTimeBudget(context.getRemainingTimeInMillis(), deps.reserveMs);
    if (budget <= 0) {
      for (const raw of records.slice(i))
        result.unprocessed.push({ partitionKey, offset: (raw as { offset: number }).offset });
      break;
    }
    const raw = records[i];
    let out = processRecord(raw, deps, budget, now, figuresOf, knownAt?.(i, raw));
    if (isThenable(out)) out = await out;
    if (typeof out === 'string') result.processed.push(out);
    else if (out !== null) result.letters.push(out);
  }
  // A partition holds one topic: its processing time goes to that topic.
  if (last) last.figures.seconds += (performance.now() - started) / 1000;
  return result;
};

/**
 * Processes one MSK event: every record is decoded, validated and routed to
 * its handlers (partitions concurrently, records of a partition in order),
 * each record bounded by the Lambda's remaining time. Failed records are
 * classified and written to the DLQ, awaited, before returning. If the DLQ
 * write fails, or time runs out, the records concerned are reported in
 * `batchItemFailures` (or the invocation throws when ReportBatchItemFailures
 * is off), so the ESM delivers them again: nothing is dropped.
 *
 * @example
 * ```ts
 * const { response } = await processBatch(event, context, { bus, dlq, logger,
 *   consumerGroup: () => 'g', functionName: 'f', reportBatchItemFailures: true,
 *   maxRecordBytes: MAX_RECORD_BYTES, reserveMs: 1_000 });
 * ```
 */
export const processBatch = async (
  input: unknown,
  context: RemainingTime,
  deps: BatchDependencies,
): Promise<BatchOutcome> => {
  const event = parseMskEvent(input);
  const now = deps.now ?? (() => new Date());
  const tally: Tally = new Map();
  const results = await Promise.all(
    Object.entries(event.records).map(([key, records]) =>
      processPartition(key, records, deps, context, now, tally),
    ),
  );
  for (const [topic, figures] of tally) {
    const labels = { topic, consumer: deps.functionName };
    recordMetric(MetricName.ConsumerMessagesConsumed, figures.consumed, labels);
    if (figures.tombstones > 0)
      recordMetric(MetricName.ConsumerTombstones, figures.tombstones, labels);
    if (figures.processed === 0) continue;
    recordMetric(MetricName.ConsumerMessagesProcessed, figures.processed, labels);
    // One observation per invocation and topic: the time its records took.
    recordMetric(MetricName.ConsumerProcessingDurationSeconds, figures.seconds, labels);
  }
  const letters = results.flatMap((r) => r.letters);
  const unprocessed = results.flatMap((r) => r.unprocessed);
  const failures: BatchItemFailure[] = unprocessed.map((u) => ({
    itemIdentifier: { partition: u.partitionKey, offset: u.offset },
  }));
  // Without per-record reports, running out of time fails the whole batch:
  // it comes back entire, so dead-lettering its failures now would only
  // duplicate them.
  if (unprocessed.length > 0 && !deps.reportBatchItemFailures)
    throw new BatchIncompleteError(
      `${unprocessed.length} record(s) were not processed before the time ran out`,
    );
  let deadLettered = 0;
  if (letters.length > 0) {
    try {
      await deps.dlq.write(letters);
      deadLettered = letters.length;
      for (const letter of letters)
        recordMetric(MetricName.DlqMessagesSent, 1, {
          topic: letter.record.topic,
          category: letter.failure.category,
        });
      for (const letter of letters)
        deps.logger.warn(
          'record dead-lettered',
          recordIds(letter.record.headers, letter.eventId, letter.correlationId),
          {
            topic: letter.record.topic,
            partition: letter.record.partition,
            offset: letter.record.offset,
            handler: letter.handler,
            category: letter.failure.category,
            error: letter.failure.message,
          },
        );
    } catch (error) {
      if (!deps.reportBatchItemFailures) throw error;
      deps.logger.error('dead-letter write failed; reporting the records for redelivery', {
        records: letters.length,
        error: (error as Error).message,
      });
      for (const letter of letters)
        failures.push({
          itemIdentifier: {
            partition: `${letter.record.topic}-${letter.record.partition}`,
            offset: letter.record.offset,
          },
        });
    }
  }
  return {
    response: { batchItemFailures: failures },
    processedEventIds: results.flatMap((r) => r.processed),
    deadLettered,
    unprocessed: failures.length,
  };
};
