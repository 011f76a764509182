import { randomUUID } from 'node:crypto';
import { DiscardReason } from './delivery';
import type { DiscardDetails } from './delivery';
import { buildMskEvent, partitionKey } from './msk-event';
import type { EventSourceInfo, PendingRecord } from './msk-event';

/**
 * Why Lambda gave a Kafka batch up, as its invocation record names it.
 * `RetryAttemptsExhausted` and `MaximumPayloadSizeExceeded` are the values
 * of the Lambda developer guide's Kafka example ("Capturing discarded
 * batches for an Amazon MSK event source"); `RecordAgeExceeded` is what
 * LocalStack's stream poller writes for MaximumRecordAgeInSeconds
 * (localstack-core .../event_source_mapping/pollers/stream_poller.py,
 * snapshot-tested against AWS), the guide naming no value for it.
 */
export const FailureCondition = {
  RetryAttemptsExhausted: 'RetryAttemptsExhausted',
  MaximumPayloadSizeExceeded: 'MaximumPayloadSizeExceeded',
  RecordAgeExceeded: 'RecordAgeExceeded',
} as const;
export type FailureCondition = (typeof FailureCondition)[keyof typeof FailureCondition];

/** Offsets and times of the given-up records of one `"<topic>-<partition>"`. */
export interface KafkaRecordsInfo {
  readonly firstRecordOffset: string;
  readonly lastRecordOffset: string;
  readonly firstRecordTimestamp: string;
  readonly lastRecordTimestamp: string;
}

/**
 * The JSON document Lambda writes to an S3 on-failure destination for a
 * Kafka (MSK or self-managed) batch it gave up, field for field as the
 * Lambda developer guide shows it ("S3 destination example invocation
 * record" of "Capturing discarded batches for an Amazon MSK event
 * source"): the SNS/SQS invocation record (request and response context,
 * `KafkaBatchInfo` with `recordsInfo` per topic-partition) plus `payload`,
 * the whole invocation event as an escaped JSON string.
 */
export interface KafkaFailureRecord {
  readonly requestContext: {
    readonly requestId: string;
    readonly functionArn: string;
    readonly condition: FailureCondition;
    readonly approximateInvokeCount: number;
  };
  /** null when the function was never invoked (AWS: MaximumPayloadSizeExceeded). */
  readonly responseContext: {
    readonly statusCode: number;
    readonly executedVersion: string;
    readonly functionError?: string;
  } | null;
  readonly version: '1.0';
  readonly timestamp: string;
  readonly KafkaBatchInfo: {
    readonly batchSize: number;
    readonly eventSourceArn: string;
    readonly bootstrapServers: string;
    readonly payloadSize: number;
    readonly recordsInfo: Readonly<Record<string, KafkaRecordsInfo>>;
  };
  readonly payload: string;
}

/** What a given-up batch is, besides its records. */
export interface GivenUp {
  readonly reason: DiscardReason;
  readonly details: DiscardDetails;
  /** The unqualified ARN of the consumer's function. */
  readonly functionArn: string;
  readonly source: EventSourceInfo;
  readonly now: Date;
}

const conditionOf = (reason: DiscardReason, details: DiscardDetails): FailureCondition => {
  if (reason === DiscardReason.RecordAgeExceeded) return FailureCondition.RecordAgeExceeded;
  const last = details.last;
  return last?.kind === 'error' && last.invocation === undefined
    ? FailureCondition.MaximumPayloadSizeExceeded
    : FailureCondition.RetryAttemptsExhausted;
};

const recordsInfoOf = (records: readonly PendingRecord[]): Record<string, KafkaRecordsInfo> => {
  const bounds = new Map<string, { first: PendingRecord; last: PendingRecord }>();
  for (const r of records) {
    const key = partitionKey(r);
    const seen = bounds.get(key);
    if (seen === undefined) bounds.set(key, { first: r, last: r });
    else if (r.offset < seen.first.offset) seen.first = r;
    else if (r.offset > seen.last.offset) seen.last = r;
  }
  const info: Record<string, KafkaRecordsInfo> = {};
  for (const [key, { first, last }] of bounds)
    info[key] = {
      firstRecordOffset: String(first.offset),
      lastRecordOffset: String(last.offset),
      firstRecordTimestamp: new Date(first.timestamp).toISOString(),
      lastRecordTimestamp: new Date(last.timestamp).toISOString(),
    };
  return info;
};

/**
 * The invocation record AWS writes to S3 for records given up, built from
 * what the local ESM knows. Where AWS's document holds what only Lambda
 * knows, the local values are: `requestId` the `awsRequestId` of the last
 * invocation (a fresh UUID when the records were never invoked, e.g. too
 * old from the start); `functionArn` the local function ARN
 * (`arn:aws:lambda:local:000000000000:function:<consumer>`);
 * `approximateInvokeCount` the invocations the records went through;
 * `responseContext` status 200 and version `$LATEST`, with
 * `functionError: "Unhandled"` when the last invocation threw or timed out
 * (none when it returned failures), and null when there was no invocation.
 *
 * @example
 * ```ts
 * const document = buildFailureRecord(records, { reason: 'retries_exhausted', details, functionArn, source, now: new Date() });
 * JSON.parse(document.payload).records; // the batch, as the function received it
 * ```
 */
export const buildFailureRecord = (
  records: readonly PendingRecord[],
  givenUp: GivenUp,
): KafkaFailureRecord => {
  const { details, source } = givenUp;
  const payload = JSON.stringify(buildMskEvent(records, source));
  const invocation = details.last?.invocation;
  return {
    requestContext: {
      requestId: invocation?.requestId ?? randomUUID(),
      functionArn: givenUp.functionArn,
      condition: conditionOf(givenUp.reason, details),
      approximateInvokeCount: details.invocations,
    },
    responseContext:
      invocation === undefined
        ? null
        : {
            statusCode: 200,
            executedVersion: '$LATEST',
            ...(invocation.functionError ? { functionError: invocation.functionError } : {}),
          },
    version: '1.0',
    timestamp: givenUp.now.toISOString(),
    KafkaBatchInfo: {
      batchSize: records.length,
      eventSourceArn: source.eventSourceArn,
      bootstrapServers: source.bootstrapServers,
      payloadSize: Buffer.byteLength(payload),
      recordsInfo: recordsInfoOf(records),
    },
    payload,
  };
};

const pad = (n: number): string => String(n).padStart(2, '0');

/**
 * The S3 object key of an invocation record. AWS documents the layout for
 * stream sources, `aws/lambda/<ESM-UUID>/<shardID>/YYYY/MM/DD/
 * YYYY-MM-DDTHH.MM.SS-<Random UUID>` (Lambda developer guide, Kinesis and
 * DynamoDB on-failure destinations), and none for Kafka: the Kafka
 * counterpart of a shard, the `"<topic>-<partition>"` of the batch's first
 * record (AWS's own record group name), stands in the shard's place. UTC.
 *
 * @example
 * ```ts
 * failureObjectKey('6d1f...', records, new Date('2026-01-02T03:04:05Z'));
 * // 'aws/lambda/6d1f.../orders-0/2026/01/02/2026-01-02T03.04.05-<uuid>'
 * ```
 */
export const failureObjectKey = (
  esmUuid: string,
  records: readonly PendingRecord[],
  now: Date,
  random: () => string = randomUUID,
): string => {
  const first = records[0];
  const group = first === undefined ? 'none' : partitionKey(first);
  const day = `${now.getUTCFullYear()}/${pad(now.getUTCMonth() + 1)}/${pad(now.getUTCDate())}`;
  const time = `${day.replaceAll('/', '-')}T${pad(now.getUTCHours())}.${pad(now.getUTCMinutes())}.${pad(now.getUTCSeconds())}`;
  return `aws/lambda/${esmUuid}/${group}/${day}/${time}-${random()}`;
};
