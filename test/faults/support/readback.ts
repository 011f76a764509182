import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { EventHeader } from '../../../shared/events';
import type { SentEvent } from './load';

/**
 * Every record of `topics`, read from the beginning up to the high
 * watermark of each partition (read_committed): how often each event id
 * (the `ce_id` header) is in them.
 */
export const readEventIds = async (
  bootstrap: string,
  topics: readonly string[],
  timeoutMs = 120_000,
): Promise<Map<string, number>> => {
  const kafka = new Kafka({
    clientId: 'fault-readback',
    brokers: bootstrap.split(','),
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  const remaining = new Map<string, bigint>();
  try {
    for (const topic of topics)
      for (const p of await admin.fetchTopicOffsets(topic))
        if (BigInt(p.high) > BigInt(p.low))
          remaining.set(`${topic}/${p.partition}`, BigInt(p.high));
  } finally {
    await admin.disconnect();
  }
  const counts = new Map<string, number>();
  if (remaining.size === 0) return counts;
  const consumer = kafka.consumer({ groupId: `readback-${randomUUID()}`, readUncommitted: false });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`read back not complete: ${[...remaining.keys()].join(', ')}`)),
        timeoutMs,
      );
      void consumer.run({
        eachBatch: async ({ batch }) => {
          const key = `${batch.topic}/${batch.partition}`;
          for (const message of batch.messages) {
            const id = message.headers?.[EventHeader.Id]?.toString() ?? '(no id)';
            counts.set(id, (counts.get(id) ?? 0) + 1);
            const high = remaining.get(key);
            if (high !== undefined && BigInt(message.offset) + 1n >= high) remaining.delete(key);
          }
          if (remaining.size === 0) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return counts;
};

/** What the read-back says about the events a load sent. */
export interface LossReport {
  readonly sent: number;
  readonly acked: number;
  readonly refused: number;
  /** Answered 503 DELIVERY_TIMEOUT: may or may not be written (either is true to the answer). */
  readonly uncertain: number;
  /** Of those, in the topics (once: more would be in `duplicated`). */
  readonly uncertainWritten: number;
  readonly unknown: number;
  /** Answers other than 200, 207 and 503, by `status code` (an item's own status in a 207). */
  readonly errors: Record<string, number>;
  /** Acknowledged, but not in the topics. */
  readonly lost: string[];
  /** In the topics more than once. */
  readonly duplicated: string[];
  /** Refused with a 503 saying nothing was published, yet in the topics. */
  readonly refusedButWritten: string[];
}

export const lossReport = (
  events: readonly SentEvent[],
  counts: Map<string, number>,
): LossReport => {
  const of = (o: SentEvent['outcome']) => events.filter((e) => e.outcome === o);
  return {
    sent: events.length,
    acked: of('acked').length,
    refused: of('refused').length,
    uncertain: of('uncertain').length,
    uncertainWritten: of('uncertain').filter((e) => (counts.get(e.id) ?? 0) > 0).length,
    unknown: of('unknown').length,
    errors: of('error').reduce<Record<string, number>>((by, e) => {
      const key = `${e.answer.status} ${e.answer.code ?? ''}`.trim();
      by[key] = (by[key] ?? 0) + 1;
      return by;
    }, {}),
    lost: of('acked')
      .filter((e) => (counts.get(e.id) ?? 0) === 0)
      .map((e) => e.id),
    duplicated: events.filter((e) => (counts.get(e.id) ?? 0) > 1).map((e) => e.id),
    refusedButWritten: of('refused')
      .filter((e) => (counts.get(e.id) ?? 0) > 0)
      .map((e) => e.id),
  };
};

/** The answers that are neither 200, 207 nor 503, for the figures table ('' when none). */
export const otherAnswers = (errors: Record<string, number>): string => {
  const rows = Object.entries(errors).map(([answer, n]) => `${n} x ${answer}`);
  return rows.length === 0 ? '' : `, other answers: ${rows.join(', ')}`;
};
