import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaMskEventSchema } from '@aws-lambda-powertools/parser/schemas/kafka';
import { CompressionTypes } from 'kafkajs';
import type { Admin, Kafka, Message } from 'kafkajs';
import type { MSKEvent } from 'aws-lambda';
import { createTopicsAndWait } from '../../../shared/kafka/topic-readiness';
import { createLogger } from '../../../shared/observability/logger';
import { loadPlatformDefinition } from '../../../shared/platform';
import type { ConsumerDefinition, PlatformDefinition } from '../../../shared/platform';
import { startLocalEsm } from '../../../local/esm/local-esm';
import type { RunningLocalEsm } from '../../../local/esm/local-esm';
import type { InvocationOutcome, LambdaHandler } from '../../../local/esm/delivery';
import type { LocalContext } from '../../../local/esm/lambda-context';
import { provisionedPlatform } from '../../support/kafka';

export const logger = createLogger('esm-test');

/** The provisioned, namespaced definition with one consumer's ESM settings changed. */
export const platformWith = async (
  admin: Admin,
  consumer: string,
  overrides: Partial<ConsumerDefinition>,
  extraTopics: readonly string[] = [],
): Promise<PlatformDefinition> => {
  const def = await provisionedPlatform(admin, 'esm');
  const prefix = def.topics[0]?.name.replace(/conversation\.events$/, '') ?? '';
  const extra = extraTopics.map((t) => `${prefix}${t}`);
  if (extra.length > 0)
    await createTopicsAndWait(
      admin,
      extra.map((topic) => ({ topic, numPartitions: 1, replicationFactor: 1 })),
    );
  return loadPlatformDefinition({
    ...def,
    topics: [
      ...def.topics,
      ...extra.map((name) => ({ name, partitions: 1, replicationFactor: 1, minInSyncReplicas: 1 })),
    ],
    consumers: def.consumers.map((c) =>
      c.name === consumer
        ? {
            ...c,
            ...overrides,
            ...(overrides.onFailureTopic
              ? { onFailureTopic: `${prefix}${overrides.onFailureTopic}` }
              : {}),
          }
        : c,
    ),
  });
};

/** One invocation as the test saw it. */
export interface SeenInvocation {
  readonly event: MSKEvent;
  readonly context: LocalContext;
  readonly offsets: string[];
}

/** Offsets of an event as "topic-partition@offset", in delivery order. */
export const offsetsOf = (event: MSKEvent): string[] =>
  Object.entries(event.records).flatMap(([key, records]) =>
    records.map((r) => `${key}@${r.offset}`),
  );

/** Whether an event carries a header byte above 127 (sent signed, as AWS does). */
export const hasSignedHeaderBytes = (event: MSKEvent): boolean =>
  Object.values(event.records)
    .flat()
    .some((r) => r.headers.some((h) => Object.values(h).some((bytes) => bytes.some((b) => b < 0))));

/**
 * The event with each tombstone given `value: ""`: AWS leaves the value of a
 * tombstone out (local/esm/msk-event.ts), which Powertools'
 * KafkaMskEventSchema does not allow; the rest of such an event is checked.
 */
const withTombstonesFilled = (event: MSKEvent): MSKEvent => ({
  ...event,
  records: Object.fromEntries(
    Object.entries(event.records).map(([key, records]) => [
      key,
      records.map((r) => ((r as { value?: string }).value === undefined ? { ...r, value: '' } : r)),
    ]),
  ),
});

/** Events a recording handler saw that KafkaMskEventSchema rejected (checked after each test). */
export const invalidEvents: { event: MSKEvent; issues: unknown }[] = [];

afterEach(() => {
  expect(invalidEvents).toEqual([]);
});

/** A handler recording its invocations and answering with `respond`. */
export const recordingHandler = (
  respond: (event: MSKEvent, call: number) => Promise<unknown> | unknown = () => ({
    batchItemFailures: [],
  }),
): { handler: LambdaHandler; calls: SeenInvocation[] } => {
  const calls: SeenInvocation[] = [];
  const handler: LambdaHandler = async (event, context) => {
    // Every event the local ESM builds must be one AWS's own schema accepts.
    // (Powertools' header transform throws on negative bytes, which AWS sends
    // for non-ASCII header bytes: event-shape.test.ts covers that case.)
    if (!hasSignedHeaderBytes(event)) {
      const parsed = KafkaMskEventSchema.safeParse(withTombstonesFilled(event));
      if (!parsed.success) invalidEvents.push({ event, issues: parsed.error.issues });
    }
    calls.push({ event, context, offsets: offsetsOf(event) });
    return respond(event, calls.length);
  };
  return { handler, calls };
};

/** Where a test's local ESM writes the documents of records it gives up (a fresh folder by default). */
export interface EsmTestOptions {
  readonly onFailureDir?: string;
  readonly onFailureRetryMs?: number;
}

/** A fresh temporary folder. */
export const tempDir = (label = 'esm'): string => mkdtempSync(join(tmpdir(), `xseven-${label}-`));

/** Starts the local ESM of one consumer of `def` with `handler` (fast retries, not registered). */
export const startEsm = (
  kafka: Kafka,
  def: PlatformDefinition,
  consumer: string,
  handler: LambdaHandler,
  onInvocation?: (event: MSKEvent, outcome: InvocationOutcome) => void,
  options: EsmTestOptions = {},
): Promise<RunningLocalEsm> =>
  startLocalEsm({
    platform: def,
    kafka,
    logger,
    brokers: ['127.0.0.1:9092'],
    consumers: [consumer],
    handlers: { [consumer]: handler },
    backoffMs: () => 50,
    register: false,
    onFailureDir: options.onFailureDir ?? tempDir('on-failure'),
    ...(options.onFailureRetryMs === undefined
      ? {}
      : { onFailureRetryMs: options.onFailureRetryMs }),
    ...(onInvocation ? { onInvocation: (_c, e, o) => onInvocation(e, o) } : {}),
  });

/** Produces messages with a connected idempotent producer. */
export const produce = async (
  kafka: Kafka,
  topic: string,
  messages: Message[],
  compression: CompressionTypes = CompressionTypes.None,
): Promise<void> => {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    await producer.send({ topic, messages, acks: -1, compression });
  } finally {
    await producer.disconnect();
  }
};

/** Committed offsets of a group on a topic, by partition (-1 = none). */
export const committed = async (
  admin: Admin,
  groupId: string,
  topic: string,
): Promise<Record<number, number>> => {
  const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return Object.fromEntries(
    (offsets?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]),
  );
};

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
