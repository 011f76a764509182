import { ConfigResourceTypes } from 'kafkajs';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { createDlqRetryHandler } from '../../../functions/dlq-retry/handler';
import {
  DELIVERY_ATTEMPT_HEADER,
  DlqHeader,
  RETRY_HISTORY_HEADER,
} from '../../../shared/dlq/headers';
import { DlqMoverHeader } from '../../../shared/dlq/record';
import { pendingDlqRanges } from '../../../shared/dlq/stats';
import { createLogger } from '../../../shared/observability/logger';
import { MetricName } from '../../../shared/platform/metrics';
import { metricSnapshot } from '../../../shared/observability/metrics';
import { testKafka } from '../../support/kafka';
import {
  dlqPlatform,
  header,
  invocation,
  readAll,
  syntheticFailure,
  writeFailure,
} from './support';

const logger = createLogger('dlq-retry-test');

describe('DLQ retry run (real broker)', () => {
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;

  beforeAll(async () => {
    kafka = testKafka('dlq-mover-test');
    admin = kafka.admin();
    producer = kafka.producer({ idempotent: true });
    await Promise.all([admin.connect(), producer.connect()]);
  });
  afterAll(async () => {
    await Promise.all([admin.disconnect(), producer.disconnect()]);
  });

  it('republishes a due record to its original topic with its key, value and headers plus the next attempt', async () => {
    const def = await dlqPlatform(admin, {
      strategy: { kind: 'fixed', delayMs: 0 },
      maxRetries: 3,
    });
    const topic = def.topics[0]!.name;
    await writeFailure(producer, def, syntheticFailure(topic, 'e1'));

    const run = createDlqRetryHandler({ kafka, platform: def, logger, idleMs: 1500 });
    const summary = await run({}, invocation());
    expect(summary).toMatchObject({
      read: 1,
      retried: 1,
      archived: 0,
      requeued: 0,
      complete: true,
    });

    const [retried, ...others] = await readAll(kafka, admin, [topic], { atLeast: 1 });
    expect(others).toHaveLength(0);
    expect(retried?.message.key?.toString()).toBe('key-e1');
    expect(retried?.message.value?.toString()).toBe(JSON.stringify({ id: 'e1' }));
    expect(header(retried!.message, 'x-trace')).toBe('trace-e1');
    expect(header(retried!.message, DELIVERY_ATTEMPT_HEADER)).toBe('2');
    expect(header(retried!.message, DlqHeader.OriginalTopic)).toBeUndefined();
    const history = JSON.parse(header(retried!.message, RETRY_HISTORY_HEADER) ?? '[]') as unknown[];
    expect(history).toEqual([expect.objectContaining({ attempt: 1, category: 'processing' })]);

    const again = await run({}, invocation());
    expect(again).toMatchObject({ read: 0, retried: 0 });
    expect(await readAll(kafka, admin, [topic], { atLeast: 1 })).toHaveLength(1);
  });

  it('keeps a record that is not yet due in the DLQ and republishes it once its time has come', async () => {
    const def = await dlqPlatform(admin, {
      strategy: { kind: 'fixed', delayMs: 4000 },
      maxRetries: 3,
    });
    const topic = def.topics[0]!.name;
    await writeFailure(producer, def, syntheticFailure(topic, 'late'));

    const run = createDlqRetryHandler({ kafka, platform: def, logger, idleMs: 1500 });
    const early = await run({}, invocation());
    expect(early).toMatchObject({ read: 1, retried: 0, requeued: 1, gauges: { dlqDepth: 1 } });
    expect(early.gauges?.oldestDlqRecordAgeSeconds).toBeGreaterThanOrEqual(0);
    expect(early.gauges?.oldestDlqRecordAgeSeconds).toBeLessThan(60);
    expect(await readAll(kafka, admin, [topic])).toHaveLength(0);
    const dlq = await readAll(kafka, admin, [def.dlq.topic], { atLeast: 2 });
    expect(dlq.map((r) => header(r.message, DlqMoverHeader.Requeues))).toEqual([undefined, '1']);

    await new Promise((resolve) => setTimeout(resolve, 4000));
    const due = await run({}, invocation());
    expect(due).toMatchObject({ read: 1, retried: 1, requeued: 0 });
    const republished = await readAll(kafka, admin, [topic], { atLeast: 1 });
    expect(republished.map((r) => r.message.key?.toString())).toEqual(['key-late']);
  });

  it('archives a record past its retries with its history, and a non-retriable one at once', async () => {
    const def = await dlqPlatform(admin, {
      strategy: { kind: 'fixed', delayMs: 0 },
      maxRetries: 1,
    });
    const topic = def.topics[0]!.name;
    await writeFailure(
      producer,
      def,
      syntheticFailure(topic, 'spent', {
        headers: {
          [DELIVERY_ATTEMPT_HEADER]: '2',
          [DlqHeader.FirstFailureTime]: '2025-01-01T00:00:00.000Z',
          [RETRY_HISTORY_HEADER]: JSON.stringify([
            {
              attempt: 1,
              time: '2025-01-01T00:00:00.000Z',
              category: 'timeout',
              errorMessage: 'slow',
            },
          ]),
        },
      }),
    );
    await writeFailure(
      producer,
      def,
      syntheticFailure(topic, 'bad', { category: 'deserialization' }),
    );

    const summary = await createDlqRetryHandler({ kafka, platform: def, logger, idleMs: 1500 })(
      {},
      invocation(),
    );
    expect(summary).toMatchObject({
      read: 2,
      retried: 0,
      archived: 2,
      gauges: { dlqDepth: 0, oldestDlqRecordAgeSeconds: null },
    });
    // Two archived records and the marker of the transaction that wrote them.
    expect(summary.gauges?.archiveDepth).toBe(3);
    const archivedMetric = (reason: string) =>
      metricSnapshot().find(
        (m) =>
          m.name === MetricName.DlqMessagesArchived &&
          m.labels.topic === topic &&
          m.labels.reason === reason,
      )?.sum;
    expect(archivedMetric('retries_exhausted')).toBe(1);
    expect(archivedMetric('not_retriable')).toBe(1);
    expect(
      metricSnapshot().find(
        (m) => m.name === MetricName.DlqMessagesRefailed && m.labels.topic === topic,
      )?.sum,
    ).toBe(1);
    const archive = await readAll(kafka, admin, [def.dlq.archiveTopic], { atLeast: 2 });
    const byId = new Map(archive.map((r) => [header(r.message, DlqHeader.EventId), r.message]));
    const spent = byId.get('spent')!;
    expect(header(spent, DlqMoverHeader.ArchiveReason)).toBe('retries_exhausted');
    expect(header(spent, DlqHeader.FirstFailureTime)).toBe('2025-01-01T00:00:00.000Z');
    expect(JSON.parse(header(spent, DlqHeader.History) ?? '[]')).toEqual([
      expect.objectContaining({ attempt: 1, category: 'timeout', errorMessage: 'slow' }),
      expect.objectContaining({ attempt: 2, category: 'processing' }),
    ]);
    expect(spent.value?.toString()).toBe(JSON.stringify({ id: 'spent' }));
    expect(header(byId.get('bad')!, DlqMoverHeader.ArchiveReason)).toBe('not_retriable');
    expect(await readAll(kafka, admin, [topic])).toHaveLength(0);
  });

  it("counts as pending only the records past a run's own progress, committed offsets lagging or not", async () => {
    const def = await dlqPlatform(admin, { strategy: { kind: 'none' }, maxRetries: 0 });
    const topic = def.topics[0]!.name;
    for (const id of ['a', 'b', 'c'])
      await writeFailure(producer, def, syntheticFailure(topic, id));
    // Nothing committed yet (as right after a run, before the coordinator applies its commits).
    const pending = await pendingDlqRanges(admin, def.dlq);
    expect(pending.map((r) => r.to - r.from)).toEqual([3]);
    const afterRun = await pendingDlqRanges(admin, def.dlq, new Map([[0, 2]]));
    expect(afterRun.map((r) => [r.from, r.to])).toEqual([[2, 3]]);
  });

  it('archives a DLQ record without the DLQ headers instead of dropping it', async () => {
    const def = await dlqPlatform(admin, {
      strategy: { kind: 'fixed', delayMs: 0 },
      maxRetries: 1,
    });
    await producer.send({
      topic: def.dlq.topic,
      messages: [{ key: 'k', value: 'not a dlq record', headers: { [DlqHeader.Attempt]: 'x' } }],
    });
    const summary = await createDlqRetryHandler({ kafka, platform: def, logger, idleMs: 1500 })(
      {},
      invocation(),
    );
    expect(summary).toMatchObject({ read: 1, archived: 1 });
    const [archived] = await readAll(kafka, admin, [def.dlq.archiveTopic], { atLeast: 1 });
    expect(archived?.message.value?.toString()).toBe('not a dlq record');
    expect(header(archived!.message, DlqMoverHeader.ArchiveReason)).toBe('invalid_dlq_record');
    expect(header(archived!.message, DlqHeader.ErrorMessage)).toMatch(/xseven-dlq-original-topic/);
  });

  it('archives a due record whose original topic no longer exists instead of blocking the DLQ', async () => {
    const def = await dlqPlatform(admin, {
      strategy: { kind: 'fixed', delayMs: 0 },
      maxRetries: 3,
    });
    const topic = def.topics[0]!.name;
    await writeFailure(producer, def, syntheticFailure(`${topic}-deleted`, 'orphan'));
    await writeFailure(producer, def, syntheticFailure(topic, 'fine'));
    const summary = await createDlqRetryHandler({ kafka, platform: def, logger, idleMs: 1500 })(
      {},
      invocation(),
    );
    expect(summary).toMatchObject({ read: 2, retried: 1, archived: 1 });
    const [archived] = await readAll(kafka, admin, [def.dlq.archiveTopic], { atLeast: 1 });
    expect(header(archived!.message, DlqHeader.EventId)).toBe('orphan');
    expect(header(archived!.message, DlqMoverHeader.ArchiveReason)).toBe('original_topic_missing');
    expect((await admin.listTopics()).includes(`${topic}-deleted`)).toBe(false);
  });

  it('archives a record its topic now refuses for good (too large) and still moves the others', async () => {
    const def = await dlqPlatform(admin, {
      strategy: { kind: 'fixed', delayMs: 0 },
      maxRetries: 3,
    });
    const topic = def.topics[3]!.name;
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: topic,
          configEntries: [{ name: 'max.message.bytes', value: '2048' }],
        },
      ],
    });
    await writeFailure(producer, def, syntheticFailure(topic, 'small-1'));
    const big = syntheticFailure(topic, 'big');
    await writeFailure(producer, def, {
      ...big,
      message: { ...big.message, value: Buffer.alloc(8000, 120) },
    });
    await writeFailure(producer, def, syntheticFailure(topic, 'small-2'));

    const summary = await createDlqRetryHandler({ kafka, platform: def, logger, idleMs: 1500 })(
      {},
      invocation(),
    );
    expect(summary).toMatchObject({ read: 3, retried: 2, archived: 1, complete: true });
    const republished = await readAll(kafka, admin, [topic], { atLeast: 2 });
    expect(republished.map((r) => r.message.key?.toString())).toEqual([
      'key-small-1',
      'key-small-2',
    ]);
    const [archived] = await readAll(kafka, admin, [def.dlq.archiveTopic], { atLeast: 1 });
    expect(header(archived!.message, DlqHeader.EventId)).toBe('big');
    expect(archived!.message.value?.length).toBe(8000);
    expect(header(archived!.message, DlqMoverHeader.ArchiveReason)).toBe('move_refused');
    expect(header(archived!.message, DlqMoverHeader.ArchiveError)).toMatch(/MESSAGE_TOO_LARGE/);
  });

  it('stops within the invocation time it has and leaves the rest for the next run, nothing lost or doubled', async () => {
    const def = await dlqPlatform(admin, {
      strategy: { kind: 'fixed', delayMs: 0 },
      maxRetries: 3,
    });
    const topic = def.topics[0]!.name;
    for (const id of ['t1', 't2', 't3'])
      await writeFailure(producer, def, syntheticFailure(topic, id));
    const run = createDlqRetryHandler({ kafka, platform: def, logger, idleMs: 1500 });

    // 1.9 s left and a 2 s safety margin: no work time at all, whatever the machine's speed.
    const short = await run({}, invocation(1900));
    expect(short.complete).toBe(false);
    expect(short.retried).toBe(0);
    const full = await run({}, invocation());
    expect(full.complete).toBe(true);
    expect(short.retried + full.retried).toBe(3);
    const keys = (await readAll(kafka, admin, [topic], { atLeast: 3 })).map((r) =>
      r.message.key?.toString(),
    );
    expect(keys.sort()).toEqual(['key-t1', 'key-t2', 'key-t3']);
  });
});
