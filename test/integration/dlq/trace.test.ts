import type { Admin, Kafka } from 'kafkajs';
import { startDlqRetryScheduler } from '../../../local/scheduler/dlq-retry-scheduler';
import type { EventHandler } from '../../../shared/consumer/bus';
import { manualRetry } from '../../../shared/dlq/manual-retry';
import { loadProducerConfig } from '../../../shared/kafka/producer-config';
import { KafkaProducer } from '../../../shared/kafka/producer';
import { createLogger } from '../../../shared/observability/logger';
import { publishEvents, traceAttributes } from '../../../shared/publish/publish';
import { parseTraceparent, startTrace } from '../../../shared/tracing/trace-context';
import type { TraceContext } from '../../../shared/tracing/trace-context';
import { eventually } from '../../support/eventually';
import { testKafka } from '../../support/kafka';
import { busFor, realConsumer } from '../consumer/helpers';
import { startEsm } from '../esm/helpers';
import { dlqPlatform, header, readAll } from './support';

const traceOf = (message: Parameters<typeof header>[0]): TraceContext | undefined =>
  parseTraceparent(header(message, 'traceparent'));

describe('one trace id follows an event: publish -> consumer -> DLQ -> retry -> archive -> manual retry (real broker)', () => {
  let kafka: Kafka;
  let admin: Admin;

  beforeAll(async () => {
    kafka = testKafka('dlq-trace');
    admin = kafka.admin();
    await admin.connect();
  });
  afterAll(async () => {
    await admin.disconnect();
  });

  it('every hop carries the trace id, each with a span id of its own', async () => {
    const def = await dlqPlatform(admin, {
      strategy: { kind: 'fixed', delayMs: 200 },
      maxRetries: 1,
    });
    const logger = createLogger('dlq-trace');
    const seen: { traceparent: string | undefined; attempt: number }[] = [];
    const broken: EventHandler = {
      name: 'broken',
      canHandle: () => true,
      handle: (_event, { attempt, record }) => {
        const h = record.headers.find((x) => x.name === 'traceparent');
        seen.push({ traceparent: h?.value.toString(), attempt });
        throw new Error(`broken on attempt ${attempt}`);
      },
    };
    const consumer = realConsumer(
      kafka,
      def,
      'conversation-log',
      busFor(broken, ['user.action', 'conversation.started']),
    );
    const esm = await startEsm(kafka, def, 'conversation-log', consumer.handler);
    const scheduler = await startDlqRetryScheduler({
      platform: def,
      kafka,
      logger,
      env: { XSEVEN_DLQ_RETRY_INTERVAL_SECONDS: '0.5' },
    });
    const producer = new KafkaProducer({ kafka, config: loadProducerConfig({}) });
    const trace = startTrace();
    const topic = def.consumers.find((c) => c.name === 'conversation-log')!.topics[0]!;
    let eventId = '';
    try {
      const [published] = await publishEvents(
        [
          {
            type: 'conversation.started',
            data: { conversation_id: 'conv-trace', user_id: 'u1' },
            ...traceAttributes(trace),
          },
        ],
        { context: { platform: def, producer } },
      );
      if (!published?.ok) throw new Error('not published');
      eventId = published.published.eventId;
      await eventually(async () => {
        expect(await readAll(kafka, admin, [def.dlq.archiveTopic])).toHaveLength(1);
      }, 45_000);
      await scheduler.nextRun();
    } finally {
      await scheduler.stop();
    }

    // The consumer saw the published record, then the DLQ retry's republished one.
    expect(seen.map((s) => s.attempt)).toEqual([1, 2]);
    const consumed = seen.map((s) => parseTraceparent(s.traceparent));
    const [onTopic, dlq, archive] = await Promise.all([
      readAll(kafka, admin, [topic]),
      readAll(kafka, admin, [def.dlq.topic]),
      readAll(kafka, admin, [def.dlq.archiveTopic]),
    ]);
    const hops = [
      ...onTopic.map((r) => traceOf(r.message)),
      ...dlq.map((r) => traceOf(r.message)),
      ...archive.map((r) => traceOf(r.message)),
    ];
    expect(onTopic).toHaveLength(2); // published, retried
    expect(dlq.length).toBeGreaterThanOrEqual(2); // both failures
    expect(archive).toHaveLength(1);
    for (const hop of [...hops, ...consumed]) expect(hop?.traceId).toBe(trace.traceId);
    // The publish span is not the request's; the retry is a span of its own, and so is each DLQ write.
    const spans = hops.map((h) => h?.spanId);
    expect(spans).not.toContain(trace.spanId);
    expect(new Set(onTopic.map((r) => traceOf(r.message)?.spanId)).size).toBe(2);
    expect(new Set(dlq.map((r) => traceOf(r.message)?.spanId)).size).toBe(dlq.length);

    // A manual retry from the archive keeps the trace, with a new span.
    try {
      const result = await manualRetry(
        { kafka, admin, dlq: def.dlq, logger },
        { source: 'archive', eventIds: [eventId], dryRun: false, limit: 10 },
      );
      expect(result.moved).toBe(1);
      const again = await readAll(kafka, admin, [topic], { atLeast: 3 });
      expect(again).toHaveLength(3);
      const manual = traceOf(again[2]!.message);
      expect(manual?.traceId).toBe(trace.traceId);
      expect(spans).not.toContain(manual?.spanId);
    } finally {
      await esm.stop();
      await consumer.close();
      await producer.disconnect();
    }
  }, 90_000);
});
