/**
 * The DLQ's depth and statistics (GET /dead-letter-queue/stats): what the
 * DLQ-retry function has not moved yet, counted by original topic,
 * category and attempt, plus the error analysis of shared/dlq/error-analysis.ts.
 * Reads headers only, never payloads.
 */
import type { Admin, Kafka } from 'kafkajs';
import { topicWatermarks } from '../kafka/offsets';
import type { Watermarks } from '../kafka/offsets';
import type { DlqDefinition } from '../platform/schema';
import { retry } from '../retry';
import { analyzeDlqRecords } from './error-analysis';
import type { DlqErrorAnalysis } from './error-analysis';
import { DlqHeader } from './headers';
import { readRange } from './scan';
import type { DlqRange, DlqRecordView } from './scan';

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
  committed: readonly { readonly partition: number; readonly currentOffset: number | null }[],
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

/** The DLQ's watermarks and the ranges its retry group has not consumed yet. */
const dlqPositions = async (
  admin: Admin,
  dlq: Pick<DlqDefinition, 'topic' | 'consumerGroupId'>,
  handledUpTo: ReadonlyMap<number, number> = new Map(),
): Promise<{ marks: Watermarks[]; pending: DlqRange[] }> => {
  const [marks, committed] = await Promise.all([
    topicWatermarks(admin, dlq.topic),
    // The group coordinator may move (NOT_COORDINATOR) right after a run: kafkajs' admin does not retry it.
    retry(() => admin.fetchOffsets({ groupId: dlq.consumerGroupId, topics: [dlq.topic] }), {
      retries: 5,
      baseDelayMs: 100,
      maxDelayMs: 1000,
    }),
  ]);
  const pending = pendingRanges(
    marks,
    (committed[0]?.partitions ?? []).map((p) => {
      const done = Math.max(Number(p.offset), handledUpTo.get(p.partition) ?? -1);
      return { partition: p.partition, currentOffset: done >= 0 ? done : null };
    }),
  );
  return { marks, pending };
};

/**
 * The records of the DLQ the retry function has not moved yet: from its
 * group's committed offset (or the log start) to the end of each partition.
 *
 * @example
 * ```ts
 * const ranges = await pendingDlqRanges(admin, platform.dlq);
 * ```
 */
export const pendingDlqRanges = async (
  admin: Admin,
  dlq: Pick<DlqDefinition, 'topic' | 'consumerGroupId'>,
  /** Offsets known to be handled already (a run's own progress, ahead of the committed offsets). */
  handledUpTo?: ReadonlyMap<number, number>,
): Promise<DlqRange[]> => (await dlqPositions(admin, dlq, handledUpTo)).pending;

const spanOf = (ranges: readonly DlqRange[]): number =>
  ranges.reduce((n, r) => n + Math.max(0, r.to - r.from), 0);

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
  const { topic } = options.dlq;
  const { marks, pending } = await dlqPositions(options.admin, options.dlq);
  const ranges: DlqRange[] =
    options.scope === DlqScope.All
      ? marks.map((m) => ({ partition: m.partition, from: m.low, to: m.high }))
      : pending;
  const depth = spanOf(pending);
  const total = spanOf(ranges);
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
): Promise<number> => spanOf(await pendingDlqRanges(admin, dlq));
