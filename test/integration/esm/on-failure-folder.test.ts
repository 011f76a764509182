import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Admin, Kafka } from 'kafkajs';
import type { MSKEvent } from 'aws-lambda';
import type { PlatformDefinition } from '../../../shared/platform';
import { AWS_FAILURE_KEY, awsKafkaS3FailureRecordSchema } from '../../support/aws-failure-record';
import type { AwsKafkaS3FailureRecord } from '../../support/aws-failure-record';
import { eventually } from '../../support/eventually';
import { testKafka } from '../../support/kafka';
import {
  committed,
  logger,
  platformWith,
  produce,
  recordingHandler,
  startEsm,
  tempDir,
} from './helpers';

const CONSUMER = 'business-analytics';
const topicOf = (def: PlatformDefinition): string =>
  def.consumers.find((c) => c.name === CONSUMER)?.topics[0] ?? '';
const groupOf = (def: PlatformDefinition): string =>
  def.consumers.find((c) => c.name === CONSUMER)?.consumerGroupId ?? '';

/** Every file under `dir`, relative to it. */
const filesUnder = (dir: string): string[] => {
  const out: string[] = [];
  const walk = (at: string): void => {
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.push(relative(dir, path));
    }
  };
  walk(dir);
  return out;
};

/** The on-failure documents of the consumer, read back and checked against AWS's shape. */
const documentsIn = (dir: string): { key: string; document: AwsKafkaS3FailureRecord }[] =>
  filesUnder(join(dir, CONSUMER)).map((file) => {
    expect(file.endsWith('.json')).toBe(true);
    const key = file.slice(0, -'.json'.length);
    expect(key).toMatch(AWS_FAILURE_KEY);
    const text = readFileSync(join(dir, CONSUMER, file), 'utf8');
    return { key, document: awsKafkaS3FailureRecordSchema.parse(JSON.parse(text)) };
  });

const valuesOf = (event: MSKEvent): string[] =>
  Object.values(event.records)
    .flat()
    .map((r) => Buffer.from(r.value, 'base64').toString());

describe('the local S3 on-failure destination (a folder) on the real broker', () => {
  let kafka: Kafka;
  let admin: Admin;

  beforeAll(async () => {
    kafka = testKafka('esm-on-failure');
    admin = kafka.admin();
    await admin.connect();
  });
  afterAll(async () => {
    await admin.disconnect();
  });

  it("writes AWS's invocation record of a batch that exhausted its retries, then commits", async () => {
    const def = await platformWith(admin, CONSUMER, {
      batchSize: 10,
      maximumBatchingWindowMs: 0,
      maximumRetryAttempts: 2,
    });
    const dir = tempDir('on-failure');
    await produce(
      kafka,
      topicOf(def),
      ['v0', 'v1', 'v2'].map((value) => ({ value, key: 'k', headers: { h: 'x' }, partition: 0 })),
    );
    const { handler, calls } = recordingHandler(() => {
      throw new Error('always fails');
    });
    const esm = await startEsm(kafka, def, CONSUMER, handler, undefined, { onFailureDir: dir });
    try {
      await eventually(async () =>
        expect((await committed(admin, groupOf(def), topicOf(def)))[0]).toBe(3),
      );
    } finally {
      await esm.stop();
    }
    expect(calls).toHaveLength(3); // first attempt + 2 retries
    const documents = documentsIn(dir);
    expect(documents).toHaveLength(1);
    const [{ key, document } = { key: '', document: undefined }] = documents;
    const last = calls[2];
    expect(key.split('/')[3]).toBe(`${topicOf(def)}-0`);
    expect(document?.requestContext).toEqual({
      requestId: last?.context.awsRequestId,
      functionArn: `arn:aws:lambda:local:000000000000:function:${CONSUMER}`,
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: 3,
    });
    expect(document?.responseContext).toEqual({
      statusCode: 200,
      executedVersion: '$LATEST',
      functionError: 'Unhandled',
    });
    expect(document?.KafkaBatchInfo).toMatchObject({
      batchSize: 3,
      eventSourceArn: last?.event.eventSourceArn,
      recordsInfo: { [`${topicOf(def)}-0`]: { firstRecordOffset: '0', lastRecordOffset: '2' } },
    });
    // The payload is the very event the function failed on.
    expect(JSON.parse(document?.payload ?? '')).toEqual(last?.event);
    expect(document?.KafkaBatchInfo.payloadSize).toBe(Buffer.byteLength(document?.payload ?? ''));
  });

  it('gives records older than MaximumRecordAge to the folder without invoking them', async () => {
    const def = await platformWith(admin, CONSUMER, {
      batchSize: 10,
      maximumBatchingWindowMs: 0,
      maximumRecordAgeSeconds: 60,
    });
    const dir = tempDir('on-failure');
    const old = Date.now() - 3_600_000;
    await produce(kafka, topicOf(def), [
      { value: 'old', partition: 0, timestamp: String(old) },
      { value: 'new', partition: 0 },
    ]);
    const { handler, calls } = recordingHandler();
    const esm = await startEsm(kafka, def, CONSUMER, handler, undefined, { onFailureDir: dir });
    try {
      await eventually(async () =>
        expect((await committed(admin, groupOf(def), topicOf(def)))[0]).toBe(2),
      );
    } finally {
      await esm.stop();
    }
    expect(calls.flatMap((c) => valuesOf(c.event))).toEqual(['new']);
    const [only, ...more] = documentsIn(dir);
    expect(more).toEqual([]);
    expect(only?.document.requestContext).toMatchObject({
      condition: 'RecordAgeExceeded',
      approximateInvokeCount: 0,
    });
    expect(only?.document.responseContext).toBeNull();
    expect(only?.document.KafkaBatchInfo.recordsInfo).toEqual({
      [`${topicOf(def)}-0`]: {
        firstRecordOffset: '0',
        lastRecordOffset: '0',
        firstRecordTimestamp: new Date(old).toISOString(),
        lastRecordTimestamp: new Date(old).toISOString(),
      },
    });
    expect(valuesOf(JSON.parse(only?.document.payload ?? '') as MSKEvent)).toEqual(['old']);
  });

  it('retries an unwritable folder without committing, and commits once the document is written', async () => {
    const def = await platformWith(admin, CONSUMER, {
      batchSize: 10,
      maximumBatchingWindowMs: 0,
      maximumRetryAttempts: 0,
    });
    const root = tempDir('on-failure');
    // A file where the folder should be: every write fails (ENOTDIR).
    const blocker = join(root, 'blocked');
    writeFileSync(blocker, 'not a folder');
    const dir = join(blocker, 'failures');
    await produce(kafka, topicOf(def), [{ value: 'v0', partition: 0 }]);
    const refused = jest.spyOn(logger, 'error');
    const unwritable = () =>
      refused.mock.calls.filter(([message]) => String(message).includes('on-failure folder'))
        .length;
    const { handler } = recordingHandler(() => {
      throw new Error('always fails');
    });
    const esm = await startEsm(kafka, def, CONSUMER, handler, undefined, {
      onFailureDir: dir,
      onFailureRetryMs: 50,
    });
    try {
      await eventually(async () => expect(unwritable()).toBeGreaterThanOrEqual(3));
      expect((await committed(admin, groupOf(def), topicOf(def)))[0]).toBe(-1);
      rmSync(blocker);
      await eventually(async () =>
        expect((await committed(admin, groupOf(def), topicOf(def)))[0]).toBe(1),
      );
    } finally {
      await esm.stop();
      refused.mockRestore();
    }
    const [only, ...more] = documentsIn(dir);
    expect(more).toEqual([]);
    expect(only?.document.requestContext.condition).toBe('RetryAttemptsExhausted');
  });
});
