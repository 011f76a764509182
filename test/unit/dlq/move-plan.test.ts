import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DELIVERY_ATTEMPT_HEADER, DlqHeader } from '../../../shared/dlq/headers';
import {
  afterFailure,
  planMove,
  policyDecision,
  refusalOf,
  summarizeMoves,
} from '../../../shared/dlq/move-plan';
import type { DecideMove, PlanContext } from '../../../shared/dlq/move-plan';
import { ArchiveReason, DlqMoverHeader } from '../../../shared/dlq/record';
import type { ConsumedRecord } from '../../../shared/dlq/record';
import { TransactionAbortedError } from '../../../shared/kafka/producer-errors';
import { loadPlatformDefinition, platform } from '../../../shared/platform';

const source = (): ConsumedRecord => {
  const raw = JSON.parse(
    readFileSync(path.join(__dirname, '../../fixtures/dlq/refailed-record.json'), 'utf8'),
  ) as { offset: string; timestamp: string; key: string; value: string; headers: object };
  return {
    offset: raw.offset,
    timestamp: raw.timestamp,
    key: Buffer.from(raw.key),
    value: Buffer.from(raw.value),
    headers: Object.fromEntries(
      Object.entries(raw.headers).map(([k, v]) => [k, Buffer.from(String(v))]),
    ),
  };
};

const dlq = loadPlatformDefinition({
  ...platform,
  dlq: {
    ...platform.dlq,
    defaultPolicy: { strategy: { kind: 'fixed', delayMs: 60_000 }, maxRetries: 2 },
  },
}).dlq;
const now = new Date('2026-11-27T03:05:00.000Z');
const context = (changes: Partial<PlanContext> = {}): PlanContext => ({
  dlq,
  decide: policyDecision(dlq, () => 0),
  now,
  keepInvalid: false,
  topics: new Set(['conversation.events']),
  refused: new Map(),
  ...changes,
});
const header = (headers: unknown, name: string): string | undefined => {
  const value = (headers as Record<string, unknown> | undefined)?.[name];
  return value === undefined ? undefined : String(value);
};
const kafkaError = (type: string): Error =>
  Object.assign(new Error(`broker says ${type}`), { type });

describe('planMove', () => {
  it('republishes a due record to its original topic, as the next delivery attempt', () => {
    const plan = planMove(context(), 0, source());
    expect(plan.output.topic).toBe('conversation.events');
    expect(plan.output.key).toEqual(Buffer.from('conv-7'));
    expect(header(plan.output.headers, DELIVERY_ATTEMPT_HEADER)).toBe('3');
    expect(plan.moved).toMatchObject({
      action: 'retry',
      dlqPartition: 0,
      dlqOffset: '41',
      originalTopic: 'conversation.events',
      eventId: 'evt-7',
      attempt: 2,
    });
    expect(plan.refailed).toBe(true);
  });

  it('re-queues a record not yet due to its DLQ partition, counting the re-queues', () => {
    const early = context({ now: new Date('2026-11-27T03:01:00.000Z') });
    const plan = planMove(early, 0, source());
    expect(plan.output).toMatchObject({
      topic: dlq.topic,
      partition: 0,
      timestamp: '1795748400000',
    });
    expect(header(plan.output.headers, DlqMoverHeader.Requeues)).toBe('1');
    expect(header(plan.output.headers, DlqHeader.NextRetryTime)).toBe('2026-11-27T03:02:00.000Z');
    expect(plan.moved.action).toBe('requeue');
  });

  it('archives instead of republishing to a topic that no longer exists', () => {
    const plan = planMove(context({ topics: new Set() }), 0, source());
    expect(plan.output.topic).toBe(dlq.archiveTopic);
    expect(plan.moved.reason).toBe(ArchiveReason.OriginalTopicMissing);
    expect(header(plan.output.headers, DlqMoverHeader.ArchiveReason)).toBe(
      ArchiveReason.OriginalTopicMissing,
    );
  });

  it('archives a record the broker refused for good, naming the refusal', () => {
    const refused = new Map([['0:41', 'MESSAGE_TOO_LARGE: too big']]);
    const plan = planMove(context({ refused }), 0, source());
    expect(plan.output.topic).toBe(dlq.archiveTopic);
    expect(plan.moved.reason).toBe(ArchiveReason.MoveRefused);
    expect(header(plan.output.headers, DlqMoverHeader.ArchiveError)).toBe(
      'MESSAGE_TOO_LARGE: too big',
    );
  });

  it('follows the decision it is given (manual retry)', () => {
    const never: DecideMove = () => ({ action: 'requeue', dueAt: now });
    expect(planMove(context({ decide: never }), 0, source()).moved.action).toBe('requeue');
  });

  it('archives an undecodable DLQ record byte for byte, or re-queues it when asked to keep it', () => {
    const broken: ConsumedRecord = { ...source(), headers: {} };
    const archived = planMove(context(), 0, broken);
    expect(archived.output.topic).toBe(dlq.archiveTopic);
    expect(archived.output.value).toEqual(broken.value);
    expect(archived.moved).toEqual({
      action: 'archive',
      dlqPartition: 0,
      dlqOffset: '41',
      reason: ArchiveReason.InvalidDlqRecord,
    });
    const kept = planMove(context({ keepInvalid: true }), 0, broken);
    expect(kept.output).toMatchObject({ topic: dlq.topic, partition: 0, value: broken.value });
    expect(kept.moved.action).toBe('requeue');
  });
});

describe('after a failed transaction', () => {
  const tooLarge = new TransactionAbortedError('aborted', {
    cause: kafkaError('MESSAGE_TOO_LARGE'),
  });

  it('finds a refusal for good along the causes, and only those', () => {
    expect(refusalOf(tooLarge)).toBe('MESSAGE_TOO_LARGE: broker says MESSAGE_TOO_LARGE');
    expect(refusalOf(kafkaError('NOT_LEADER_FOR_PARTITION'))).toBeUndefined();
    expect(refusalOf(new Error('connection lost'))).toBeUndefined();
  });

  it('splits a refused chunk, archives a refused single record once, and stops otherwise', () => {
    expect(afterFailure(tooLarge, 10, false)).toEqual({ next: 'split' });
    expect(afterFailure(tooLarge, 1, false)).toEqual({
      next: 'archive-refused',
      refusal: 'MESSAGE_TOO_LARGE: broker says MESSAGE_TOO_LARGE',
    });
    expect(afterFailure(tooLarge, 1, true)).toEqual({ next: 'stop' });
    expect(afterFailure(new Error('coordinator moved'), 10, false)).toEqual({ next: 'stop' });
  });
});

describe('summarizeMoves', () => {
  it('counts the moves by action', () => {
    const moved = [
      { action: 'retry' as const, dlqPartition: 0, dlqOffset: '1' },
      { action: 'archive' as const, dlqPartition: 0, dlqOffset: '2' },
      { action: 'requeue' as const, dlqPartition: 0, dlqOffset: '3' },
      { action: 'retry' as const, dlqPartition: 0, dlqOffset: '4' },
    ];
    const handledUpTo = new Map([[0, 5]]);
    expect(summarizeMoves(moved, 4, true, handledUpTo)).toEqual({
      read: 4,
      retried: 2,
      archived: 1,
      requeued: 1,
      moved,
      complete: true,
      handledUpTo,
    });
  });
});
