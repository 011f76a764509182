/**
 * Error analysis of dead-lettered records (GET /dead-letter-queue/stats):
 * counts by handler and the most frequent error messages grouped by shape.
 * Reads headers only, never payloads.
 */
import { DlqHeader } from './headers';
import type { DlqRecordView } from './scan';

/** A group of error messages of the same shape. */
export interface ErrorGroup {
  /** The message with ids, numbers and times replaced by placeholders. */
  readonly message: string;
  readonly count: number;
  readonly byCategory: Readonly<Record<string, number>>;
  readonly originalTopics: readonly string[];
  /** Kafka time of the latest record of the group. */
  readonly lastSeen: string;
}

/** What the analysis adds to the DLQ stats. */
export interface DlqErrorAnalysis {
  readonly byHandler: Readonly<Record<string, number>>;
  readonly topErrors: readonly ErrorGroup[];
}

const UNKNOWN = 'unknown';
const MAX_MESSAGE_CHARS = 200;

/**
 * The shape of an error message: UUIDs, ISO times, hex and decimal numbers
 * replaced by placeholders, whitespace collapsed, at most 200 characters.
 *
 * @example
 * ```ts
 * normalizeErrorMessage('timeout after 3012 ms on 7f0c5a8e-1b2c-4d3e-8f90-123456789abc');
 * // 'timeout after <n> ms on <id>'
 * ```
 */
export const normalizeErrorMessage = (message: string): string =>
  message
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<id>')
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?/g, '<time>')
    .replace(/\b0x[0-9a-f]+\b/gi, '<hex>')
    .replace(/\b[0-9a-f]{16,}\b/gi, '<hex>')
    .replace(/\d+(\.\d+)?/g, '<n>')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, MAX_MESSAGE_CHARS);

/**
 * Counts records by handler and groups their error messages by shape, most
 * frequent first (ties: most recent first).
 *
 * @example
 * ```ts
 * const { byHandler, topErrors } = analyzeDlqRecords(records, 10);
 * ```
 */
export const analyzeDlqRecords = (
  records: readonly DlqRecordView[],
  top = 10,
): DlqErrorAnalysis => {
  const byHandler: Record<string, number> = {};
  const groups = new Map<
    string,
    { count: number; byCategory: Record<string, number>; topics: Set<string>; last: number }
  >();
  for (const r of records) {
    const handler = r.headers[DlqHeader.Handler] ?? UNKNOWN;
    byHandler[handler] = (byHandler[handler] ?? 0) + 1;
    const message = normalizeErrorMessage(r.headers[DlqHeader.ErrorMessage] ?? UNKNOWN);
    const group = groups.get(message) ?? { count: 0, byCategory: {}, topics: new Set(), last: 0 };
    group.count += 1;
    const category = r.headers[DlqHeader.Category] ?? UNKNOWN;
    group.byCategory[category] = (group.byCategory[category] ?? 0) + 1;
    group.topics.add(r.headers[DlqHeader.OriginalTopic] ?? UNKNOWN);
    group.last = Math.max(group.last, r.timestamp);
    groups.set(message, group);
  }
  const topErrors = [...groups]
    .sort(([, a], [, b]) => b.count - a.count || b.last - a.last)
    .slice(0, top)
    .map(([message, g]) => ({
      message,
      count: g.count,
      byCategory: g.byCategory,
      originalTopics: [...g.topics].sort(),
      lastSeen: new Date(g.last).toISOString(),
    }));
  return { byHandler, topErrors };
};
