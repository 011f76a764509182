import * as z from 'zod';
import { lazy } from '../lazy';
import type { MSKEvent } from 'aws-lambda';
import { ValidationError } from '../errors';
import type { RecordHeader } from '../kafka/records';
import { bytesOf, decodeBase64Strict } from './byte-arena';
import { RecordDeserializationError } from './errors';

/** Event sources that deliver the MSK event shape. */
export const KafkaEventSource = {
  Msk: 'aws:kafka',
  SelfManaged: 'SelfManagedKafka',
} as const;
export type KafkaEventSource = (typeof KafkaEventSource)[keyof typeof KafkaEventSource];

/**
 * The raw (still encoded) MSK / self-managed Kafka event, as Lambda delivers
 * it. No transforms: bytes are decoded by {@link decodeRecord}, so that a
 * poison record fails alone instead of failing the whole event.
 */
export const mskEventSchema = lazy(() =>
  z.object({
    eventSource: z.enum([KafkaEventSource.Msk, KafkaEventSource.SelfManaged]),
    eventSourceArn: z.string().optional(),
    bootstrapServers: z.string().nullish(),
    // Each group must be an array; its records are checked one by one by
    // decodeRecord (so a malformed record fails alone, and the hot path does
    // not walk every record twice).
    records: z.record(
      z.string(),
      z.custom<unknown[]>((v) => Array.isArray(v), 'must be an array of records'),
    ),
  }),
);

/** The coordinates of a record: without them it cannot even be dead-lettered. */
const coordinatesSchema = lazy(() =>
  z.object({
    topic: z.string().min(1),
    partition: z.number().int().min(0),
    offset: z.number().int().min(0),
  }),
);

/**
 * Header bytes: AWS's poller is Java, whose bytes are signed (-128..127);
 * unsigned 0..255 is accepted too.
 */
const headerBytesSchema = lazy(() => z.array(z.number().int().min(-128).max(255)));

const payloadSchema = lazy(() =>
  z.object({
    timestamp: z.number(),
    timestampType: z.string().default('CREATE_TIME'),
    key: z.string().nullish(),
    value: z.string().nullish(),
    headers: z.array(z.record(z.string(), headerBytesSchema())).nullish(),
  }),
);

/** A record of an MSK event with key, value and header bytes decoded. */
export interface DecodedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
  readonly timestampType: string;
  /** `null` when the record has no key. */
  readonly key: Buffer | null;
  /** `null` for a tombstone. */
  readonly value: Buffer | null;
  readonly headers: readonly RecordHeader[];
}

/** A record whose coordinates are known but whose bytes did not decode. */
export interface UndecodableRecord {
  readonly record: DecodedRecord;
  readonly error: RecordDeserializationError;
}

/** Strict base64 of a key or value: `null` when absent, `undefined` when not base64. */
const tryBase64 = (text: string | null | undefined): Buffer | null | undefined =>
  text == null ? null : decodeBase64Strict(text);

const decodeBase64 = (text: string, field: string): Buffer => {
  const buffer = tryBase64(text);
  if (!buffer) throw new RecordDeserializationError(`record ${field} is not valid base64`);
  return buffer;
};

/**
 * Header bytes as a Buffer (a slice of a byte arena). The low 8 bits are kept, so signed
 * Java bytes (-61) and unsigned ones (195) give the same byte.
 *
 * @example
 * ```ts
 * headerBytes([-61, -87]).toString(); // 'é'
 * ```
 */
export const headerBytes = (bytes: readonly number[]): Buffer => bytesOf(bytes);

const rawHeaders = (
  headers: readonly Record<string, readonly number[]>[] | null | undefined,
): RecordHeader[] => {
  const out: RecordHeader[] = [];
  for (const header of headers ?? [])
    for (const name in header) out.push({ name, value: headerBytes(header[name] ?? []) });
  return out;
};

/**
 * Iterates the records of an MSK event in delivery order ("topic-partition"
 * groups, each in offset order).
 *
 * @example
 * ```ts
 * for (const raw of eventRecords(event)) decodeRecord(raw);
 * ```
 */
export const eventRecords = (event: Pick<MSKEvent, 'records'>): unknown[] =>
  Object.values(event.records).flat();

/**
 * Decodes one raw record: base64 key and value, header byte arrays
 * (tolerating signed bytes). Returns the decoded record, or the record's
 * salvageable bytes with a {@link RecordDeserializationError} when its bytes
 * are not decodable. Throws a ValidationError when the record lacks its
 * coordinates (topic, partition, offset): such an event is not from Kafka.
 *
 * @example
 * ```ts
 * const out = decodeRecord({ topic: 't', partition: 0, offset: 1, timestamp: 0,
 *   timestampType: 'CREATE_TIME', value: 'eyJhIjoxfQ==', headers: [] });
 * if ('error' in out) dlq(out); else out.value?.toString(); // '{"a":1}'
 * ```
 */
export const decodeRecord = (raw: unknown): DecodedRecord | UndecodableRecord => {
  // Hot path: a well-formed record (every record AWS sends) skips the zod
  // parse; anything else goes through the schemas, which name the problem.
  if (isWellFormed(raw)) return decodeFields(raw);
  const coordinates = coordinatesSchema().safeParse(raw);
  if (!coordinates.success)
    throw new ValidationError(
      `malformed MSK record: ${coordinates.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  const { topic, partition, offset } = coordinates.data;
  const payload = payloadSchema().safeParse(raw);
  if (!payload.success) {
    const fallback = raw as { timestamp?: unknown };
    return {
      record: {
        topic,
        partition,
        offset,
        timestamp: typeof fallback.timestamp === 'number' ? fallback.timestamp : 0,
        timestampType: 'CREATE_TIME',
        key: null,
        value: Buffer.from(JSON.stringify(raw)),
        headers: [],
      },
      error: new RecordDeserializationError(
        `malformed record: ${payload.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      ),
    };
  }
  return decodeFields({ topic, partition, offset, ...payload.data });
};

/** A record whose fields have the right types (bytes not decoded yet). */
interface RawRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
  readonly timestampType: string;
  readonly key?: string | null | undefined;
  readonly value?: string | null | undefined;
  readonly headers?: readonly Record<string, readonly number[]>[] | null | undefined;
}

const isByte = (b: unknown): boolean =>
  typeof b === 'number' && Number.isInteger(b) && b >= -128 && b <= 255;
const isNat = (n: unknown): boolean => typeof n === 'number' && Number.isInteger(n) && n >= 0;
const isOptionalString = (s: unknown): boolean => s == null || typeof s === 'string';

/** The same rules as the zod schemas above, as plain checks (a subset: when in doubt, zod decides). */
const isWellFormed = (raw: unknown): raw is RawRecord => {
  if (typeof raw !== 'object' || raw === null) return false;
  const r = raw as Record<string, unknown>;
  if (typeof r.topic !== 'string' || r.topic === '' || !isNat(r.partition) || !isNat(r.offset))
    return false;
  if (typeof r.timestamp !== 'number' || typeof r.timestampType !== 'string') return false;
  if (!isOptionalString(r.key) || !isOptionalString(r.value)) return false;
  if (r.headers == null) return true;
  if (!Array.isArray(r.headers)) return false;
  for (const header of r.headers as unknown[]) {
    if (typeof header !== 'object' || header === null || Array.isArray(header)) return false;
    for (const name in header) {
      const bytes = (header as Record<string, unknown>)[name];
      if (!Array.isArray(bytes)) return false;
      for (let i = 0; i < bytes.length; i += 1) if (!isByte(bytes[i])) return false;
    }
  }
  return true;
};

/** Decodes base64, or keeps the text's own bytes (all there is of the original) with the error. */
const decodeOrKeep = (
  text: string | null | undefined,
  field: string,
): { bytes: Buffer | null; error?: RecordDeserializationError } => {
  if (text == null) return { bytes: null };
  try {
    return { bytes: decodeBase64(text, field) };
  } catch (error) {
    return { bytes: Buffer.from(text), error: error as RecordDeserializationError };
  }
};

const decodeFields = (raw: RawRecord): DecodedRecord | UndecodableRecord => {
  // Hot path: both fields decode, no intermediate objects.
  const keyBytes = tryBase64(raw.key);
  const valueBytes = tryBase64(raw.value);
  if (keyBytes !== undefined && valueBytes !== undefined)
    return {
      topic: raw.topic,
      partition: raw.partition,
      offset: raw.offset,
      timestamp: raw.timestamp,
      timestampType: raw.timestampType,
      key: keyBytes,
      value: valueBytes,
      headers: rawHeaders(raw.headers),
    };
  const key = decodeOrKeep(raw.key, 'key');
  const value = decodeOrKeep(raw.value, 'value');
  const record: DecodedRecord = {
    topic: raw.topic,
    partition: raw.partition,
    offset: raw.offset,
    timestamp: raw.timestamp,
    timestampType: raw.timestampType,
    key: key.bytes,
    value: value.bytes,
    headers: rawHeaders(raw.headers),
  };
  const error = value.error ?? key.error;
  return error === undefined ? record : { record, error };
};

/**
 * Validates the outer shape of an MSK event (not its records).
 *
 * @example
 * ```ts
 * const event = parseMskEvent(input); // throws ValidationError if not an MSK event
 * ```
 */
export const parseMskEvent = (input: unknown): z.output<ReturnType<typeof mskEventSchema>> => {
  const parsed = mskEventSchema().safeParse(input);
  if (!parsed.success)
    throw new ValidationError(
      `not an MSK event: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
    );
  return parsed.data;
};
