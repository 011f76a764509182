import type { Admin, IHeaders, Kafka } from 'kafkajs';
import { analyzeDlqRecords } from '../dlq/error-analysis';
import type { DlqErrorAnalysis } from '../dlq/error-analysis';
import { DlqHeader } from '../dlq/headers';
import { scanRecords } from '../dlq/scan';
import type { DlqRange } from '../dlq/scan';
import type { DlqDefinition } from '../platform';
import { topicWatermarks } from './cluster';
import type { Watermarks } from './cluster';
import { groupLag } from './consumers';
import type { PartitionLag } from './consumers';

/** A DLQ record as the stats see it: position, time and decoded headers (never the payload). */
export interface DlqRecordView {
  readonly partition: number;
  readonly offset: number;
  /** Kafka timestamp of the DLQ record (when it was dead-lettered), epoch ms. */
  readonly timestamp: number;
  readonly headers: Readonly<Record<string, string>>;
}

/** Which DLQ records the stats cover. */
export const DlqScope = {
  /** Records the DLQ-retry function has not consumed yet (after its group's committed offset). */
  Pending: 'pending',
  /** Every record the DLQ topic still retains. */
  All: 'all',
} as const;
export type DlqScope = (typeof DlqScope)[keyof typeof DlqScope];

/** GET /dead-letter-queue/stats (byHandler and topErrors: shared/dlq/error-analysis.ts). */
export interface DlqStats extends DlqErrorAnalysis {
  readonly topic: string;
  readonly scope: DlqScope;
  /** Records awaiting the DLQ-retry function (its group's lag on the DLQ topic). */
  readonly depth: number;
  /** Records of the scope on the broker. */
  readonly total: number;
  /** Records actually read (at most the configured maximum). */
  readonly scanned: number;
  readonly truncated: boolean;
  readonly byOriginalTopic: Readonly<Record<string, number>>;
  readonly byCategory: Readonly<Record<string, number>>;
  readonly byAttempt: Readonly<Record<string, number>>;
  readonly oldest: {
    readonly ageSeconds: number;
    readonly timestamp: string;
    readonly partition: number;
    readonly offset: number;
  } | null;
}

export { DLQ_SCAN_GROUP_PREFIX } from '../dlq/scan';
export type { DlqRange } from '../dlq/scan';

const UNKNOWN = 'unknown';

/**
 * The records of each partition after the group's committed offset (from the
 * log start when it never committed), clamped to the retained range.
 *
 * @example
 * ```ts
 * pendingRanges([{ partition: 0, low: 0, high: 10 }], [{ partition: 0, currentOffset: 4 }]); // [{ partition: 0, from: 4, to: 10 }]
 * ```
 */
export const pendingRanges = (
  marks: readonly Watermarks[],
  committed: readonly Pick<PartitionLag, 'partition' | 'currentOffset'>[],
): DlqRange[] => {
  const byPartition = new Map(committed.map((c) => [c.partition, c.currentOffset]));
  return marks.map((m) => {
    const c = byPartition.get(m.partition) ?? null;
    return {
      partition: m.partition,
      from: c === null ? m.low : Math.min(Math.max(c, m.low), m.high),
      to: m.high,
    };
  });
};

const bump = (counts: Record<string, number>, key: string): void => {
  counts[key] = (counts[key] ?? 0) + 1;
};

/**
 * Aggregates DLQ records: counts by original topic, failure category and
 * attempt, and the oldest record. Missing headers count as "unknown".
 *
 * @example
 * ```ts
 * const summary = summarizeDlqRecords(records, Date.now());
 * summary.byCategory.processing;
 * ```
 */
export const summarizeDlqRecords = (
  records: readonly DlqRecordView[],
  now: number,
): Pick<DlqStats, 'byOriginalTopic' | 'byCategory' | 'byAttempt' | 'oldest'> => {
  const byOriginalTopic: Record<string, number> = {};
  const byCategory: Record<string, number> = {};
  const byAttempt: Record<string, number> = {};
  let oldest: DlqRecordView | undefined;
  for (const r of records) {
    bump(byOriginalTopic, r.headers[DlqHeader.OriginalTopic] ?? UNKNOWN);
    bump(byCategory, r.headers[DlqHeader.Category] ?? UNKNOWN);
    bump(byAttempt, r.headers[DlqHeader.Attempt] ?? UNKNOWN);
    if (oldest === undefined || r.timestamp < oldest.timestamp) oldest = r;
  }
  return {
    byOriginalTopic,
    byCategory,
    byAttempt,
    oldest:
      oldest === undefined
        ? null
        : {
            ageSeconds: Math.max(0, Math.round((now - oldest.timestamp) / 1000)),
            timestamp: new Date(oldest.timestamp).toISOString(),
            partition: oldest.partition,
            offset: oldest.offset,
          },
  };
};

const headerText = (headers: IHeaders | undefined): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) out[name] = first.toString();
  }
  return out;
};

/**
 * Reads the records of `ranges` from a topic (the DLQ scan of
 * shared/dlq/scan.ts) as views: partition, offset, timestamp and headers as
 * text, stopping at the end of each range, after `maxRecords`, or after
 * `timeoutMs`.
 *
 * @example
 * ```ts
 * const { records, truncated } = await readRange(kafka, admin, 'dead.letter.queue', ranges, 10_000, 10_000);
 * ```
 */
export const readRange = async (
  kafka: Kafka,
  admin: Admin,
  topic: string,
  ranges: readonly DlqRange[],
  maxRecords: number,
  timeoutMs: number,
): Promise<{ records: DlqRecordView[]; truncated: boolean }> => {
  const scan = await scanRecords(kafka, admin, topic, ranges, { maxRecords, timeoutMs });
  return {
    truncated: scan.truncated,
    records: scan.records.map((r) => ({
      partition: r.partition,
      offset: Number(r.offset),
      timestamp: Number(r.timestamp),
      headers: headerText(r.headers),
    })),
  };
};

/** Options of {@link dlqStats}. */
export interface DlqStatsOptions {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly dlq: Pick<DlqDefinition, 'topic' | 'consumerGroupId'>;
  readonly scope: DlqScope;
  readonly maxRecords: number;
  readonly timeoutMs: number;
  readonly now?: () => number;
}

/**
 * The DLQ's depth (records awaiting the DLQ-retry function: its group's lag,
 * or everything retained when it never committed) and an analysis of the
 * records of the scope.
 *
 * @example
 * ```ts
 * const stats = await dlqStats({ kafka, admin, dlq: platform.dlq, scope: 'pending', maxRecords: 10_000, timeoutMs: 10_000 });
 * ```
 */
export const dlqStats = async (options: DlqStatsOptions): Promise<DlqStats> => {
  const now = options.now ?? Date.now;
  const { topic, consumerGroupId } = options.dlq;
  const [marks, lags] = await Promise.all([
    topicWatermarks(options.admin, topic),
    groupLag(options.admin, consumerGroupId, [topic]),
  ]);
  const pending = pendingRanges(marks, lags);
  const ranges: DlqRange[] =
    options.scope === DlqScope.All
      ? marks.map((m) => ({ partition: m.partition, from: m.low, to: m.high }))
      : pending;
  const depth = pending.reduce((n, r) => n + r.to - r.from, 0);
  const total = ranges.reduce((n, r) => n + Math.max(0, r.to - r.from), 0);
  const { records, truncated } = await readRange(
    options.kafka,
    options.admin,
    topic,
    ranges,
    options.maxRecords,
    options.timeoutMs,
  );
  return {
    topic,
    scope: options.scope,
    depth,
    total,
    scanned: records.length,
    truncated,
    ...summarizeDlqRecords(records, now()),
    ...analyzeDlqRecords(records),
  };
};

/**
 * Records awaiting the DLQ-retry function, without reading them.
 *
 * @example
 * ```ts
 * const depth = await dlqDepth(admin, platform.dlq);
 * ```
 */
export const dlqDepth = async (
  admin: Admin,
  dlq: Pick<DlqDefinition, 'topic' | 'consumerGroupId'>,
): Promise<number> => {
  const [marks, lags] = await Promise.all([
    topicWatermarks(admin, dlq.topic),
    groupLag(admin, dlq.consumerGroupId, [dlq.topic]),
  ]);
  return pendingRanges(marks, lags).reduce((n, r) => n + r.to - r.from, 0);
};
