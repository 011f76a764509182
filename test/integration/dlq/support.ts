import { randomUUID } from 'node:crypto';
import type { Admin, IHeaders, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { DELIVERY_ATTEMPT_HEADER, DlqHeader } from '../../../shared/dlq/headers';
import { headerBuffers } from '../../../shared/dlq/record';
import { nextRetryTime, policyFor } from '../../../shared/dlq/retry-policy';
import { loadPlatformDefinition, platform, withNamespace } from '../../../shared/platform';
import type { PlatformDefinition, RetryPolicy } from '../../../shared/platform';
import { provisionTopics } from '../../../local/provision';
import { uniquePrefix } from '../../support/kafka';

/** A namespaced, provisioned definition whose default DLQ policy is `policy`. */
export const dlqPlatform = async (
  admin: Admin,
  policy: RetryPolicy,
  overrides: Partial<PlatformDefinition['dlq']> = {},
): Promise<PlatformDefinition> => {
  const base = withNamespace(platform, uniquePrefix('dlq'));
  const def = loadPlatformDefinition({
    ...base,
    dlq: { ...base.dlq, defaultPolicy: policy, ...overrides },
  });
  await provisionTopics(admin, def);
  return def;
};

/** What a failing consumer knows about the record it failed. */
export interface Failure {
  readonly topic: string;
  readonly partition: number;
  readonly message: Pick<KafkaMessage, 'key' | 'value' | 'headers' | 'offset' | 'timestamp'>;
  readonly category?: string;
  readonly errorMessage?: string;
  readonly eventId?: string;
  readonly handler?: string;
  readonly at?: Date;
}

/**
 * Writes a failed record to the DLQ in the header format of
 * shared/dlq/headers.ts, as the consumers' DLQ writer does: original key,
 * value and headers kept, attempt = the delivery attempt that failed,
 * next-retry time from the definition's policy.
 */
export const writeFailure = async (
  producer: Producer,
  def: PlatformDefinition,
  failure: Failure,
): Promise<void> => {
  const all = headerBuffers(failure.message.headers);
  const original = Object.fromEntries(
    Object.entries(all).filter(([name]) => !name.startsWith('xseven-dlq-')),
  );
  const attempt = Number(original[DELIVERY_ATTEMPT_HEADER]?.toString() ?? '1');
  const at = failure.at ?? new Date();
  const category = failure.category ?? 'processing';
  const next = nextRetryTime(
    policyFor(def.dlq, { topic: failure.topic, category }),
    attempt,
    at,
    () => 0,
  );
  const headers: IHeaders = {
    ...original,
    [DlqHeader.OriginalTopic]: failure.topic,
    [DlqHeader.OriginalPartition]: String(failure.partition),
    [DlqHeader.OriginalOffset]: failure.message.offset,
    [DlqHeader.OriginalTimestamp]: new Date(Number(failure.message.timestamp)).toISOString(),
    [DlqHeader.Category]: category,
    [DlqHeader.Handler]: failure.handler ?? 'test-handler',
    [DlqHeader.ErrorMessage]: failure.errorMessage ?? 'handler failed',
    [DlqHeader.Attempt]: String(attempt),
    [DlqHeader.FirstFailureTime]: all[DlqHeader.FirstFailureTime]?.toString() ?? at.toISOString(),
    [DlqHeader.LastFailureTime]: at.toISOString(),
    ...(next ? { [DlqHeader.NextRetryTime]: next.toISOString() } : {}),
    ...(failure.eventId ? { [DlqHeader.EventId]: failure.eventId } : {}),
  };
  await producer.send({
    topic: def.dlq.topic,
    acks: -1,
    messages: [{ key: failure.message.key, value: failure.message.value, headers }],
  });
};

/** A DLQ record for an original record that never existed on its topic (for direct tests). */
export const syntheticFailure = (
  topic: string,
  id: string,
  extra: Partial<Failure> & { readonly headers?: IHeaders } = {},
): Failure => ({
  topic,
  partition: 0,
  eventId: id,
  message: {
    key: Buffer.from(`key-${id}`),
    value: Buffer.from(JSON.stringify({ id })),
    headers: { 'x-trace': `trace-${id}`, ...extra.headers },
    offset: '0',
    timestamp: String(Date.now()),
  },
  ...extra,
});

/** Options of {@link readAll}. */
export interface ReadOptions {
  readonly timeoutMs?: number;
  /** Also see records of open and aborted transactions. @default false */
  readonly readUncommitted?: boolean;
  /**
   * Records the caller knows were committed: a transaction's records reach
   * read_committed readers only once its markers are written, a moment
   * after its commit returned (longer on a busy machine), so the read waits
   * for the last stable offsets to move until there are at least this many
   * (or the timeout passes, leaving the assertion to say what is missing).
   * @default 0
   */
  readonly atLeast?: number;
}

type Read = { topic: string; partition: number; message: KafkaMessage };

const stableOffsets = async (
  admin: Admin,
  topics: readonly string[],
): Promise<Map<string, number>> => {
  const marks = new Map<string, number>();
  for (const topic of topics)
    for (const mark of await admin.fetchTopicOffsets(topic))
      marks.set(`${topic}:${mark.partition}`, Number(mark.high));
  return marks;
};

const readUpTo = async (
  kafka: Kafka,
  admin: Admin,
  topics: readonly string[],
  targets: ReadonlyMap<string, number>,
  options: ReadOptions,
): Promise<Read[]> => {
  const out: Read[] = [];
  if ([...targets.values()].every((high) => high === 0)) return out;
  const groupId = `read-all-${randomUUID()}`;
  const consumer = kafka.consumer({
    groupId,
    readUncommitted: options.readUncommitted ?? false,
    maxWaitTimeInMs: 100,
  });
  const reached = new Map<string, number>();
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`readAll: timeout, reached ${JSON.stringify([...reached])}`)),
        options.timeoutMs ?? 20_000,
      );
      const check = (): void => {
        if ([...targets].every(([k, high]) => high === 0 || (reached.get(k) ?? 0) >= high)) {
          clearTimeout(timer);
          resolve();
        }
      };
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
        const k = `${payload.topic}:${payload.partition}`;
        reached.set(k, Math.max(reached.get(k) ?? 0, Number(payload.lastOffset) + 1));
        check();
      });
      void consumer.run({
        eachMessage: async ({ topic, partition, message }) => {
          out.push({ topic, partition, message });
        },
      });
    });
  } finally {
    await consumer.disconnect();
    await admin.deleteGroups([groupId]).catch(() => undefined);
  }
  return out.filter(
    (r) => Number(r.message.offset) < (targets.get(`${r.topic}:${r.partition}`) ?? 0),
  );
};

const sameOffsets = (a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): boolean =>
  [...b].every(([k, high]) => a.get(k) === high);

/**
 * Every record of `topics` visible to a read_committed reader, once the
 * last stable offsets no longer move (transaction markers are written just
 * after a commit returns) and, with `atLeast`, once that many are visible.
 */
export const readAll = async (
  kafka: Kafka,
  admin: Admin,
  topics: readonly string[],
  options: ReadOptions = {},
): Promise<Read[]> => {
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  let targets = await stableOffsets(admin, topics);
  for (;;) {
    const records = await readUpTo(kafka, admin, topics, targets, options);
    let after = await stableOffsets(admin, topics);
    if (sameOffsets(targets, after) && records.length < (options.atLeast ?? 0))
      // Markers still to come: wait for the stable offsets to move.
      while (sameOffsets(targets, after) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        after = await stableOffsets(admin, topics);
      }
    if (sameOffsets(targets, after)) return records;
    targets = after;
  }
};

/** A header of a read message as a string. */
export const header = (message: KafkaMessage, name: string): string | undefined => {
  const value = message.headers?.[name];
  const last = Array.isArray(value) ? value[value.length - 1] : value;
  return last === undefined ? undefined : last.toString();
};

/** A scheduled-invocation context with `ms` remaining. */
export const invocation = (ms = 30_000) => {
  const end = Date.now() + ms;
  return { getRemainingTimeInMillis: () => end - Date.now() };
};
