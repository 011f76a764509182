import { readFileSync } from 'node:fs';
import path from 'node:path';
import { matchesFilter, manualRetryRequestSchema } from '../../../shared/dlq/manual-retry';
import { decodeDlqRecord } from '../../../shared/dlq/record';

const raw = JSON.parse(
  readFileSync(path.join(__dirname, '../../fixtures/dlq/refailed-record.json'), 'utf8'),
) as {
  offset: string;
  timestamp: string;
  key: string;
  value: string;
  headers: Record<string, string>;
};
const record = decodeDlqRecord(
  { topic: 'dead.letter.queue', partition: 0 },
  { ...raw, key: Buffer.from(raw.key), value: Buffer.from(raw.value) },
);

describe('manual retry request', () => {
  it('defaults to a real move from the DLQ of at most 1000 records (snake_case on the wire, camelCase inside)', () => {
    expect(manualRetryRequestSchema().parse({})).toEqual({
      source: 'dlq',
      dryRun: false,
      limit: 1000,
    });
    expect(manualRetryRequestSchema().parse({ event_ids: ['e1'], dry_run: true })).toMatchObject({
      eventIds: ['e1'],
      dryRun: true,
    });
  });

  it('refuses unknown fields, bad sources, bad times and an empty range, naming them', () => {
    const issues = (body: unknown) =>
      manualRetryRequestSchema()
        .safeParse(body)
        .error?.issues.map((i) => i.path.join('.')) ?? [];
    expect(issues({ source: 'x' })).toEqual(['source']);
    expect(issues({ extra: 1 })).toEqual(['']);
    expect(issues({ from: 'yesterday' })).toEqual(['from']);
    expect(issues({ from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' })).toEqual(['to']);
    expect(issues({ event_ids: [] })).toEqual(['event_ids']);
    expect(issues({ eventIds: ['a'] })).toEqual(['']);
    expect(issues({ limit: 10_001 })).toEqual(['limit']);
  });
});

describe('matchesFilter', () => {
  it('matches when every given filter matches', () => {
    expect(matchesFilter(record, {})).toBe(true);
    expect(
      matchesFilter(record, {
        topics: ['conversation.events', 'other'],
        categories: ['processing'],
        eventIds: ['evt-7'],
        from: '2026-11-27T03:00:00.000Z',
        to: '2026-11-27T03:00:00.001Z',
      }),
    ).toBe(true);
  });

  it('rejects on any one filter', () => {
    expect(matchesFilter(record, { topics: ['other'] })).toBe(false);
    expect(matchesFilter(record, { categories: ['timeout'] })).toBe(false);
    expect(matchesFilter(record, { eventIds: ['evt-8'] })).toBe(false);
    expect(matchesFilter(record, { from: '2026-11-27T03:00:00.001Z' })).toBe(false);
    expect(matchesFilter(record, { to: '2026-11-27T03:00:00.000Z' })).toBe(false);
  });
});
