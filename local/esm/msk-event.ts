import type { MSKEvent, MSKRecord } from 'aws-lambda';
import type { IHeaders } from 'kafkajs';
import { rememberDecoded } from '../../shared/consumer/known-records';
import type { DecodedRecord } from '../../shared/consumer/msk-record';
import type { RecordHeader } from '../../shared/kafka/records';

/** AWS's invocation payload limit (synchronous invoke): 6 MB. */
export const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

/** A record fetched from Kafka, waiting to be delivered. */
export interface PendingRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
  readonly timestampType: MSKRecord['timestampType'];
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: IHeaders;
  /** Upper bound of the bytes this record adds to an event's JSON (see `estimateRecordBytes`). */
  readonly estimatedBytes: number;
}

/** Where the local event says it comes from. */
export interface EventSourceInfo {
  readonly eventSourceArn: string;
  /** Comma-separated, as MSK prints its bootstrap brokers. */
  readonly bootstrapServers: string;
}

/**
 * Bytes as AWS's (Java) poller writes them into the event: signed, -128..127.
 *
 * @example
 * ```ts
 * signedBytes(Buffer.from('é')); // [-61, -87]
 * ```
 */
export const signedBytes = (buffer: Buffer): number[] => {
  const out = new Array<number>(buffer.length);
  for (let i = 0; i < buffer.length; i += 1) {
    const b = buffer[i] as number;
    out[i] = b > 127 ? b - 256 : b;
  }
  return out;
};

const headerList = (headers: IHeaders): MSKRecord['headers'] => {
  const out: MSKRecord['headers'] = [];
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value])
      out.push({ [name]: signedBytes(Buffer.isBuffer(v) ? v : Buffer.from(v)) });
  }
  return out;
};

/**
 * An upper bound of the bytes a record adds to the JSON event: base64 of key
 * and value, five characters per (signed) header byte, and the fixed fields.
 * Computed once per record; the exact size is checked only when in doubt.
 *
 * @example
 * ```ts
 * estimateRecordBytes({ topic: 't', key: null, value: Buffer.alloc(300), headers: {} }); // 720
 * ```
 */
export const estimateRecordBytes = (
  r: Pick<PendingRecord, 'topic' | 'key' | 'value' | 'headers'>,
): number => {
  let bytes = 160 + r.topic.length * 2;
  bytes += Math.ceil((r.key?.length ?? 0) / 3) * 4 + Math.ceil((r.value?.length ?? 0) / 3) * 4;
  for (const name in r.headers) {
    const value = r.headers[name];
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value])
      bytes += name.length + 8 + (typeof v === 'string' ? Buffer.byteLength(v) : v.length) * 5;
  }
  return bytes;
};

/**
 * One record in AWS's MSK event shape: base64 key and value, headers as
 * `[{ name: [signed bytes] }]`. AWS leaves out the key of a record without
 * one and the value of a tombstone (a record whose value is null): its
 * record object has no `value` member at all, not `""` nor `null`.
 * aws-lambda-go's `KafkaRecord` declares both `json:"key,omitempty"` and
 * `json:"value,omitempty"` (events/kafka.go), and Powertools' Kafka consumer
 * was fixed for tombstones delivered without `value`
 * (powertools-lambda-typescript #4988, #5016 / PR #5017). Powertools'
 * parser schema `KafkaMskEventSchema` still requires `value`, so it rejects
 * a tombstone event: our own decoder (shared/consumer/msk-record.ts) reads
 * a missing value as null.
 *
 * @example
 * ```ts
 * toMskRecord(pending).value; // 'eyJpZCI6...'
 * 'value' in toMskRecord(tombstone); // false
 * ```
 */
export const toMskRecord = (record: PendingRecord): MSKRecord => {
  // One object literal per shape (no spreads, no added properties): this
  // runs for every delivered record. @types/aws-lambda declares key and
  // value always present, hence the casts of the shapes without them.
  const headers = headerList(record.headers);
  const { key, value } = record;
  if (value === null)
    return (
      key === null
        ? {
            topic: record.topic,
            partition: record.partition,
            offset: record.offset,
            timestamp: record.timestamp,
            timestampType: record.timestampType,
            headers,
          }
        : {
            topic: record.topic,
            partition: record.partition,
            offset: record.offset,
            timestamp: record.timestamp,
            timestampType: record.timestampType,
            key: key.toString('base64'),
            headers,
          }
    ) as MSKRecord;
  if (key === null)
    return {
      topic: record.topic,
      partition: record.partition,
      offset: record.offset,
      timestamp: record.timestamp,
      timestampType: record.timestampType,
      value: value.toString('base64'),
      headers,
    } as MSKRecord;
  return {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    timestamp: record.timestamp,
    timestampType: record.timestampType,
    key: key.toString('base64'),
    value: value.toString('base64'),
    headers,
  };
};

/**
 * The `"<topic>-<partition>"` group of a record, as AWS names it.
 *
 * @example
 * ```ts
 * partitionKey({ topic: 'ai.responses', partition: 4 }); // 'ai.responses-4'
 * ```
 */
export const partitionKey = (r: { topic: string; partition: number }): string =>
  `${r.topic}-${r.partition}`;

/**
 * An upper bound of the fixed part of an event's JSON, besides its records.
 *
 * @example
 * ```ts
 * eventOverheadBytes({ eventSourceArn: 'arn:...', bootstrapServers: 'h:9092' }); // ~110
 * ```
 */
export const eventOverheadBytes = (source: EventSourceInfo): number =>
  Buffer.byteLength(source.eventSourceArn) + Buffer.byteLength(source.bootstrapServers) + 96;

const inOrder = (records: readonly PendingRecord[]): boolean => {
  for (let i = 1; i < records.length; i += 1)
    if ((records[i] as PendingRecord).offset < (records[i - 1] as PendingRecord).offset)
      return false;
  return true;
};

/**
 * A record as the consumer decodes its MSK form: the same bytes, taken from
 * the record instead of decoded back from base64 and signed byte arrays
 * (headers in the order and repetition {@link toMskRecord} writes them).
 */
const decodedOf = (record: PendingRecord): DecodedRecord => {
  const headers: RecordHeader[] = [];
  for (const name in record.headers) {
    const value = record.headers[name];
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value])
      headers.push({ name, value: Buffer.isBuffer(v) ? v : Buffer.from(v) });
  }
  return {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    timestamp: record.timestamp,
    timestampType: record.timestampType,
    key: record.key,
    value: record.value,
    headers,
  };
};

/**
 * Builds the MSK event AWS would deliver for these records: grouped by
 * `"<topic>-<partition>"`, each group in offset order.
 *
 * @example
 * ```ts
 * const event = buildMskEvent(records, { eventSourceArn, bootstrapServers: '127.0.0.1:9092' });
 * Object.keys(event.records); // ['conversation.events-0', 'conversation.events-2']
 * ```
 */
export const buildMskEvent = (
  records: readonly PendingRecord[],
  source: EventSourceInfo,
): MSKEvent => {
  const pending: Record<string, PendingRecord[]> = {};
  // Records come in runs of one partition: name the group once per run.
  let run: PendingRecord[] = [];
  let topic: string | undefined;
  let partition = -1;
  for (const record of records) {
    if (record.partition !== partition || record.topic !== topic) {
      ({ topic, partition } = record);
      run = pending[partitionKey(record)] ??= [];
    }
    run.push(record);
  }
  const groups: Record<string, MSKRecord[]> = {};
  for (const key in pending) {
    const sorted = pending[key] ?? [];
    if (!inOrder(sorted)) sorted.sort((a, b) => a.offset - b.offset);
    const group = sorted.map(toMskRecord);
    // The consumer (shared/consumer) takes these bytes instead of decoding them back.
    rememberDecoded(group, sorted.map(decodedOf));
    groups[key] = group;
  }
  return {
    eventSource: 'aws:kafka',
    eventSourceArn: source.eventSourceArn,
    bootstrapServers: source.bootstrapServers,
    records: groups,
  };
};
