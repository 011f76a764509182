import type { Logger } from '@aws-lambda-powertools/logger';
import type { DeadLetter, DlqWriter } from '../dlq/writer';
import type { EventEnvelope } from '../events/envelope';
import { deliveryAttempt } from '../dlq/writer';
import { MetricName, recordMetric } from '../observability/metrics';
import type { EventType } from '../events/event-types';
import type { EventBus, EventOf } from './bus';
import { classifyFailure } from './classify';
import { BatchIncompleteError } from './errors';
import { decodeRecord, parseMskEvent } from './msk-record';
import type { DecodedRecord } from './msk-record';
import { eventIdOf, parseEventValue } from './parse-event';
import { recordTimeBudget, withinTimeBound } from './time-bound';

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
  readonly consumerGroup: string;
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
  readonly letters: DeadLetter[];
  /** Records not processed (time ran out): the first of them is retried from. */
  readonly unprocessed: DecodedRecordRef[];
}

interface DecodedRecordRef {
  readonly partitionKey: string;
  readonly offset: number;
}

const seconds = (startNs: bigint): number => Number(process.hrtime.bigint() - startNs) / 1e9;

const processRecord = async (
  raw: unknown,
  deps: BatchDependencies,
  context: RemainingTime,
  now: () => Date,
): Promise<{ processed?: string; letter?: DeadLetter }> => {
  const decoded = decodeRecord(raw);
  const letterOf = (record: DecodedRecord, error: unknown, handler?: string): DeadLetter => {
    const eventId = eventIdOf(record.value);
    return {
      record,
      failure: classifyFailure(error),
      ...(handler === undefined ? {} : { handler }),
      ...(eventId === undefined ? {} : { eventId }),
      consumerGroup: deps.consumerGroup,
      functionName: deps.functionName,
      failedAt: now(),
    };
  };
  const topic = 'error' in decoded ? decoded.record.topic : decoded.topic;
  const labels = { topic, consumer: deps.functionName };
  recordMetric(MetricName.ConsumerMessagesConsumed, 1, labels);
  if ('error' in decoded) return { letter: letterOf(decoded.record, decoded.error) };
  const started = process.hrtime.bigint();
  let event: EventEnvelope;
  try {
    event = parseEventValue(decoded.value, deps.maxRecordBytes);
  } catch (error) {
    return { letter: letterOf(decoded, error) };
  }
  const handlers = deps.bus.handlersFor(event);
  let current: string | undefined;
  try {
    const budget = recordTimeBudget(context.getRemainingTimeInMillis(), deps.reserveMs);
    await withinTimeBound(
      (signal) => {
        const attempt = deliveryAttempt(decoded.headers);
        const ctx = { signal, record: decoded, attempt, logger: deps.logger };
        let chain: Promise<void> | undefined;
        for (const handler of handlers) {
          if (chain === undefined) {
            current = handler.name;
            const result = handler.handle(event as EventOf<EventType>, ctx);
            if (result instanceof Promise) chain = result;
          } else {
            chain = chain.then(() => {
              current = handler.name;
              return handler.handle(event as EventOf<EventType>, ctx);
            });
          }
        }
        return chain;
      },
      budget,
      `record ${decoded.topic}-${decoded.partition}@${decoded.offset}`,
    );
  } catch (error) {
    return { letter: letterOf(decoded, error, current) };
  }
  recordMetric(MetricName.ConsumerMessagesProcessed, 1, labels);
  recordMetric(MetricName.ConsumerProcessingDurationSeconds, seconds(started), labels);
  return { processed: String(event.id) };
};

const processPartition = async (
  partitionKey: string,
  records: readonly unknown[],
  deps: BatchDependencies,
  context: RemainingTime,
  now: () => Date,
): Promise<PartitionResult> => {
  const result: PartitionResult = { processed: [], letters: [], unprocessed: [] };
  for (let i = 0; i < records.length; i += 1) {
    if (recordTimeBudget(context.getRemainingTimeInMillis(), deps.reserveMs) <= 0) {
      for (const raw of records.slice(i))
        result.unprocessed.push({ partitionKey, offset: (raw as { offset: number }).offset });
      break;
    }
    const out = await processRecord(records[i], deps, context, now);
    if (out.processed !== undefined) result.processed.push(out.processed);
    if (out.letter !== undefined) result.letters.push(out.letter);
  }
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
 *   consumerGroup: 'g', functionName: 'f', reportBatchItemFailures: true,
 *   maxRecordBytes: DEFAULT_MAX_RECORD_BYTES, reserveMs: 1_000 });
 * ```
 */
export const processBatch = async (
  input: unknown,
  context: RemainingTime,
  deps: BatchDependencies,
): Promise<BatchOutcome> => {
  const event = parseMskEvent(input);
  const now = deps.now ?? (() => new Date());
  const results = await Promise.all(
    Object.entries(event.records).map(([key, records]) =>
      processPartition(key, records, deps, context, now),
    ),
  );
  const letters = results.flatMap((r) => r.letters);
  const unprocessed = results.flatMap((r) => r.unprocessed);
  const failures: BatchItemFailure[] = unprocessed.map((u) => ({
    itemIdentifier: { partition: u.partitionKey, offset: u.offset },
  }));
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
        deps.logger.warn('record dead-lettered', {
          topic: letter.record.topic,
          partition: letter.record.partition,
          offset: letter.record.offset,
          eventId: letter.eventId,
          handler: letter.handler,
          category: letter.failure.category,
          error: letter.failure.message,
        });
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
  if (unprocessed.length > 0 && !deps.reportBatchItemFailures)
    throw new BatchIncompleteError(
      `${unprocessed.length} record(s) were not processed before the time ran out`,
    );
  return {
    response: { batchItemFailures: failures },
    processedEventIds: results.flatMap((r) => r.processed),
    deadLettered,
    unprocessed: failures.length,
  };
};
