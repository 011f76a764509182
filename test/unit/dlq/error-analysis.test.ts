import { summarizeArchive } from '../../../shared/dlq/archive-stats';
import { analyzeDlqRecords, normalizeErrorMessage } from '../../../shared/dlq/error-analysis';
import { DlqHeader } from '../../../shared/dlq/headers';
import { DlqMoverHeader } from '../../../shared/dlq/record';

const view = (offset: number, timestamp: number, headers: Record<string, string>) => ({
  partition: 0,
  offset,
  timestamp,
  headers,
});

describe('DLQ error analysis', () => {
  it('normalizes ids, times, hex and numbers so messages of one shape group together', () => {
    expect(
      normalizeErrorMessage(
        'timeout after 3012 ms on 7f0c5a8e-1b2c-4d3e-8f90-123456789abc at 2026-11-27T03:00:00.123Z',
      ),
    ).toBe('timeout after <n> ms on <id> at <time>');
    expect(normalizeErrorMessage('bad pointer 0xdeadbeef   in\n  trace 0123456789abcdef0123')).toBe(
      'bad pointer <hex> in trace <hex>',
    );
    expect(normalizeErrorMessage('x'.repeat(500))).toHaveLength(200);
  });

  it('counts by handler and ranks grouped errors by count, then recency', () => {
    const records = [
      view(0, 1000, {
        [DlqHeader.Handler]: 'billing',
        [DlqHeader.ErrorMessage]: 'timeout after 10 ms',
        [DlqHeader.Category]: 'timeout',
        [DlqHeader.OriginalTopic]: 'b',
      }),
      view(1, 3000, {
        [DlqHeader.Handler]: 'billing',
        [DlqHeader.ErrorMessage]: 'timeout after 250 ms',
        [DlqHeader.Category]: 'timeout',
        [DlqHeader.OriginalTopic]: 'a',
      }),
      view(2, 2000, {
        [DlqHeader.Handler]: 'audit',
        [DlqHeader.ErrorMessage]: 'db down',
        [DlqHeader.Category]: 'dependency',
      }),
      view(3, 4000, { [DlqHeader.ErrorMessage]: 'schema: user_id required' }),
    ];
    const { byHandler, topErrors } = analyzeDlqRecords(records, 2);
    expect(byHandler).toEqual({ billing: 2, audit: 1, unknown: 1 });
    expect(topErrors).toEqual([
      {
        message: 'timeout after <n> ms',
        count: 2,
        byCategory: { timeout: 2 },
        originalTopics: ['a', 'b'],
        lastSeen: new Date(3000).toISOString(),
      },
      {
        message: 'schema: user_id required',
        count: 1,
        byCategory: { unknown: 1 },
        originalTopics: ['unknown'],
        lastSeen: new Date(4000).toISOString(),
      },
    ]);
  });

  it('counts the archive by reason, topic and category, markers of manual retries apart', () => {
    const stats = summarizeArchive(
      'archive',
      [
        view(0, 1, {
          [DlqMoverHeader.ArchiveReason]: 'retries_exhausted',
          [DlqHeader.OriginalTopic]: 'a',
          [DlqHeader.Category]: 'processing',
        }),
        view(1, 2, {
          [DlqMoverHeader.ArchiveReason]: 'not_retriable',
          [DlqHeader.OriginalTopic]: 'a',
          [DlqHeader.Category]: 'deserialization',
        }),
        view(2, 3, { [DlqMoverHeader.RetriedFrom]: '0:0' }),
      ],
      false,
    );
    expect(stats).toEqual({
      topic: 'archive',
      archived: 2,
      retried: 1,
      byReason: { retries_exhausted: 1, not_retriable: 1 },
      byOriginalTopic: { a: 2 },
      byCategory: { processing: 1, deserialization: 1 },
      scanned: 3,
      truncated: false,
    });
  });
});
