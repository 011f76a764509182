/**
 * Consumer benchmarks (issue #4):
 * 1. the consumer handler's decode + validate + route per record, in µs,
 *    against JSON.parse of the same base64 buffers (target <= 10 µs/record);
 * 2. produce -> local ESM -> handler -> commit throughput against a bare
 *    kafkajs eachBatch consumer on the same broker (target >= 0.8x).
 */
import { randomUUID } from 'node:crypto';
import type { MSKEvent, MSKRecord } from 'aws-lambda';
import type { Admin, Kafka } from 'kafkajs';
import { EventBus } from '../shared/consumer/bus';
import type { EventHandler } from '../shared/consumer/bus';
import { parseEventValue } from '../shared/consumer/parse-event';
import { createEnvelope } from '../shared/events/envelope';
import { createKafka } from '../shared/kafka/client';
import { createTopicsAndWait } from '../shared/kafka/topic-readiness';
import { createLogger } from '../shared/observability/logger';
import { loadPlatformDefinition, platform, withNamespace } from '../shared/platform';
import { createConsumerHandler } from '../functions/consumers/create-consumer';
import { createLambdaContext } from '../local/esm/lambda-context';
import { startLocalEsm } from '../local/esm/local-esm';
import type { LambdaHandler } from '../local/esm/delivery';
import { median } from './stats';
import type { BenchResult, BenchSuite } from './types';

const RECORDS = 1_000;
const logger = createLogger('bench-consumer');
// Both sides of the pipeline figures run without info logs.
logger.setLogLevel('WARN');

const sampleValues = (n: number): string[] =>
  Array.from({ length: n }, (_, i) =>
    Buffer.from(
      JSON.stringify(
        createEnvelope({
          type: 'conversation.message',
          data: {
            conversation_id: `conv-${i % 50}`,
            user_id: `user-${i % 7}`,
            message_content: `Hello, I need help with my order number ${i}. It has not arrived yet.`,
            message_type: 'user',
          },
          correlationId: randomUUID(),
        }),
      ),
    ).toString('base64'),
  );

const mskEvent = (values: readonly string[]): MSKEvent => {
  const records: Record<string, MSKRecord[]> = {};
  values.forEach((value, i) => {
    const partition = i % 3;
    (records[`conversation.events-${partition}`] ??= []).push({
      topic: 'conversation.events',
      partition,
      offset: i,
      timestamp: Date.now(),
      timestampType: 'CREATE_TIME',
      key: Buffer.from(`conv-${i % 50}`).toString('base64'),
      value,
      headers: [{ 'ce-id': [...Buffer.from('id')] }],
    });
  });
  return { eventSource: 'aws:kafka', eventSourceArn: 'arn', bootstrapServers: 'h:9092', records };
};

const noop: EventHandler<'conversation.message'> = {
  name: 'noop',
  canHandle: () => true,
  handle: () => undefined,
};
const noopBus = (): EventBus => new EventBus().subscribe('conversation.message', noop);

const microsPerRecord = async (
  fn: () => unknown,
  records: number,
  rounds: number,
): Promise<number> => {
  for (let i = 0; i < 5; i += 1) await fn();
  const start = process.hrtime.bigint();
  for (let i = 0; i < rounds; i += 1) await fn();
  return Number(process.hrtime.bigint() - start) / 1_000 / (rounds * records);
};

const handlerCost = async (): Promise<BenchResult> => {
  const values = sampleValues(RECORDS);
  const event = mskEvent(values);
  const handler = createConsumerHandler({
    consumer: 'conversation-log',
    bus: noopBus(),
    platform,
    dlqWriter: { write: async () => undefined },
    logger,
    env: {},
  });
  const context = createLambdaContext({
    functionName: 'bench',
    timeoutSeconds: 900,
    memorySizeMb: 1024,
  });
  const baseline = await microsPerRecord(
    () => {
      for (const v of values) JSON.parse(Buffer.from(v, 'base64').toString('utf8'));
    },
    RECORDS,
    50,
  );
  const value = await microsPerRecord(() => handler(event, context), RECORDS, 50);
  return {
    name: `consumer handler decode+validate+route per record (${value.toFixed(2)} µs; target <= 10 µs) vs JSON.parse of the same buffers`,
    unit: 'µs/record',
    baseline,
    value,
    higherIsBetter: false,
    target: Number((10 / baseline).toFixed(2)),
  };
};

/** Records per throughput run; BENCH_RECORDS overrides (a multiple of 1,000). */
const MESSAGES =
  Math.max(1, Math.round(Number(process.env.BENCH_RECORDS ?? 30_000) / 1_000)) * 1_000;

const fill = async (kafka: Kafka, topic: string): Promise<void> => {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const values = sampleValues(1_000).map((v) => Buffer.from(v, 'base64'));
  for (let sent = 0; sent < MESSAGES; sent += 1_000)
    await producer.send({
      topic,
      acks: -1,
      messages: values.map((value, i) => ({ key: `conv-${(sent + i) % 50}`, value })),
    });
  await producer.disconnect();
};

const untilCommitted = async (admin: Admin, groupId: string, topic: string): Promise<void> => {
  for (;;) {
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const total = (offsets?.partitions ?? []).reduce(
      (n, p) => n + Math.max(0, Number(p.offset)),
      0,
    );
    if (total >= MESSAGES) return;
    await new Promise((r) => setTimeout(r, 10));
  }
};

/**
 * The same Kafka client, calling `onJoin` when any consumer it creates has
 * joined its group: both sides of the throughput figures start their clock
 * there, so neither pays for connecting, metadata or the group join.
 */
const onGroupJoin = (kafka: Kafka, onJoin: () => void): Kafka => {
  const wrapped = Object.create(kafka) as Kafka;
  wrapped.consumer = (config) => {
    const consumer = kafka.consumer(config);
    consumer.on(consumer.events.GROUP_JOIN, onJoin);
    return consumer;
  };
  return wrapped;
};

/** Seconds from the first group join until every record is committed. */
const clock = () => {
  let start: bigint | undefined;
  return {
    joined: () => {
      start ??= process.hrtime.bigint();
    },
    seconds: () => Number(process.hrtime.bigint() - (start ?? 0n)) / 1e9,
  };
};

/** What the bare consumer does with each record. */
type BareWork = (value: Buffer | null) => void;

/** Raw kafkajs: JSON.parse only. */
const rawWork: BareWork = (value) => {
  JSON.parse(value?.toString('utf8') ?? 'null');
};

/** The same work as our handler: decode, validate, route, run the handlers. */
const sameWork =
  (bus: EventBus): BareWork =>
  (value) => {
    const event = parseEventValue(value);
    for (const handler of bus.handlersFor(event))
      void handler.handle(event as never, undefined as never);
  };

const bareEachBatch = async (
  kafka: Kafka,
  admin: Admin,
  topic: string,
  work: BareWork,
): Promise<number> => {
  const groupId = `bench-bare-${randomUUID()}`;
  const timing = clock();
  // The local ESM's fetch settings: kafkajs defaults but for maxWaitTimeInMs.
  const consumer = onGroupJoin(kafka, timing.joined).consumer({ groupId, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    partitionsConsumedConcurrently: 3,
    eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary }) => {
      for (const message of batch.messages) {
        work(message.value);
        resolveOffset(message.offset);
      }
      await commitOffsetsIfNecessary();
    },
  });
  await untilCommitted(admin, groupId, topic);
  const seconds = timing.seconds();
  await consumer.disconnect();
  return MESSAGES / seconds;
};

const localEsmPipeline = async (
  kafka: Kafka,
  admin: Admin,
  prefix: string,
  topicName: string,
): Promise<number> => {
  const base = withNamespace(platform, prefix);
  const def = loadPlatformDefinition({
    ...base,
    topics: [
      ...base.topics,
      { name: topicName, partitions: 3, replicationFactor: 1, minInSyncReplicas: 1 },
    ],
    consumers: base.consumers.map((c) =>
      c.name === 'conversation-log'
        ? { ...c, topics: [topicName], batchSize: 1_000, maximumBatchingWindowMs: 0 }
        : c,
    ),
  });
  const consumerDef = def.consumers.find((c) => c.name === 'conversation-log');
  const handler = createConsumerHandler({
    consumer: 'conversation-log',
    bus: noopBus(),
    platform: def,
    logger,
    env: {},
  }) as unknown as LambdaHandler;
  const timing = clock();
  const esm = await startLocalEsm({
    platform: def,
    kafka: onGroupJoin(kafka, timing.joined),
    logger,
    brokers: ['127.0.0.1:9092'],
    consumers: ['conversation-log'],
    handlers: { 'conversation-log': handler },
    register: false,
  });
  await untilCommitted(admin, consumerDef?.consumerGroupId ?? '', topicName);
  const seconds = timing.seconds();
  await esm.stop();
  return MESSAGES / seconds;
};

/** Interleaved rounds per variant; BENCH_ROUNDS overrides. */
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));

/**
 * The throughput figures: each variant runs {@link ROUNDS} times, interleaved
 * in a rotating order, on its own pre-filled topic; the median of each is
 * reported (the machine is shared, single runs are noisy).
 */
export const pipelineThroughput = async (): Promise<BenchResult[]> => {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  const kafka = createKafka({ clientId: 'bench-consumer' });
  const admin = kafka.admin();
  await admin.connect();
  const created: string[] = [];
  const figures = { raw: [] as number[], same: [] as number[], esm: [] as number[] };
  try {
    for (let round = 0; round < ROUNDS; round += 1) {
      const prefix = `bench-${randomUUID().slice(0, 8)}-`;
      const topics = ['bench.raw', 'bench.same', 'bench.esm'].map((t) => `${prefix}${t}`);
      const [rawTopic = '', sameTopic = '', esmTopic = ''] = topics;
      await createTopicsAndWait(
        admin,
        topics.map((topic) => ({ topic, numPartitions: 3, replicationFactor: 1 })),
      );
      created.push(...topics);
      for (const topic of topics) await fill(kafka, topic);
      const runs = [
        async () => figures.raw.push(await bareEachBatch(kafka, admin, rawTopic, rawWork)),
        async () =>
          figures.same.push(await bareEachBatch(kafka, admin, sameTopic, sameWork(noopBus()))),
        async () => figures.esm.push(await localEsmPipeline(kafka, admin, prefix, esmTopic)),
      ];
      // The order rotates each round: no variant always runs first or last.
      for (let i = 0; i < runs.length; i += 1) await runs[(round + i) % runs.length]?.();
    }
  } finally {
    await admin.deleteTopics({ topics: created }).catch(() => undefined);
    await admin.disconnect();
  }
  if (process.env.BENCH_VERBOSE) console.log(JSON.stringify(figures));
  const value = median(figures.esm);
  const name = (baseline: string): string =>
    `local ESM -> consumer handler -> commit (batch 1000, window 0) vs bare kafkajs eachBatch ${baseline}, ${MESSAGES} records, median of ${ROUNDS}`;
  return [
    {
      name: name('doing the same decode+validate+route'),
      unit: 'records/s',
      baseline: median(figures.same),
      value,
      higherIsBetter: true,
      target: 0.8,
    },
    {
      name: name('doing JSON.parse only'),
      unit: 'records/s',
      baseline: median(figures.raw),
      value,
      higherIsBetter: true,
      target: 0.8,
    },
  ];
};

/** The consumer suite of `npm run bench`. */
export const consumerBench: BenchSuite = {
  name: 'consumer',
  run: async () => [await handlerCost(), ...(await pipelineThroughput())],
};
