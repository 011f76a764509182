/**
 * The broker's ceiling (issue #13, item 8): Apache Kafka's own
 * ProducerPerformance (org.apache.kafka:kafka-tools, from Maven Central like
 * the broker: `kafka.sh tools`; XSEVEN_KAFKA_TOOLS may point at any
 * directory holding kafka-tools-*.jar) writes the records publishEvents
 * writes to the same broker and topic, with the same compression (gzip),
 * acks (all) and idempotence. Reference lines, no target: how far
 * publishEvents and a bare kafkajs send are from what Kafka's own client
 * gets out of this broker.
 *
 * ProducerPerformance sends values only (no key, no headers): each of its
 * payloads is one of our records' value followed by its key and its header
 * names and values, so it writes the same bytes, which gzip the same way.
 * Its producer runs Kafka 3.9.1's defaults but `linger.ms=5` (Kafka 4.0's
 * default, KIP-1030): a Java client's batching, pipelined (up to 5 requests
 * in flight), as a tuned publisher would run it.
 *
 * Each round runs ProducerPerformance, then each Node side, in a rotating
 * order; the ratio is the median of the rounds' ratios (BENCH_ROUNDS, 3).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CompressionTypes } from 'kafkajs';
import type { Kafka, Message } from 'kafkajs';
import { provisionTopics } from '../local/provision';
import { createEnvelope } from '../shared/events/envelope';
import { toEventRecord } from '../shared/events/record';
import { validateEvent } from '../shared/events/validate';
import { createKafka } from '../shared/kafka/client';
import { loadKafkaConnectionConfig } from '../shared/kafka/connection-config';
import { KafkaProducer } from '../shared/kafka/producer';
import { loadProducerConfig } from '../shared/kafka/producer-config';
import { platform, topicForEventType, withNamespace } from '../shared/platform';
import { publishEvents } from '../shared/publish/publish';
import type { PublishContext } from '../shared/publish/context';
import { bareMessages, events } from './publish';
import { median } from './stats';
import type { BenchResult, BenchSuite } from './types';
import { benchPrefix } from './prefix';

const run = promisify(execFile);
const KAFKA_DIR = join(__dirname, '..', 'local', 'kafka');
const BATCH = 100;
/** Concurrent publishEvents callers of the loaded line (the HTTP bench's highest concurrency). */
const CALLERS = 16;
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
/** Records per ProducerPerformance run (a few seconds, so the JVM's warm-up weighs little). */
const JAVA_RECORDS = Math.max(10_000, Number(process.env.BENCH_PERF_RECORDS ?? 200_000));
/** Records per Node run (publishEvents and the bare send each). */
const NODE_RECORDS = 20_000;
/** Distinct payloads ProducerPerformance picks from at random. */
const PAYLOADS = 1_000;
/** The Java producer's settings besides the broker address. */
const JAVA_PRODUCER_PROPS = [
  'acks=all',
  'compression.type=gzip',
  'enable.idempotence=true',
  'linger.ms=5',
] as const;

/** The directory of Kafka's tools jars, fetched on first use; undefined (and why) when it cannot be. */
const toolsDirectory = async (): Promise<{ dir?: string; why?: string }> => {
  try {
    const { stdout } = await run('bash', [join(KAFKA_DIR, 'kafka.sh'), 'tools']);
    return { dir: stdout.trim() };
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? String(error);
    return { why: stderr.trim().split('\n').pop() ?? 'kafka.sh tools failed' };
  }
};

/** One line per payload: a record's value, then its key and header names and values (same bytes). */
const payloadFile = (dir: string): string => {
  const lines = events(PAYLOADS).map((e) => {
    const record = toEventRecord(validateEvent(createEnvelope(e)), 'unused');
    let extra = record.key;
    for (const [name, value] of Object.entries(record.headers)) extra += name + value;
    return record.value + extra;
  });
  const file = join(dir, 'payloads.txt');
  writeFileSync(file, lines.join('\n'));
  return file;
};

/** The records/s ProducerPerformance reports for its whole run. */
const producerPerformance = async (
  tools: string,
  logs: string,
  topic: string,
  payloads: string,
): Promise<number> => {
  const bootstrap = loadKafkaConnectionConfig().KAFKA_BOOTSTRAP_SERVERS.join(',');
  const { stdout } = await run(
    'java',
    [
      '-Xmx512m',
      `-Dlog4j.configuration=file:${join(KAFKA_DIR, 'log4j.properties')}`,
      `-Dkafka.logs.dir=${logs}`,
      '-cp',
      `${tools}/*`,
      'org.apache.kafka.tools.ProducerPerformance',
      ...['--topic', topic, '--num-records', String(JAVA_RECORDS), '--throughput', '-1'],
      ...['--payload-file', payloads, '--producer-props', `bootstrap.servers=${bootstrap}`],
      ...JAVA_PRODUCER_PROPS,
    ],
    { maxBuffer: 1 << 20 },
  );
  // The final line: "200000 records sent, 51679.5 records/sec (40.09 MB/sec), ... 50th, ...".
  const final = stdout.split('\n').find((line) => line.includes('50th'));
  const rate = /records sent, ([\d.]+) records\/sec/.exec(final ?? '')?.[1];
  if (rate === undefined) throw new Error(`ProducerPerformance printed no summary:\n${stdout}`);
  return Number(rate);
};

/** Records/s of `callers` loops sending `NODE_RECORDS` records in batches of {@link BATCH}. */
const nodeRate = async (
  callers: number,
  send: (op: number) => Promise<unknown>,
): Promise<number> => {
  const ops = NODE_RECORDS / BATCH;
  let next = 0;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: callers }, async () => {
      for (let op = next++; op < ops; op = next++) await send(op);
    }),
  );
  return NODE_RECORDS / (Number(process.hrtime.bigint() - start) / 1e9);
};

const measure = async (kafka: Kafka, tools: string): Promise<BenchResult[]> => {
  const admin = kafka.admin();
  await admin.connect();
  const def = withNamespace(platform, benchPrefix('perf'));
  await provisionTopics(admin, def);
  await admin.disconnect();
  const topic = topicForEventType(def, 'conversation.message');
  const work = mkdtempSync(join(tmpdir(), 'xseven-producer-perf-'));
  const payloads = payloadFile(work);

  const bare = kafka.producer({ idempotent: true, retry: { retries: 1 } });
  await bare.connect();
  const producer = new KafkaProducer({ kafka, config: loadProducerConfig({}) });
  await producer.connect();
  const context: PublishContext = { platform: def, producer };
  const messages: Message[] = bareMessages(BATCH);
  const inputs = Array.from({ length: NODE_RECORDS / BATCH }, (_, op) => events(BATCH, op * BATCH));
  const sides = {
    java: () => producerPerformance(tools, work, topic, payloads),
    library: () => nodeRate(1, (op) => publishEvents(inputs[op] ?? [], { context })),
    loaded: () => nodeRate(CALLERS, (op) => publishEvents(inputs[op] ?? [], { context })),
    bare: () =>
      nodeRate(1, () =>
        bare.send({ topic, messages, acks: -1, compression: CompressionTypes.GZIP }),
      ),
  } as const;
  type Side = keyof typeof sides;
  const order: readonly Side[] = ['java', 'library', 'loaded', 'bare'];
  const figures: Record<Side, number[]> = { java: [], library: [], loaded: [], bare: [] };
  try {
    // Warm-up: JIT, connections, metadata (ProducerPerformance's run includes its own).
    await sides.library();
    await sides.bare();
    for (let round = 0; round < ROUNDS; round += 1)
      for (let i = 0; i < order.length; i += 1) {
        const side = order[(round + i) % order.length] as Side;
        figures[side].push(await sides[side]());
      }
  } finally {
    await bare.disconnect();
    await producer.disconnect();
    rmSync(work, { recursive: true, force: true });
  }
  if (process.env.BENCH_VERBOSE) console.log(JSON.stringify(figures));
  console.log(
    `  (ceiling: Apache Kafka's ProducerPerformance, Java client, ${JAVA_RECORDS} records of the same bytes, ${JAVA_PRODUCER_PROPS.join(' ')})`,
  );

  const ceiling = median(figures.java);
  const ratio = (side: Side): number =>
    median(figures[side].map((rate, round) => rate / (figures.java[round] ?? rate)));
  const line = (side: Side, name: string): BenchResult => ({
    name: `${name} vs Kafka's ProducerPerformance (the ceiling), median of ${ROUNDS}`,
    unit: 'records/s',
    baseline: ceiling,
    value: ceiling * ratio(side),
    higherIsBetter: true,
    target: 0,
    reference: true,
  });
  return [
    line('library', `publishEvents (batch ${BATCH}, 1 caller)`),
    line('loaded', `publishEvents (batch ${BATCH}, ${CALLERS} concurrent callers)`),
    line('bare', `bare kafkajs send (batch ${BATCH}, 1 caller)`),
  ];
};

const runSuite = async (): Promise<readonly BenchResult[]> => {
  const config = loadKafkaConnectionConfig();
  if (config.KAFKA_SECURITY_PROTOCOL !== 'PLAINTEXT') {
    console.log('skip producer-perf: the reference line runs on a PLAINTEXT (local) broker only');
    return [];
  }
  const { dir, why } = await toolsDirectory();
  if (dir === undefined) {
    console.log(`skip producer-perf: Kafka's tools are not available (${why ?? 'unknown'})`);
    return [];
  }
  return measure(createKafka({ clientId: 'bench-producer-perf' }), dir);
};

export const producerPerfBench: BenchSuite = { name: 'producer-perf', run: runSuite };
