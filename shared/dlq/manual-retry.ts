/**
 * Manual recovery (POST /api/v1/kafka/dead-letter-queue/retry): republish
 * the dead-lettered or archived records matching a filter to their original
 * topics now, whatever their schedule; or, in a dry run, list what would move.
 *
 * From the DLQ the move is the scheduled mover's (a Kafka transaction
 * republishing the matching records and re-queueing the others, committed
 * with the DLQ offset). From the archive, which is append-only, the
 * republished records and a marker per record (so it is never retried twice)
 * are written in one transaction.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Admin, Kafka } from 'kafkajs';
import { KafkaProducer } from '../kafka/producer';
import { loadProducerConfig } from '../kafka/producer-config';
import { dlqProducerConfig } from '../kafka/producer-instance';
import type { DlqDefinition } from '../platform/schema';
import { MetricName } from '../platform/metrics';
import { recordMetric } from '../observability/metrics';
import { dlqTransactionalIds } from '../platform/queries';
import type { DecideMove } from './move-plan';
import { runDlqMover } from './mover';
import { DlqMoverHeader, decodeDlqRecord, headerBuffers, toRetryMessage } from './record';
import type { DlqRecord } from './record';
import { scanRecords, wholeTopic } from './scan';
import type { ScannedRecord } from './scan';
import { pendingDlqRanges } from './stats';
import { RetrySource } from './manual-retry-request';
import type { ManualRetryRequest } from './manual-retry-request';

export { RetrySource, manualRetryRequestSchema } from './manual-retry-request';
export type { ManualRetryRequest } from './manual-retry-request';

/** One record a manual retry moved (or would move). */
export interface ManualRetryItem {
  readonly eventId: string | null;
  readonly originalTopic: string;
  readonly category: string | null;
  /** Failed attempts so far. */
  readonly attempt: number;
  readonly lastFailureTime: string;
  /** Where the record sat in the DLQ or the archive. */
  readonly location: {
    readonly topic: string;
    readonly partition: number;
    readonly offset: string;
  };
}

/** The response of POST /dead-letter-queue/retry. */
export interface ManualRetryResult {
  readonly source: RetrySource;
  readonly dryRun: boolean;
  /** Records matching the filter (at most `limit`). */
  readonly matched: number;
  /** Records republished (0 in a dry run). */
  readonly moved: number;
  /** More records may match: the limit or the scan bound was reached. */
  readonly truncated: boolean;
  /** Matching records not republished because their original topic no longer exists (archived from the DLQ, left in the archive). */
  readonly skippedTopicMissing: number;
  readonly records: readonly ManualRetryItem[];
}

/** Options of {@link manualRetry}. */
export interface ManualRetryOptions {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly dlq: DlqDefinition;
  readonly logger: Logger;
  /** Most records scanned per request. @default 100000 */
  readonly maxScan?: number;
  /** Time the request may take. @default 20000 */
  readonly timeoutMs?: number;
  readonly now?: () => Date;
}

/**
 * Whether a record matches every given filter of a request.
 *
 * @example
 * ```ts
 * matchesFilter(record, { topics: ['ai.responses'] }); // true when it failed on ai.responses
 * ```
 */
export const matchesFilter = (
  record: DlqRecord,
  filter: Pick<ManualRetryRequest, 'topics' | 'categories' | 'eventIds' | 'from' | 'to'>,
): boolean => {
  if (filter.topics && !filter.topics.includes(record.originalTopic)) return false;
  if (filter.categories && !filter.categories.includes(record.category ?? '')) return false;
  if (filter.eventIds && !filter.eventIds.includes(record.eventId ?? '')) return false;
  const failed = record.lastFailureTime.getTime();
  if (filter.from !== undefined && failed < new Date(filter.from).getTime()) return false;
  if (filter.to !== undefined && failed >= new Date(filter.to).getTime()) return false;
  return true;
};

const itemOf = (record: DlqRecord): ManualRetryItem => ({
  eventId: record.eventId ?? null,
  originalTopic: record.originalTopic,
  category: record.category ?? null,
  attempt: record.attempt,
  lastFailureTime: record.lastFailureTime.toISOString(),
  location: { ...record.position },
});

const decodeAll = (topic: string, records: readonly ScannedRecord[]): DlqRecord[] =>
  records.flatMap((r) => {
    try {
      return [decodeDlqRecord({ topic, partition: r.partition }, r)];
    } catch {
      return [];
    }
  });

/** Archived records not yet retried: markers and the records they mark left out. */
const retriableArchived = (topic: string, scanned: readonly ScannedRecord[]): DlqRecord[] => {
  const retried = new Set<string>();
  const archived: ScannedRecord[] = [];
  for (const r of scanned) {
    const marker = headerBuffers(r.headers)[DlqMoverHeader.RetriedFrom];
    if (marker === undefined) archived.push(r);
    else retried.add(marker.toString('utf8'));
  }
  return decodeAll(
    topic,
    archived.filter((r) => !retried.has(`${r.partition}:${r.offset}`)),
  );
};

/**
 * Republishes archived records and marks each as retried (the archive is
 * append-only), in transactions of at most 500 records.
 */
const retryFromArchive = async (
  options: ManualRetryOptions,
  selected: readonly DlqRecord[],
): Promise<void> => {
  const { kafka, dlq } = options;
  const producer = new KafkaProducer({
    kafka,
    config: dlqProducerConfig(loadProducerConfig()),
    transactionalId: dlqTransactionalIds(dlq).archiveRetry,
    logger: options.logger,
  });
  try {
    for (let i = 0; i < selected.length; i += 500) {
      const chunk = selected.slice(i, i + 500);
      await producer.transaction((tx) =>
        tx.send(
          chunk.flatMap((record) => [
            { topic: record.originalTopic, ...toRetryMessage(record) },
            {
              topic: dlq.archiveTopic,
              key: record.key,
              value: null,
              partition: record.position.partition,
              headers: {
                [DlqMoverHeader.RetriedFrom]: `${record.position.partition}:${record.position.offset}`,
              },
            },
          ]),
        ),
      );
    }
  } finally {
    await producer.disconnect();
  }
};

const retryFromDlq = async (
  options: ManualRetryOptions,
  request: ManualRetryRequest,
): Promise<ManualRetryResult> => {
  const now = options.now ?? ((): Date => new Date());
  const chosen: ManualRetryItem[] = [];
  let overLimit = false;
  const decide: DecideMove = (record) => {
    if (matchesFilter(record, request)) {
      if (chosen.length < request.limit) {
        chosen.push(itemOf(record));
        return { action: 'retry' };
      }
      overLimit = true;
    }
    return { action: 'requeue', dueAt: record.nextRetryTime ?? record.lastFailureTime };
  };
  const result = await runDlqMover({
    kafka: options.kafka,
    dlq: options.dlq,
    logger: options.logger,
    deadline: now().getTime() + (options.timeoutMs ?? 20_000),
    now,
    decide,
    keepInvalid: true,
    idleMs: 1500,
  });
  return {
    source: RetrySource.Dlq,
    dryRun: false,
    matched: chosen.length,
    moved: result.retried,
    truncated: overLimit || !result.complete,
    skippedTopicMissing: result.moved.filter((m) => m.reason === 'original_topic_missing').length,
    records: chosen,
  };
};

/**
 * Runs a manual retry request: dry run or move, from the DLQ or the archive.
 *
 * @example
 * ```ts
 * const result = await manualRetry({ kafka, admin, dlq: platform.dlq, logger }, manualRetryRequestSchema().parse({ categories: ['timeout'], dryRun: true }));
 * result.records.length;
 * ```
 */
export const manualRetry = async (
  options: ManualRetryOptions,
  request: ManualRetryRequest,
): Promise<ManualRetryResult> => {
  const { kafka, admin, dlq } = options;
  if (request.source === RetrySource.Dlq && !request.dryRun) {
    const result = await retryFromDlq(options, request);
    options.logger.info('manual dlq retry', { source: 'dlq', moved: result.moved });
    return result;
  }
  const topic = request.source === RetrySource.Dlq ? dlq.topic : dlq.archiveTopic;
  const ranges =
    request.source === RetrySource.Dlq
      ? await pendingDlqRanges(admin, dlq)
      : await wholeTopic(admin, topic);
  const scan = await scanRecords(kafka, admin, topic, ranges, {
    maxRecords: options.maxScan ?? 100_000,
    timeoutMs: options.timeoutMs ?? 20_000,
  });
  const candidates =
    request.source === RetrySource.Dlq
      ? decodeAll(topic, scan.records)
      : retriableArchived(topic, scan.records);
  const existing = new Set(await admin.listTopics());
  const matchingAll = candidates.filter((r) => matchesFilter(r, request));
  const matching = matchingAll.filter((r) => existing.has(r.originalTopic));
  const selected = matching.slice(0, request.limit);
  if (!request.dryRun) {
    await retryFromArchive(options, selected);
    for (const r of selected)
      recordMetric(MetricName.DlqMessagesRetried, 1, { topic: r.originalTopic, source: 'archive' });
    options.logger.info('manual dlq retry', { source: 'archive', moved: selected.length });
  }
  return {
    source: request.source,
    dryRun: request.dryRun,
    matched: selected.length,
    moved: request.dryRun ? 0 : selected.length,
    truncated: scan.truncated || matching.length > selected.length,
    skippedTopicMissing: matchingAll.length - matching.length,
    records: selected.map(itemOf),
  };
};
