import type { MSKEvent, MSKRecord } from 'aws-lambda';
import type { IHeaders } from 'kafkajs';

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
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value])
      out.push({ [name]: signedBytes(Buffer.isBuffer(v) ? v : Buffer.from(v)) });
  }
  return out;
};

/**
 * One record in AWS's MSK event shape: base64 key (absent when the record
 * has none) and value, headers as `[{ name: [signed bytes] }]`.
 *
 * @example
 * ```ts
 * toMskRecord(pending).value; // 'eyJpZCI6...'
 * ```
 */
export const toMskRecord = (record: PendingRecord): MSKRecord => {
  const msk = {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    timestamp: record.timestamp,
    timestampType: record.timestampType,
    ...(record.key === null ? {} : { key: record.key.toString('base64') }),
    value: record.value === null ? '' : record.value.toString('base64'),
    headers: headerList(record.headers),
  };
  // AWS omits the key of a record without one; @types/aws-lambda declares it always present.
  return msk as MSKRecord;
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
  const groups: Record<string, MSKRecord[]> = {};
  for (const record of records) (groups[partitionKey(record)] ??= []).push(toMskRecord(record));
  for (const group of Object.values(groups)) group.sort((a, b) => a.offset - b.offset);
  return {
    eventSource: 'aws:kafka',
    eventSourceArn: source.eventSourceArn,
    bootstrapServers: source.bootstrapServers,
    records: groups,
  };
};
