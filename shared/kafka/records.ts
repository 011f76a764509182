/**
 * The record shapes of the Kafka client layer: what the producer writes
 * ({@link OutgoingRecord}), where it landed ({@link RecordPosition}) and one
 * header of a consumed record ({@link RecordHeader}), and their size in
 * bytes ({@link recordBytes}). Every area writes records in these shapes,
 * whatever client sends them.
 */

/** A header value as written: text, bytes, or repeated values. */
export type HeaderValue = string | Buffer | (string | Buffer)[];

/** One record to write. */
export interface OutgoingRecord {
  readonly topic: string;
  /** Chooses the partition (murmur2, as the Java client); null spreads records round-robin. */
  readonly key: string | Buffer | null;
  /** `null` writes a tombstone. */
  readonly value: string | Buffer | null;
  readonly headers?: Readonly<Record<string, HeaderValue>>;
  /** A fixed partition (the key then only travels with the record). */
  readonly partition?: number;
  /** Record time, epoch milliseconds as a decimal string. @default the send time */
  readonly timestamp?: string;
}

const bytesOf = (data: string | Buffer | null | undefined): number =>
  data === null || data === undefined ? 0 : Buffer.byteLength(data);

/**
 * Bytes of a record as a produce request carries them: key, value, header
 * names and values (what the broker's message size limit counts, framing
 * aside). One count for the producer's lingering and joined requests, the
 * partition reader's page bound and publishEvents' chunks (framing added).
 *
 * @example
 * ```ts
 * recordBytes({ key: 'k', value: '{}', headers: { ce_id: 'e1' } }); // 10
 * ```
 */
export const recordBytes = (record: {
  readonly key?: string | Buffer | null;
  readonly value: string | Buffer | null;
  readonly headers?: Readonly<Record<string, HeaderValue | undefined>>;
}): number => {
  let bytes = bytesOf(record.key) + bytesOf(record.value);
  for (const name in record.headers) {
    const header = record.headers[name];
    bytes +=
      name.length +
      (Array.isArray(header) ? header.reduce((n, v) => n + bytesOf(v), 0) : bytesOf(header));
  }
  return bytes;
};

/** {@link recordBytes} of several records together. */
export const recordsBytes = (records: readonly OutgoingRecord[]): number =>
  records.reduce((n, record) => n + recordBytes(record), 0);

/** A record whose topic is chosen by the code that sends it (e.g. a DLQ record). */
export type OutgoingMessage = Omit<OutgoingRecord, 'topic'>;

/** Where a record was written. `offset` is a decimal string (Kafka offsets are 64-bit). */
export interface RecordPosition {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/** One header of a consumed record, bytes decoded. Order and duplicates are kept. */
export interface RecordHeader {
  readonly name: string;
  readonly value: Buffer;
}

/** What sends records: the {@link KafkaProducer} of shared/kafka/producer.ts, or a test double. */
export interface RecordSender {
  readonly send: (records: readonly OutgoingRecord[]) => Promise<RecordPosition[]>;
}
