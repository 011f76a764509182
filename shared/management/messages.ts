import { randomUUID } from 'node:crypto';
import type { Admin, IHeaders, Kafka } from 'kafkajs';
import * as z from 'zod';
import { lazy } from '../lazy';
import { UnprocessableEntityError } from '../http/errors';
import { topicWatermarks } from '../kafka/offsets';
import { readPartition, ReadStop } from '../kafka/partition-reader';
import type { ReadRecord } from '../kafka/partition-reader';
import { BROWSE_GROUP_PREFIX } from '../platform/queries';
import { UnknownTopicError } from './errors';

/**
 * `GET /topics/{name}/messages`: browse one partition from an offset or a
 * time, as kafbat UI and Confluent's console do, bounded so the answer
 * fits in API Gateway's limits: at most {@link MAX_BROWSE_LIMIT} records,
 * {@link BROWSE_MAX_BYTES} of keys, values and headers, and
 * {@link BROWSE_TIMEOUT_MS} (API Gateway cuts an integration at 30 s; a
 * group join on MSK alone waits `group.initial.rebalance.delay.ms`, 3 s).
 */

/** Records of one page when `limit` is not given. */
export const DEFAULT_BROWSE_LIMIT = 20;
/** Most records of one page. */
export const MAX_BROWSE_LIMIT = 100;
/** Most bytes of keys, values and headers of one page (base64 adds a third; Lambda answers up to 6 MB). */
export const BROWSE_MAX_BYTES = 1024 * 1024;
/** Longest read, join of the throw-away group included. */
export const BROWSE_TIMEOUT_MS = 8000;

const decimal = (what: string, digits: number) =>
  z
    .string()
    .regex(new RegExp(`^\\d{1,${digits}}$`), `must be a decimal ${what}`)
    .transform(Number);

/** Query of GET /topics/{name}/messages (unknown parameters refused, as unknown body fields). */
export const browseQuerySchema = lazy(() =>
  z
    .strictObject({
      partition: decimal('partition number', 9).meta({ description: 'the partition to read' }),
      offset: decimal('offset', 16).optional().meta({
        description:
          'first offset to read, clamped to the retained range; without offset and timestamp, the oldest retained',
      }),
      timestamp: z
        .union([
          decimal('epoch milliseconds', 15),
          z.iso
            .datetime({ offset: true })
            .transform((s) => Date.parse(s))
            .pipe(z.number().int().min(0, 'must be at or after 1970-01-01T00:00:00Z')),
        ])
        .optional()
        .meta({
          description:
            'epoch milliseconds or ISO-8601 date-time: from the first record at or after it (not with offset)',
        }),
      limit: z
        .string()
        .regex(/^\d{1,4}$/, 'must be a decimal count')
        .default(String(DEFAULT_BROWSE_LIMIT))
        .transform(Number)
        .pipe(z.number().int().min(1).max(MAX_BROWSE_LIMIT))
        .meta({
          description: `most records of the page, 1 to ${MAX_BROWSE_LIMIT} (a page also stops at 1 MiB and 8 s)`,
        }),
    })
    .refine((q) => q.offset === undefined || q.timestamp === undefined, {
      message: 'give offset or timestamp, not both',
      path: ['timestamp'],
    }),
);
export type BrowseQuery = z.output<ReturnType<typeof browseQuerySchema>>;

/** How a key, value or header value is written: JSON (values only), UTF-8 text, or base64 of the bytes. */
export const Encoding = { Json: 'json', Utf8: 'utf8', Base64: 'base64' } as const;
export type Encoding = (typeof Encoding)[keyof typeof Encoding];

/** One record as the API answers it. */
export interface BrowsedRecord {
  readonly partition: number;
  readonly offset: string;
  /** ISO-8601, from the record's Kafka timestamp. */
  readonly timestamp: string;
  readonly key: string | null;
  readonly keyEncoding: Encoding | null;
  readonly headers: readonly { name: string; value: string; encoding: Encoding }[];
  /** The parsed JSON when the value is JSON, else the bytes in base64. */
  readonly value: unknown;
  readonly valueEncoding: Encoding | null;
}

/** A page of records (answer-schemas.ts `messagePageSchema`). */
export interface BrowsePage {
  readonly topic: string;
  readonly partition: number;
  readonly fromOffset: string;
  /** The offset to ask next (`offset=` of the next page). */
  readonly nextOffset: string;
  readonly lowOffset: string;
  readonly highOffset: string;
  /** Why the page ended before the high watermark: `limit`, `bytes` or `time`; null at the end. */
  readonly truncated: 'limit' | 'bytes' | 'time' | null;
  readonly records: readonly BrowsedRecord[];
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

const textOf = (bytes: Buffer): string | undefined => {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
};

/** Integers JSON.parse would round (beyond 2^53): such a value is answered in base64, exactly. */
const roundsIntegers = (json: string): boolean =>
  (json.replace(/"(?:[^"\\]|\\.)*"/g, '""').match(/(?<![.\deE])-?\d{16,}/g) ?? []).some(
    (n) => !Number.isSafeInteger(Number(n)),
  );

const valueOf = (bytes: Buffer | null): Pick<BrowsedRecord, 'value' | 'valueEncoding'> => {
  if (bytes === null) return { value: null, valueEncoding: null };
  const text = textOf(bytes);
  if (text !== undefined && !roundsIntegers(text))
    try {
      return { value: JSON.parse(text) as unknown, valueEncoding: Encoding.Json };
    } catch {
      // not JSON: base64 below
    }
  return { value: bytes.toString('base64'), valueEncoding: Encoding.Base64 };
};

const textOrBase64 = (bytes: Buffer): { value: string; encoding: Encoding } => {
  const text = textOf(bytes);
  return text === undefined
    ? { value: bytes.toString('base64'), encoding: Encoding.Base64 }
    : { value: text, encoding: Encoding.Utf8 };
};

const headersOf = (headers: IHeaders): BrowsedRecord['headers'] =>
  Object.entries(headers).flatMap(([name, v]) =>
    (Array.isArray(v) ? v : [v]).flatMap((one) =>
      one === undefined
        ? []
        : [{ name, ...textOrBase64(Buffer.isBuffer(one) ? one : Buffer.from(one)) }],
    ),
  );

/**
 * A record as the API answers it.
 *
 * @example
 * ```ts
 * browsedRecord(0, record).valueEncoding; // 'json'
 * ```
 */
export const browsedRecord = (partition: number, r: ReadRecord): BrowsedRecord => {
  const key = r.key === null ? null : textOrBase64(r.key);
  return {
    partition,
    offset: r.offset,
    timestamp: new Date(Number(r.timestamp)).toISOString(),
    key: key?.value ?? null,
    keyEncoding: key?.encoding ?? null,
    headers: headersOf(r.headers),
    ...valueOf(r.value),
  };
};

/** Collaborators of {@link browseMessages}. */
export interface BrowseDependencies {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly timeoutMs?: number;
  /** The throw-away group's id. @default `BROWSE_GROUP_PREFIX` + a random UUID */
  readonly groupId?: () => string;
}

/**
 * One page of a partition's records from an offset (clamped to the retained
 * range), a time (the first record at or after it) or the oldest retained.
 *
 * @example
 * ```ts
 * const page = await browseMessages(deps, 'orders', { partition: 0, offset: 100, limit: 20 });
 * ```
 */
export const browseMessages = async (
  deps: BrowseDependencies,
  topic: string,
  query: BrowseQuery,
): Promise<BrowsePage> => {
  if (!(await deps.admin.listTopics()).includes(topic)) throw new UnknownTopicError(topic);
  const marks = await topicWatermarks(deps.admin, topic);
  const mark = marks.find((m) => m.partition === query.partition);
  if (mark === undefined)
    throw new UnprocessableEntityError(
      [
        {
          path: 'query.partition',
          message: `topic "${topic}" has partitions 0 to ${marks.length - 1}`,
        },
      ],
      'unknown partition',
    );
  let from = mark.low;
  if (query.offset !== undefined) from = Math.min(Math.max(query.offset, mark.low), mark.high);
  if (query.timestamp !== undefined) {
    const found = await deps.admin.fetchTopicOffsetsByTimestamp(topic, query.timestamp);
    const offset = Number(found.find((f) => f.partition === query.partition)?.offset ?? -1);
    // No record at or after the time: the end of the partition.
    from = offset < 0 ? mark.high : Math.min(Math.max(offset, mark.low), mark.high);
  }
  const to = Math.min(mark.high, from + query.limit);
  const groupId = deps.groupId?.() ?? `${BROWSE_GROUP_PREFIX}${randomUUID()}`;
  let read: Awaited<ReturnType<typeof readPartition>>;
  try {
    read = await readPartition(deps.kafka, {
      topic,
      partition: query.partition,
      from,
      to,
      groupId,
      maxRecords: query.limit,
      maxBytes: BROWSE_MAX_BYTES,
      timeoutMs: deps.timeoutMs ?? BROWSE_TIMEOUT_MS,
    });
  } finally {
    if (from < to) await deps.admin.deleteGroups([groupId]).catch(() => undefined);
  }
  const last = read.records.at(-1);
  const next =
    read.stoppedBy === ReadStop.End ? to : last === undefined ? from : Number(last.offset) + 1;
  return {
    topic,
    partition: query.partition,
    fromOffset: String(from),
    nextOffset: String(next),
    lowOffset: String(mark.low),
    highOffset: String(mark.high),
    truncated:
      next >= mark.high ? null : read.stoppedBy === ReadStop.End ? 'limit' : read.stoppedBy,
    records: read.records.map((r) => browsedRecord(query.partition, r)),
  };
};
