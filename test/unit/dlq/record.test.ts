import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  DELIVERY_ATTEMPT_HEADER,
  DlqHeader,
  RETRY_HISTORY_HEADER,
} from '../../../shared/dlq/headers';
import { policyDecision } from '../../../shared/dlq/move-plan';
import {
  ArchiveReason,
  DlqMoverHeader,
  decodeDlqRecord,
  toArchiveMessage,
  toRequeueMessage,
  toRetryMessage,
} from '../../../shared/dlq/record';
import type { ConsumedRecord } from '../../../shared/dlq/record';
import { DlqRecordInvalidError } from '../../../shared/dlq/errors';
import { loadPlatformDefinition, platform } from '../../../shared/platform';

interface RecordFixture {
  offset: string;
  timestamp: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

const fixture = (name: string): ConsumedRecord => {
  const raw = JSON.parse(
    readFileSync(path.join(__dirname, '../../fixtures/dlq', `${name}.json`), 'utf8'),
  ) as RecordFixture;
  return {
    offset: raw.offset,
    timestamp: raw.timestamp,
    key: raw.key === null ? null : Buffer.from(raw.key),
    value: raw.value === null ? null : Buffer.from(raw.value),
    headers: Object.fromEntries(Object.entries(raw.headers).map(([k, v]) => [k, Buffer.from(v)])),
  };
};
const at = { topic: 'dead.letter.queue', partition: 0 };
const text = (headers: Record<string, unknown> | undefined, name: string): string | undefined => {
  const v = headers?.[name];
  return v === undefined ? undefined : String(v);
};

describe('DLQ record codec', () => {
  it('decodes a re-failed record: attempt, times, full history, the original headers apart', () => {
    const record = decodeDlqRecord(at, fixture('refailed-record'));
    expect(record).toMatchObject({
      originalTopic: 'conversation.events',
      originalPartition: 2,
      originalOffset: '1337',
      category: 'processing',
      handler: 'conversation-log',
      eventId: 'evt-7',
      attempt: 2,
      position: { topic: 'dead.letter.queue', partition: 0, offset: '41' },
    });
    expect(record.firstFailureTime.toISOString()).toBe('2026-11-27T02:59:00.000Z');
    expect(record.nextRetryTime?.toISOString()).toBe('2026-11-27T03:02:00.000Z');
    expect(record.history).toEqual([
      expect.objectContaining({ attempt: 1, category: 'timeout' }),
      expect.objectContaining({ attempt: 2, category: 'processing', errorMessage: 'boom' }),
    ]);
    expect(Object.keys(record.originalHeaders).sort()).toEqual(['ce_id', 'ce_type']);
  });

  it('builds the retry message: original key, value and headers, next attempt, history, first failure time', () => {
    const source = fixture('refailed-record');
    const message = toRetryMessage(decodeDlqRecord(at, source));
    expect(message.key).toEqual(source.key);
    expect(message.value).toEqual(source.value);
    const headers = message.headers as Record<string, unknown>;
    expect(text(headers, 'ce_id')).toBe('evt-7');
    expect(text(headers, DELIVERY_ATTEMPT_HEADER)).toBe('3');
    expect(JSON.parse(text(headers, RETRY_HISTORY_HEADER) ?? '[]')).toHaveLength(2);
    expect(text(headers, DlqHeader.FirstFailureTime)).toBe('2026-11-27T02:59:00.000Z');
    expect(text(headers, DlqHeader.OriginalTopic)).toBeUndefined();
    expect(message.partition).toBeUndefined();
  });

  it('keeps the original partition of a record without a key', () => {
    const source = { ...fixture('refailed-record'), key: null };
    expect(toRetryMessage(decodeDlqRecord(at, source)).partition).toBe(2);
  });

  it('builds the archive message with the history, reason and time, and decodes it back to the same attempt', () => {
    const record = decodeDlqRecord(at, fixture('refailed-record'));
    const archived = toArchiveMessage(record, ArchiveReason.RetriesExhausted, new Date(0));
    const headers = archived.headers as Record<string, unknown>;
    expect(text(headers, DlqMoverHeader.ArchiveReason)).toBe('retries_exhausted');
    expect(text(headers, DlqMoverHeader.ArchivedAt)).toBe('1970-01-01T00:00:00.000Z');
    const back = decodeDlqRecord(
      { topic: 'dead.letter.archive', partition: 0 },
      { offset: '0', timestamp: '0', key: null, value: null, headers: archived.headers ?? {} },
    );
    expect(back.attempt).toBe(2);
    expect(back.history.map((h) => h.attempt)).toEqual([1, 2]);
    expect(back.archiveReason).toBe('retries_exhausted');
  });

  it('re-queues unchanged, to the same partition, keeping the record time and fixing the next retry time', () => {
    const source = fixture('refailed-record');
    const record = decodeDlqRecord({ ...at, partition: 0 }, source);
    const message = toRequeueMessage(record, new Date('2030-01-01T00:00:00Z'));
    expect(message).toMatchObject({ partition: 0, timestamp: source.timestamp, key: source.key });
    expect(text(message.headers, DlqHeader.NextRetryTime)).toBe('2030-01-01T00:00:00.000Z');
  });

  it('refuses a record without its original topic or with a malformed attempt, naming the header', () => {
    const source = fixture('refailed-record');
    const headers = { ...(source.headers as Record<string, Buffer>) };
    delete headers[DlqHeader.OriginalTopic];
    expect(() => decodeDlqRecord(at, { ...source, headers })).toThrow(DlqRecordInvalidError);
    expect(() => decodeDlqRecord(at, { ...source, headers })).toThrow(/xseven-dlq-original-topic/);
    expect(() =>
      decodeDlqRecord(at, {
        ...source,
        headers: { ...source.headers, [DlqHeader.Attempt]: Buffer.from('two') },
      }),
    ).toThrow(/xseven-dlq-attempt/);
  });

  it('treats an unreadable history as empty instead of failing the record', () => {
    const source = fixture('refailed-record');
    const record = decodeDlqRecord(at, {
      ...source,
      headers: { ...source.headers, [RETRY_HISTORY_HEADER]: Buffer.from('{not json') },
    });
    expect(record.history.map((h) => h.attempt)).toEqual([2]);
  });
});

describe('policyDecision', () => {
  const dlq = loadPlatformDefinition({
    ...platform,
    dlq: {
      ...platform.dlq,
      defaultPolicy: { strategy: { kind: 'fixed', delayMs: 60_000 }, maxRetries: 2 },
    },
  }).dlq;
  const record = decodeDlqRecord(at, fixture('refailed-record'));
  const decide = policyDecision(dlq, () => 0);

  it('retries once the next retry time has come, and not a millisecond before', () => {
    expect(decide(record, new Date('2026-11-27T03:02:00.000Z'))).toEqual({ action: 'retry' });
    expect(decide(record, new Date('2026-11-27T03:01:59.999Z'))).toEqual({
      action: 'requeue',
      dueAt: new Date('2026-11-27T03:02:00.000Z'),
    });
  });

  it('computes the due time from the last failure when the writer set none', () => {
    const source = fixture('refailed-record');
    const headers = { ...(source.headers as Record<string, Buffer>) };
    delete headers[DlqHeader.NextRetryTime];
    const noTime = decodeDlqRecord(at, { ...source, headers });
    expect(decide(noTime, new Date('2026-11-27T03:00:30.000Z'))).toEqual({
      action: 'requeue',
      dueAt: new Date('2026-11-27T03:01:00.000Z'),
    });
  });

  it('archives past max retries, and at once for a category that is never retried', () => {
    const source = fixture('refailed-record');
    const third = decodeDlqRecord(at, {
      ...source,
      headers: { ...source.headers, [DlqHeader.Attempt]: Buffer.from('3') },
    });
    expect(decide(third, new Date())).toEqual({
      action: 'archive',
      reason: ArchiveReason.RetriesExhausted,
    });
    const bad = decodeDlqRecord(at, {
      ...source,
      headers: {
        ...source.headers,
        [DlqHeader.Category]: Buffer.from('deserialization'),
        [DELIVERY_ATTEMPT_HEADER]: Buffer.from('1'),
        [DlqHeader.Attempt]: Buffer.from('1'),
        [RETRY_HISTORY_HEADER]: Buffer.from('[]'),
      },
    });
    expect(decide(bad, new Date())).toEqual({
      action: 'archive',
      reason: ArchiveReason.NotRetriable,
    });
  });
});
