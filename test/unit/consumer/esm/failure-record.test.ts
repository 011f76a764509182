import { KafkaMskEventSchema } from '@aws-lambda-powertools/parser/schemas/kafka';
import { DiscardReason } from '../../../../local/esm/delivery';
import type { DiscardDetails } from '../../../../local/esm/delivery';
import { buildFailureRecord, failureObjectKey } from '../../../../local/esm/failure-record';
import { buildMskEvent } from '../../../../local/esm/msk-event';
import {
  AWS_FAILURE_KEY,
  awsKafkaS3FailureRecordSchema,
} from '../../../support/aws-failure-record';
import { pending } from './records';

const source = {
  eventSourceArn:
    'arn:aws:kafka:local:000000000000:cluster/x/00010203-0405-0607-0809-0a0b0c0d0e0f-1',
  bootstrapServers: '127.0.0.1:9092',
};
const functionArn = 'arn:aws:lambda:local:000000000000:function:conversation-log';
const now = new Date('2026-01-02T03:04:05.678Z');
const records = [pending(7, 1), pending(3, 0), pending(4, 0), pending(5, 0)];
const thrown: DiscardDetails = {
  invocations: 11,
  last: {
    kind: 'error',
    error: 'boom',
    invocation: { requestId: 'r-11', functionError: 'Unhandled' },
  },
};
const build = (reason: DiscardReason, details: DiscardDetails) =>
  buildFailureRecord(records, { reason, details, functionArn, source, now });

describe('the invocation record AWS writes to an S3 on-failure destination', () => {
  it("has AWS's documented shape and members, in AWS's order", () => {
    const document = build(DiscardReason.RetriesExhausted, thrown);
    expect(awsKafkaS3FailureRecordSchema.parse(document)).toEqual(document);
    expect(Object.keys(document)).toEqual([
      'requestContext',
      'responseContext',
      'version',
      'timestamp',
      'KafkaBatchInfo',
      'payload',
    ]);
    expect(document.requestContext).toEqual({
      requestId: 'r-11',
      functionArn,
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: 11,
    });
    expect(document.responseContext).toEqual({
      statusCode: 200,
      executedVersion: '$LATEST',
      functionError: 'Unhandled',
    });
    expect(document.timestamp).toBe('2026-01-02T03:04:05.678Z');
  });

  it('carries the whole batch as the function received it, and its bounds per partition', () => {
    const document = build(DiscardReason.RetriesExhausted, thrown);
    expect(JSON.parse(document.payload)).toEqual(buildMskEvent(records, source));
    expect(KafkaMskEventSchema.safeParse(JSON.parse(document.payload)).success).toBe(true);
    expect(document.KafkaBatchInfo).toEqual({
      batchSize: 4,
      eventSourceArn: source.eventSourceArn,
      bootstrapServers: source.bootstrapServers,
      payloadSize: Buffer.byteLength(document.payload),
      recordsInfo: {
        't-1': {
          firstRecordOffset: '7',
          lastRecordOffset: '7',
          firstRecordTimestamp: new Date(records[0]?.timestamp ?? 0).toISOString(),
          lastRecordTimestamp: new Date(records[0]?.timestamp ?? 0).toISOString(),
        },
        't-0': {
          firstRecordOffset: '3',
          lastRecordOffset: '5',
          firstRecordTimestamp: new Date(records[1]?.timestamp ?? 0).toISOString(),
          lastRecordTimestamp: new Date(records[3]?.timestamp ?? 0).toISOString(),
        },
      },
    });
  });

  it('names the condition: retries, payload size (never invoked), record age', () => {
    const partial = build(DiscardReason.RetriesExhausted, {
      invocations: 3,
      last: { kind: 'partial', retryFrom: new Map(), invocation: { requestId: 'r-3' } },
    });
    expect(partial.responseContext).toEqual({ statusCode: 200, executedVersion: '$LATEST' });
    const tooLarge = build(DiscardReason.RetriesExhausted, {
      invocations: 0,
      last: { kind: 'error', error: 'Request payload size ... exceeded' },
    });
    expect(tooLarge.requestContext.condition).toBe('MaximumPayloadSizeExceeded');
    expect(tooLarge.responseContext).toBeNull();
    const old = build(DiscardReason.RecordAgeExceeded, { invocations: 0 });
    expect(old.requestContext.condition).toBe('RecordAgeExceeded');
    expect(old.requestContext.approximateInvokeCount).toBe(0);
    expect(old.responseContext).toBeNull();
    for (const document of [partial, tooLarge, old])
      expect(awsKafkaS3FailureRecordSchema.safeParse(document).success).toBe(true);
  });

  it("is keyed as AWS keys S3 failure records, the batch's first topic-partition as the shard", () => {
    const key = failureObjectKey(
      '6d1f4c3e-0000-5000-8000-000000000000',
      records,
      now,
      () => 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
    );
    expect(key).toBe(
      'aws/lambda/6d1f4c3e-0000-5000-8000-000000000000/t-1/2026/01/02/2026-01-02T03.04.05-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
    );
    expect(key).toMatch(AWS_FAILURE_KEY);
  });
});
