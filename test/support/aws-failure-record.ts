import * as z from 'zod';

const isoTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
const offset = z.string().regex(/^\d+$/);

/**
 * The JSON document Lambda writes to an S3 on-failure destination for a
 * failed Kafka event source invocation, as the Lambda developer guide shows
 * it ("Capturing discarded batches for an Amazon MSK event source", "S3
 * destination example invocation record"), written here independently of
 * local/esm/failure-record.ts so that the tests check one against the other.
 * Strict: no member AWS does not write.
 */
export const awsKafkaS3FailureRecordSchema = z.strictObject({
  requestContext: z.strictObject({
    requestId: z.string().min(1),
    functionArn: z.string().regex(/^arn:aws:lambda:[^:]+:\d{12}:function:[^:]+$/),
    condition: z.enum([
      'RetryAttemptsExhausted',
      'MaximumPayloadSizeExceeded',
      'RecordAgeExceeded',
    ]),
    approximateInvokeCount: z.number().int().min(0),
  }),
  // "null if record is MaximumPayloadSizeExceeded"
  responseContext: z
    .strictObject({
      statusCode: z.number().int(),
      executedVersion: z.string(),
      functionError: z.string().optional(),
    })
    .nullable(),
  version: z.literal('1.0'),
  timestamp: isoTime,
  KafkaBatchInfo: z.strictObject({
    batchSize: z.number().int().min(1),
    eventSourceArn: z.string().regex(/^arn:aws:kafka:/),
    bootstrapServers: z.string(),
    payloadSize: z.number().int().min(1),
    recordsInfo: z.record(
      z.string().regex(/^.+-\d+$/),
      z.strictObject({
        firstRecordOffset: offset,
        lastRecordOffset: offset,
        firstRecordTimestamp: isoTime,
        lastRecordTimestamp: isoTime,
      }),
    ),
  }),
  // "the original invocation record as an escaped JSON string" (only in S3)
  payload: z.string(),
});

export type AwsKafkaS3FailureRecord = z.output<typeof awsKafkaS3FailureRecordSchema>;

/** The S3 key layout AWS documents for stream sources, with `<topic>-<partition>` for the shard. */
export const AWS_FAILURE_KEY =
  /^aws\/lambda\/[0-9a-f-]{36}\/(.+-\d+)\/(\d{4})\/(\d{2})\/(\d{2})\/\2-\3-\4T\d{2}\.\d{2}\.\d{2}-[0-9a-f-]{36}$/;
