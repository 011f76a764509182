/**
 * Live gauges of the dead-letter queue, computed after each DLQ-retry run
 * and published as CloudWatch EMF metrics inside Lambda: the DLQ's depth
 * (records not yet moved), the archive's depth (records retained) and the
 * age of the oldest record left in the DLQ.
 */
import type { Admin, Kafka } from 'kafkajs';
import { recordGauge } from '../observability/metrics';
import { DlqGaugeName } from '../platform/metrics';
import type { DlqDefinition } from '../platform/schema';
import { readRange, wholeTopic } from './scan';
import type { DlqRange } from './scan';
import { pendingDlqRanges } from './stats';

/** The gauges after a run. */
export interface DlqGauges {
  /** Records awaiting the DLQ-retry function (after its committed position). */
  readonly dlqDepth: number;
  /** Offsets retained by the archive topic (an upper bound of its records). */
  readonly archiveDepth: number;
  /** Age of the oldest record awaiting the DLQ-retry function, null when none. */
  readonly oldestDlqRecordAgeSeconds: number | null;
}

/** Most DLQ records one gauge reading counts exactly (beyond: the offset span). */
const MAX_COUNTED = 10_000;

/**
 * Reads the gauges live from the broker: the DLQ's pending records are
 * counted (headers only, bounded; transaction markers are not records) and
 * their oldest time taken; the archive's depth is its retained offset span
 * (an upper bound: each transaction that archived adds one marker offset).
 *
 * @example
 * ```ts
 * const gauges = await readDlqGauges(kafka, admin, platform.dlq, Date.now());
 * ```
 */
export const readDlqGauges = async (
  kafka: Kafka,
  admin: Admin,
  dlq: DlqDefinition,
  now: number,
  /** A run's own progress (`DlqMoverResult.handledUpTo`), ahead of the committed offsets. */
  handledUpTo?: ReadonlyMap<number, number>,
): Promise<DlqGauges> => {
  const [pending, archive] = await Promise.all([
    pendingDlqRanges(admin, dlq, handledUpTo),
    wholeTopic(admin, dlq.archiveTopic),
  ]);
  const span = (ranges: readonly DlqRange[]): number =>
    ranges.reduce((n, r) => n + Math.max(0, r.to - r.from), 0);
  const { records, truncated } = await readRange(
    kafka,
    admin,
    dlq.topic,
    pending,
    MAX_COUNTED,
    5000,
  );
  const oldest = records.reduce((min, r) => Math.min(min, r.timestamp), Number.POSITIVE_INFINITY);
  return {
    dlqDepth: truncated ? span(pending) : records.length,
    archiveDepth: span(archive),
    oldestDlqRecordAgeSeconds: Number.isFinite(oldest)
      ? Math.max(0, Math.round((now - oldest) / 1000))
      : null,
  };
};

/**
 * Records the gauges as EMF metrics inside Lambda (a no-op elsewhere:
 * locally they are logged with the run's summary), flushed with the run's
 * other metrics when the invocation ends.
 *
 * @example
 * ```ts
 * publishDlqGauges(gauges);
 * ```
 */
export const publishDlqGauges = (gauges: DlqGauges): void => {
  recordGauge(DlqGaugeName.DlqDepth, gauges.dlqDepth);
  recordGauge(DlqGaugeName.ArchiveDepth, gauges.archiveDepth);
  if (gauges.oldestDlqRecordAgeSeconds !== null)
    recordGauge(DlqGaugeName.OldestAge, gauges.oldestDlqRecordAgeSeconds, true);
};
