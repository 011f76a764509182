import { DlqHeader } from '../../../shared/dlq/headers';
import { pendingRanges, summarizeDlqRecords } from '../../../shared/dlq/stats';

describe('DLQ analysis', () => {
  it('counts by original topic, category and attempt, and finds the oldest record', () => {
    const now = Date.parse('2026-11-27T03:00:00Z');
    const record = (
      offset: number,
      ageS: number,
      topic?: string,
      category?: string,
      attempt?: string,
    ) => ({
      partition: 0,
      offset,
      timestamp: now - ageS * 1000,
      headers: {
        ...(topic ? { [DlqHeader.OriginalTopic]: topic } : {}),
        ...(category ? { [DlqHeader.Category]: category } : {}),
        ...(attempt ? { [DlqHeader.Attempt]: attempt } : {}),
      },
    });
    const summary = summarizeDlqRecords(
      [record(0, 30, 'a', 'processing', '1'), record(1, 90, 'a', 'timeout', '2'), record(2, 10)],
      now,
    );
    expect(summary.byOriginalTopic).toEqual({ a: 2, unknown: 1 });
    expect(summary.byCategory).toEqual({ processing: 1, timeout: 1, unknown: 1 });
    expect(summary.byAttempt).toEqual({ '1': 1, '2': 1, unknown: 1 });
    expect(summary.oldest).toEqual({
      ageSeconds: 90,
      timestamp: '2026-11-27T02:58:30.000Z',
      partition: 0,
      offset: 1,
    });
    expect(summarizeDlqRecords([], now).oldest).toBeNull();
  });

  it('starts the pending range at the retry group’s offset, clamped to the retained log', () => {
    const marks = [
      { partition: 0, low: 0, high: 10 },
      { partition: 1, low: 5, high: 8 },
      { partition: 2, low: 0, high: 3 },
    ];
    expect(
      pendingRanges(marks, [
        { partition: 0, currentOffset: 4 },
        { partition: 1, currentOffset: 2 },
        { partition: 2, currentOffset: null },
      ]),
    ).toEqual([
      { partition: 0, from: 4, to: 10 },
      { partition: 1, from: 5, to: 8 },
      { partition: 2, from: 0, to: 3 },
    ]);
  });
});
