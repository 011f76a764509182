/**
 * The archive's counts for GET /dead-letter-queue/stats: archived records by
 * reason, original topic and category, and how many a manual retry has
 * republished. Reads headers only, never payloads.
 */
import type { Admin, Kafka } from 'kafkajs';
import { DlqHeader } from './headers';
import { DlqMoverHeader } from './record';
import { readRange, wholeTopic } from './scan';
import type { DlqRecordView } from './scan';

const UNKNOWN = 'unknown';

/** The archive's counts. */
export interface ArchiveStats {
  readonly topic: string;
  /** Archived records retained (retry markers not counted). */
  readonly archived: number;
  /** Of those, records a manual retry has republished. */
  readonly retried: number;
  readonly byReason: Readonly<Record<string, number>>;
  readonly byOriginalTopic: Readonly<Record<string, number>>;
  readonly byCategory: Readonly<Record<string, number>>;
  readonly scanned: number;
  readonly truncated: boolean;
}

/**
 * Counts of the records an archive topic holds, from their headers.
 *
 * @example
 * ```ts
 * const stats = summarizeArchive('dead.letter.archive', records, false);
 * stats.byReason.retries_exhausted;
 * ```
 */
export const summarizeArchive = (
  topic: string,
  records: readonly DlqRecordView[],
  truncated: boolean,
): ArchiveStats => {
  const byReason: Record<string, number> = {};
  const byOriginalTopic: Record<string, number> = {};
  const byCategory: Record<string, number> = {};
  let archived = 0;
  let retried = 0;
  for (const r of records) {
    if (r.headers[DlqMoverHeader.RetriedFrom] !== undefined) {
      retried += 1;
      continue;
    }
    archived += 1;
    const bump = (counts: Record<string, number>, key: string | undefined): void => {
      counts[key ?? UNKNOWN] = (counts[key ?? UNKNOWN] ?? 0) + 1;
    };
    bump(byReason, r.headers[DlqMoverHeader.ArchiveReason]);
    bump(byOriginalTopic, r.headers[DlqHeader.OriginalTopic]);
    bump(byCategory, r.headers[DlqHeader.Category]);
  }
  return {
    topic,
    archived,
    retried,
    byReason,
    byOriginalTopic,
    byCategory,
    scanned: records.length,
    truncated,
  };
};

/**
 * Reads the archive topic (headers only, bounded) and counts it.
 *
 * @example
 * ```ts
 * const archive = await archiveStats({ kafka, admin, topic: platform.dlq.archiveTopic, maxRecords: 10_000, timeoutMs: 10_000 });
 * ```
 */
export const archiveStats = async (options: {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly topic: string;
  readonly maxRecords: number;
  readonly timeoutMs: number;
}): Promise<ArchiveStats> => {
  const { records, truncated } = await readRange(
    options.kafka,
    options.admin,
    options.topic,
    await wholeTopic(options.admin, options.topic),
    options.maxRecords,
    options.timeoutMs,
  );
  return summarizeArchive(options.topic, records, truncated);
};
