import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MSKEvent } from 'aws-lambda';
import { EventBus } from '../../../shared/consumer/bus';
import type { EventHandler } from '../../../shared/consumer/bus';
import { ConsumerConfigError, DependencyUnavailableError } from '../../../shared/consumer/errors';
import { MetricName } from '../../../shared/platform/metrics';
import { metricSnapshot, resetMetrics } from '../../../shared/observability/metrics';
import { platform } from '../../../shared/platform';
import { createConsumerHandler } from '../../../functions/consumers/create-consumer';
import { lambdaContext, memoryDlq } from './support';

const fixture = (name: string): MSKEvent =>
  JSON.parse(readFileSync(join(__dirname, '../../fixtures/msk', name), 'utf8')) as MSKEvent;

const recorder = () => {
  const seen: string[] = [];
  const handler: EventHandler = {
    name: 'recorder',
    canHandle: () => true,
    handle: (event) => {
      seen.push(String(event.id));
    },
  };
  return { seen, handler };
};

const busFor = (handler: EventHandler): EventBus => {
  const bus = new EventBus();
  for (const type of [
    'conversation.started',
    'conversation.message',
    'conversation.ended',
    'ai.response.generated',
    'business.analytics.update',
  ] as const)
    bus.subscribe(type, handler as EventHandler<typeof type>);
  return bus;
};

const consumer = (
  bus: EventBus,
  dlq = memoryDlq(),
  extra: { maxRecordBytes?: number; consumerName?: string } = {},
) =>
  createConsumerHandler({
    consumer: extra.consumerName ?? 'conversation-log',
    bus,
    platform,
    dlqWriter: dlq,
    env: {},
    ...(extra.maxRecordBytes === undefined ? {} : { maxRecordBytes: extra.maxRecordBytes }),
  });

beforeEach(() => resetMetrics());

describe('the consumer handler on AWS-shaped MSK events', () => {
  it('routes every record of the conversation fixture, in partition order, with an empty failure list', async () => {
    const { seen, handler } = recorder();
    const dlq = memoryDlq();
    const response = await consumer(busFor(handler), dlq)(
      fixture('conversation-batch.json'),
      lambdaContext(),
    );
    expect(response).toEqual({ batchItemFailures: [] });
    expect([...seen].sort()).toEqual(['evt-conv-1', 'evt-conv-2', 'evt-conv-3']);
    // partition 0 in offset order (partitions run concurrently)
    expect(seen.filter((id) => id !== 'evt-conv-3')).toEqual(['evt-conv-1', 'evt-conv-2']);
    expect(dlq.letters).toHaveLength(0);
    const processed = metricSnapshot().filter(
      (s) => s.name === MetricName.ConsumerMessagesProcessed,
    );
    expect(processed.reduce((n, s) => n + s.sum, 0)).toBe(3);
  });

  it('handles a self-managed Kafka event the same way', async () => {
    const { seen, handler } = recorder();
    await consumer(busFor(handler))(fixture('self-managed-batch.json'), lambdaContext());
    expect(seen).toEqual(['evt-biz-1', 'evt-biz-2']);
  });

  it('dead-letters each poison record with its category and original bytes and keeps going', async () => {
    const { seen, handler } = recorder();
    const dlq = memoryDlq();
    const event = fixture('poison-batch.json');
    const response = await consumer(busFor(handler), dlq, { maxRecordBytes: 2048 })(
      event,
      lambdaContext(),
    );
    expect(response).toEqual({ batchItemFailures: [] });
    expect(seen).toEqual(['evt-valid-ai']);
    const byCase = Object.fromEntries(
      dlq.letters.map((l) => [
        l.record.headers.find((h) => h.name === 'x-case')?.value.toString(),
        l.failure.category,
      ]),
    );
    expect(byCase).toEqual({
      'not-base64': 'deserialization',
      'not-json': 'deserialization',
      'wrong-schema': 'schema_validation',
      'unknown-type': 'schema_validation',
      oversized: 'deserialization',
    });
    const records = event.records['ai.responses-3'] ?? [];
    for (const letter of dlq.letters) {
      const original = records.find((r) => r.offset === letter.record.offset);
      expect(letter.record.key?.toString('base64')).toBe(original?.key);
      const expected =
        letter.record.offset === 100
          ? Buffer.from(original?.value ?? '').toString('base64')
          : original?.value;
      expect(letter.record.value?.toString('base64')).toBe(expected);
    }
  });

  it('dead-letters the documented AWS sample (plain text) as a deserialization failure', async () => {
    const dlq = memoryDlq();
    const { handler } = recorder();
    await consumer(busFor(handler), dlq)(fixture('aws-docs-sample.json'), lambdaContext());
    expect(dlq.letters.map((l) => [l.record.topic, l.record.offset, l.failure.category])).toEqual([
      ['mytopic', 15, 'deserialization'],
    ]);
    expect(dlq.letters[0]?.record.value?.toString()).toBe('Hello, this is a test.');
  });

  /** The conversation fixture with a tombstone of key `conv-1` appended, shaped as AWS sends it (no `value`). */
  const withTombstone = (): MSKEvent => {
    const event = fixture('conversation-batch.json');
    const group = event.records['conversation.events-0'] ?? [];
    const last = group[group.length - 1];
    group.push({
      topic: 'conversation.events',
      partition: 0,
      offset: (last?.offset ?? 0) + 1,
      timestamp: 1_700_000_000_000,
      timestampType: 'CREATE_TIME',
      key: Buffer.from('conv-1').toString('base64'),
      headers: [],
    } as unknown as (typeof group)[number]);
    return event;
  };
  const tombstoneCount = (): number =>
    metricSnapshot()
      .filter((s) => s.name === MetricName.ConsumerTombstones)
      .reduce((n, s) => n + s.sum, 0);

  it('skips a tombstone without dead-lettering it, and counts it', async () => {
    const { seen, handler } = recorder();
    const dlq = memoryDlq();
    const response = await consumer(busFor(handler), dlq)(withTombstone(), lambdaContext());
    expect(response).toEqual({ batchItemFailures: [] });
    expect([...seen].sort()).toEqual(['evt-conv-1', 'evt-conv-2', 'evt-conv-3']);
    expect(dlq.letters).toHaveLength(0);
    expect(tombstoneCount()).toBe(1);
  });

  it('hands tombstones to the handlers that opted in; a failing one dead-letters it alone', async () => {
    const { handler } = recorder();
    const forgotten: string[] = [];
    const bus = busFor(handler).onTombstone({
      name: 'forget',
      handle: (record) => {
        forgotten.push(String(record.key));
      },
    });
    await consumer(bus)(withTombstone(), lambdaContext());
    expect(forgotten).toEqual(['conv-1']);

    const dlq = memoryDlq();
    const failing = busFor(handler).onTombstone({
      name: 'forget',
      handle: async () => {
        throw new Error('store down');
      },
    });
    const response = await consumer(failing, dlq)(withTombstone(), lambdaContext());
    expect(response).toEqual({ batchItemFailures: [] });
    expect(dlq.letters.map((l) => [l.record.value, l.record.key?.toString(), l.handler])).toEqual([
      [null, 'conv-1', 'forget'],
    ]);
  });

  it('sends only the record whose handler throws to the DLQ, naming the handler', async () => {
    const seen: string[] = [];
    const flaky: EventHandler = {
      name: 'flaky',
      canHandle: () => true,
      handle: async (event) => {
        if (event.id === 'evt-conv-2') throw new DependencyUnavailableError('store down');
        seen.push(String(event.id));
      },
    };
    const dlq = memoryDlq();
    const response = await consumer(busFor(flaky), dlq)(
      fixture('conversation-batch.json'),
      lambdaContext(),
    );
    expect(response).toEqual({ batchItemFailures: [] });
    expect([...seen].sort()).toEqual(['evt-conv-1', 'evt-conv-3']);
    expect(dlq.letters.map((l) => [l.eventId, l.handler, l.failure.category])).toEqual([
      ['evt-conv-2', 'flaky', 'dependency'],
    ]);
  });

  it('reports exactly the failed records when the DLQ cannot be written', async () => {
    const { handler } = recorder();
    const response = await consumer(busFor(handler), memoryDlq(true), { maxRecordBytes: 2048 })(
      fixture('poison-batch.json'),
      lambdaContext(),
    );
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(
      [100, 101, 102, 103, 104].map((offset) => ({ partition: 'ai.responses-3', offset })),
    );
  });

  it('fails the invocation when the DLQ cannot be written and item failures are off', async () => {
    const def = {
      ...platform,
      consumers: platform.consumers.map((c) => ({ ...c, reportBatchItemFailures: false })),
    };
    const { handler } = recorder();
    const handle = createConsumerHandler({
      consumer: 'ai-responses',
      bus: busFor(handler),
      platform: def,
      dlqWriter: memoryDlq(true),
      env: {},
      maxRecordBytes: 2048,
    });
    await expect(handle(fixture('poison-batch.json'), lambdaContext())).rejects.toThrow(
      /DLQ unwritable/,
    );
  });

  it('bounds a slow handler by the remaining time and dead-letters it as a timeout', async () => {
    const slow: EventHandler = {
      name: 'slow',
      canHandle: () => true,
      handle: (_event, { signal }) =>
        new Promise((resolve) => {
          const timer = setTimeout(resolve, 2_000);
          signal.addEventListener('abort', () => {
            clearTimeout(timer);
            resolve();
          });
        }),
    };
    const dlq = memoryDlq();
    const event = fixture('self-managed-batch.json');
    await consumer(busFor(slow), dlq)(event, lambdaContext(1_100));
    expect(dlq.letters.map((l) => l.failure.category)).toEqual(['timeout', 'timeout']);
  });

  it('reports the records it had no time for instead of dropping them', async () => {
    const { seen, handler } = recorder();
    const response = await consumer(busFor(handler))(
      fixture('conversation-batch.json'),
      lambdaContext(500),
    );
    expect(seen).toEqual([]);
    expect(response.batchItemFailures).toHaveLength(3);
  });

  it('fails the whole invocation, without dead-lettering, when time runs out and item failures are off', async () => {
    const def = {
      ...platform,
      consumers: platform.consumers.map((c) => ({ ...c, reportBatchItemFailures: false })),
    };
    const dlq = memoryDlq();
    const { handler } = recorder();
    const handle = createConsumerHandler({
      consumer: 'ai-responses',
      bus: busFor(handler),
      platform: def,
      dlqWriter: dlq,
      env: {},
    });
    // Time for the first records only (two of them poison), then none.
    let calls = 0;
    const context = {
      ...lambdaContext(),
      getRemainingTimeInMillis: () => (++calls <= 4 ? 60_000 : 0),
    };
    await expect(handle(fixture('poison-batch.json'), context)).rejects.toThrow(
      /not processed before the time ran out/,
    );
    expect(calls).toBeGreaterThan(4);
    expect(dlq.letters).toEqual([]);
  });

  it("appends each invocation's processed event ids to XSEVEN_HANDLED_LOG, once per invocation", async () => {
    const log = join(mkdtempSync(join(tmpdir(), 'handled-')), 'handled.log');
    const { handler } = recorder();
    const handle = createConsumerHandler({
      consumer: 'conversation-log',
      bus: busFor(handler),
      platform,
      dlqWriter: memoryDlq(),
      env: { XSEVEN_HANDLED_LOG: log },
    });
    const context = lambdaContext();
    await handle(fixture('conversation-batch.json'), context);
    await handle(fixture('self-managed-batch.json'), context);
    const lines = readFileSync(log, 'utf8').trim().split('\n').sort();
    expect(lines).toEqual([
      'conversation-log evt-biz-1',
      'conversation-log evt-biz-2',
      'conversation-log evt-conv-1',
      'conversation-log evt-conv-2',
      'conversation-log evt-conv-3',
    ]);
  });

  it('refuses to start in a function deployed for another consumer (XSEVEN_CONSUMER_NAME)', () => {
    const bus = busFor(recorder().handler);
    const start = (deployedFor: string) => () =>
      createConsumerHandler({
        consumer: 'conversation-log',
        bus,
        platform,
        dlqWriter: memoryDlq(),
        env: { XSEVEN_CONSUMER_NAME: deployedFor },
      });
    expect(start('ai-responses')).toThrow(ConsumerConfigError);
    expect(start('ai-responses')).toThrow(/deployed for "ai-responses"/);
    expect(start('conversation-log')).not.toThrow();
  });
});
