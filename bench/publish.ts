/**
 * Publish benchmarks (issue #3): the publish path against a bare kafkajs
 * producer send of the same records at the same batch size, on the same
 * broker, with the same producer settings (idempotent, acks=all, gzip).
 * 1. publishEvents (validate, envelope, key, headers, send), batch 100;
 * 2. the publish Lambda's batch route (JSON body, middy, validation), batch 100;
 * 3. the publish Lambda's single-event route vs a bare send of one record.
 * Target >= 0.9x each. Baseline and ours run in alternating slices; the
 * median of the slice-pair ratios counts (a shared machine is noisy).
 */
import { CompressionTypes } from 'kafkajs';
import type { Kafka, Message, Producer } from 'kafkajs';
import { createPublishHandler } from '../functions/publish/handler';
import { toHttpApiEvent, lambdaContext } from '../local/gateway/event';
import { provisionTopics } from '../local/provision';
import { createEnvelope } from '../shared/events/envelope';
import type { NewEvent } from '../shared/events/envelope';
import type { EventType } from '../shared/events/event-types';
import { toEventRecord } from '../shared/events/record';
import { validateEvent } from '../shared/events/validate';
import { createKafka } from '../shared/kafka/client';
import { KafkaProducer } from '../shared/kafka/producer';
import { loadProducerConfig } from '../shared/kafka/producer-config';
import { Logger } from '@aws-lambda-powertools/logger';
import { platform, topicForEventType, withNamespace } from '../shared/platform';
import { publishEvents } from '../shared/publish/publish';
import type { PublishContext } from '../shared/publish/context';
import type { BenchResult, BenchSuite } from './types';

const BATCH = 100;
const SLICES = 40;
const OPS_PER_SLICE = 10;

const events = (n: number, offset = 0): NewEvent<EventType>[] =>
  Array.from({ length: n }, (_, i) => ({
    type: 'conversation.message' as const,
    data: {
      conversation_id: `conv-${(offset + i) % 50}`,
      user_id: `user-${i % 7}`,
      message_content: `Hello, I need help with my order number ${offset + i}. It has not arrived yet.`,
      message_type: 'user' as const,
    },
    correlationId: `corr-${offset + i}`,
  }));

/** The bare baseline's messages: the same records, serialized once beforehand. */
const bareMessages = (n: number): Message[] =>
  events(n).map((e) => {
    const record = toEventRecord(validateEvent(createEnvelope(e)), 'unused');
    return { key: record.key, value: record.value, headers: { ...record.headers } };
  });

/** Seconds spent running `fn` `times` times, one after the other. */
const seconds = async (times: number, fn: (i: number) => Promise<unknown>): Promise<number> => {
  const start = process.hrtime.bigint();
  for (let i = 0; i < times; i += 1) await fn(i);
  return Number(process.hrtime.bigint() - start) / 1e9;
};

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

/**
 * Throughput of a baseline and of ours, measured in alternating short
 * slices so both see the same load on a shared machine. The ratio is the
 * median of the per-slice-pair ratios (robust to load bursts); the baseline
 * figure is the median baseline slice.
 */
const paired = async (
  recordsPerOp: number,
  baseline: (i: number) => Promise<unknown>,
  ours: (i: number) => Promise<unknown>,
): Promise<{ baseline: number; ours: number }> => {
  const baseRates: number[] = [];
  const ratios: number[] = [];
  const records = OPS_PER_SLICE * recordsPerOp;
  for (let slice = 0; slice < SLICES; slice += 1) {
    const baseRate = records / (await seconds(OPS_PER_SLICE, baseline));
    const ourRate =
      records / (await seconds(OPS_PER_SLICE, (i) => ours(slice * OPS_PER_SLICE + i)));
    baseRates.push(baseRate);
    ratios.push(ourRate / baseRate);
  }
  const base = median(baseRates);
  return { baseline: base, ours: base * median(ratios) };
};

const run = async (): Promise<readonly BenchResult[]> => {
  const kafka: Kafka = createKafka({ clientId: 'bench-publish' });
  const admin = kafka.admin();
  await admin.connect();
  const def = withNamespace(platform, `bench-pub-${Date.now()}-`);
  await provisionTopics(admin, def);
  await admin.disconnect();
  const topic = topicForEventType(def, 'conversation.message');

  const bare: Producer = kafka.producer({ idempotent: true, retry: { retries: 1 } });
  await bare.connect();
  const producer = new KafkaProducer({ kafka, config: loadProducerConfig({}) });
  await producer.connect();
  const context: PublishContext = { platform: def, producer };
  const handler = createPublishHandler({
    context: () => context,
    logger: new Logger({ serviceName: 'bench', logLevel: 'ERROR' }),
  });
  const bareSend = (messages: Message[]) =>
    bare.send({ topic, messages, acks: -1, compression: CompressionTypes.GZIP });

  const batchBody = JSON.stringify({
    events: events(BATCH).map((e) => ({
      event_type: e.type,
      data: e.data,
      correlation_id: e.correlationId,
    })),
  });
  const singleBody = JSON.stringify({ action: 'message', ...events(1)[0]?.data });
  const httpEvent = (path: string, body: string) =>
    toHttpApiEvent({
      method: 'POST',
      url: `${def.apiBasePath}${path}`,
      routeKey: `POST ${def.apiBasePath}${path}`,
      headers: { 'content-type': 'application/json' },
      body: Buffer.from(body),
    });
  const invoke = async (path: string, body: string): Promise<void> => {
    const result = (await handler(httpEvent(path, body), lambdaContext('publish', 30_000))) as {
      statusCode: number;
    };
    if (result.statusCode !== 200) throw new Error(`publish answered ${result.statusCode}`);
  };

  const batchMessages = bareMessages(BATCH);
  const singleMessages = bareMessages(1);
  // warm up every path
  await bareSend(batchMessages);
  await publishEvents(events(BATCH), { context });
  await invoke('/events/batch', batchBody);
  await invoke('/events/conversation', singleBody);

  const library = await paired(
    BATCH,
    () => bareSend(batchMessages),
    (i) => publishEvents(events(BATCH, i * BATCH), { context }),
  );
  const httpBatch = await paired(
    BATCH,
    () => bareSend(batchMessages),
    () => invoke('/events/batch', batchBody),
  );
  const httpSingle = await paired(
    1,
    () => bareSend(singleMessages),
    () => invoke('/events/conversation', singleBody),
  );
  await bare.disconnect();
  await producer.disconnect();

  const result = (name: string, figures: { baseline: number; ours: number }): BenchResult => ({
    name,
    unit: 'msg/s',
    value: figures.ours,
    baseline: figures.baseline,
    higherIsBetter: true,
    target: 0.9,
  });
  return [
    result(`publishEvents vs bare kafkajs send (batch ${BATCH})`, library),
    result(`publish API batch route vs bare kafkajs send (batch ${BATCH})`, httpBatch),
    result('publish API single-event route vs bare kafkajs send (batch 1)', httpSingle),
  ];
};

export const publishBench: BenchSuite = { name: 'publish', run };
