import type { Admin, Kafka } from 'kafkajs';
import { DlqHeader } from '../../../shared/dlq/headers';
import type { PlatformDefinition } from '../../../shared/platform';
import { localClusterArn } from '../../../local/esm/local-arns';
import { ESM_DISCARD_REASON_HEADER } from '../../../local/esm/on-failure';
import { eventually } from '../../support/eventually';
import { readMessages, testKafka } from '../../support/kafka';
import { committed, platformWith, produce, recordingHandler, sleep, startEsm } from './helpers';

const CONSUMER = 'business-analytics';
const topicOf = (def: PlatformDefinition): string =>
  def.consumers.find((c) => c.name === CONSUMER)?.topics[0] ?? '';
const groupOf = (def: PlatformDefinition): string =>
  def.consumers.find((c) => c.name === CONSUMER)?.consumerGroupId ?? '';
const values = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => ({ value: `v${from + i}`, partition: 0 }));

describe('local ESM semantics on the real broker', () => {
  let kafka: Kafka;
  let admin: Admin;

  beforeAll(async () => {
    kafka = testKafka('esm-semantics');
    admin = kafka.admin();
    await admin.connect();
  });
  afterAll(async () => {
    await admin.disconnect();
  });

  it('delivers batches of at most BatchSize in partition order and commits after success', async () => {
    const def = await platformWith(admin, CONSUMER, {
      batchSize: 40,
      maximumBatchingWindowMs: 100,
    });
    await produce(kafka, topicOf(def), values(130));
    const { handler, calls } = recordingHandler();
    const esm = await startEsm(kafka, def, CONSUMER, handler);
    try {
      await eventually(async () =>
        expect((await committed(admin, groupOf(def), topicOf(def)))[0]).toBe(130),
      );
    } finally {
      await esm.stop();
    }
    for (const call of calls) expect(call.offsets.length).toBeLessThanOrEqual(40);
    expect(calls.flatMap((c) => c.offsets)).toEqual(
      Array.from({ length: 130 }, (_, i) => `${topicOf(def)}-0@${i}`),
    );
  });

  it('retries the whole batch on a function error without committing, until it succeeds', async () => {
    const def = await platformWith(admin, CONSUMER, {
      batchSize: 10,
      maximumBatchingWindowMs: 0,
      maximumRetryAttempts: 10_000,
    });
    await produce(kafka, topicOf(def), values(5));
    let release = false;
    const { handler, calls } = recordingHandler(() => {
      if (!release) throw new Error('downstream is down');
      return { batchItemFailures: [] };
    });
    const esm = await startEsm(kafka, def, CONSUMER, handler);
    try {
      await eventually(async () => expect(calls.length).toBeGreaterThanOrEqual(3));
      expect((await committed(admin, groupOf(def), topicOf(def)))[0]).toBe(-1);
      for (const call of calls) expect(call.offsets).toEqual(calls[0]?.offsets);
      release = true;
      await eventually(async () =>
        expect((await committed(admin, groupOf(def), topicOf(def)))[0]).toBe(5),
      );
    } finally {
      await esm.stop();
    }
  });

  it('gives up after MaximumRetryAttempts and writes the records to the on-failure topic', async () => {
    const def = await platformWith(
      admin,
      CONSUMER,
      {
        batchSize: 10,
        maximumBatchingWindowMs: 0,
        maximumRetryAttempts: 2,
        onFailureTopic: 'esm.failures',
      },
      ['esm.failures'],
    );
    const failures = def.consumers.find((c) => c.name === CONSUMER)?.onFailureTopic ?? '';
    await produce(
      kafka,
      topicOf(def),
      values(3).map((m) => ({ ...m, key: 'k', headers: { h: 'x' } })),
    );
    const { handler, calls } = recordingHandler(() => {
      throw new Error('always fails');
    });
    const esm = await startEsm(kafka, def, CONSUMER, handler);
    try {
      await eventually(async () =>
        expect((await committed(admin, groupOf(def), topicOf(def)))[0]).toBe(3),
      );
    } finally {
      await esm.stop();
    }
    expect(calls).toHaveLength(3); // first attempt + 2 retries
    const out = await readMessages(kafka, [failures], 3);
    expect(out.map((m) => m.message.value?.toString())).toEqual(['v0', 'v1', 'v2']);
    const headers = out[0]?.message.headers ?? {};
    expect(headers.h?.toString()).toBe('x');
    expect(headers[DlqHeader.OriginalTopic]?.toString()).toBe(topicOf(def));
    expect(headers[DlqHeader.OriginalOffset]?.toString()).toBe('0');
    expect(headers[DlqHeader.ErrorMessage]?.toString()).toBe('always fails');
    expect(headers[ESM_DISCARD_REASON_HEADER]?.toString()).toBe('retries_exhausted');
  });

  it('bisects a failing batch so only the poison record is given up', async () => {
    const def = await platformWith(
      admin,
      CONSUMER,
      {
        batchSize: 8,
        maximumBatchingWindowMs: 300,
        maximumRetryAttempts: 0,
        bisectBatchOnFunctionError: true,
        onFailureTopic: 'esm.failures',
      },
      ['esm.failures'],
    );
    const failures = def.consumers.find((c) => c.name === CONSUMER)?.onFailureTopic ?? '';
    await produce(kafka, topicOf(def), values(8));
    const handled: string[] = [];
    const { handler, calls } = recordingHandler((event) => {
      const vs = Object.values(event.records)
        .flat()
        .map((r) => Buffer.from(r.value, 'base64').toString());
      if (vs.includes('v5')) throw new Error('poison v5');
      handled.push(...vs);
      return { batchItemFailures: [] };
    });
    const esm = await startEsm(kafka, def, CONSUMER, handler);
    try {
      await eventually(async () =>
        expect((await committed(admin, groupOf(def), topicOf(def)))[0]).toBe(8),
      );
    } finally {
      await esm.stop();
    }
    expect(handled).toEqual(['v0', 'v1', 'v2', 'v3', 'v4', 'v6', 'v7']);
    expect(calls.map((c) => c.offsets.length)).toEqual([8, 4, 4, 2, 1, 1, 2]);
    const out = await readMessages(kafka, [failures], 1);
    expect(out.map((m) => m.message.value?.toString())).toEqual(['v5']);
  });

  it('retries a partition from its lowest reported batch item failure', async () => {
    const def = await platformWith(admin, CONSUMER, {
      batchSize: 10,
      maximumBatchingWindowMs: 300,
    });
    const topic = topicOf(def);
    await produce(kafka, topic, values(6));
    const { handler, calls } = recordingHandler((_event, call) =>
      call === 1
        ? {
            batchItemFailures: [
              { itemIdentifier: { partition: `${topic}-0`, offset: 3 } },
              { itemIdentifier: { partition: `${topic}-0`, offset: 4 } },
            ],
          }
        : { batchItemFailures: [] },
    );
    const esm = await startEsm(kafka, def, CONSUMER, handler);
    try {
      await eventually(async () =>
        expect((await committed(admin, groupOf(def), topic))[0]).toBe(6),
      );
    } finally {
      await esm.stop();
    }
    expect(calls.map((c) => c.offsets.map((o) => Number(o.split('@')[1])))).toEqual([
      [0, 1, 2, 3, 4, 5],
      [3, 4, 5],
    ]);
  });

  it('fails the whole batch when batchItemFailures names a record not in the batch', async () => {
    const def = await platformWith(admin, CONSUMER, {
      batchSize: 10,
      maximumBatchingWindowMs: 300,
    });
    const topic = topicOf(def);
    await produce(kafka, topic, values(2));
    const { handler, calls } = recordingHandler((_event, call) =>
      call === 1
        ? { batchItemFailures: [{ itemIdentifier: { partition: `${topic}-0`, offset: 99 } }] }
        : null,
    );
    const esm = await startEsm(kafka, def, CONSUMER, handler);
    try {
      await eventually(async () =>
        expect((await committed(admin, groupOf(def), topic))[0]).toBe(2),
      );
    } finally {
      await esm.stop();
    }
    expect(calls.map((c) => c.offsets.length)).toEqual([2, 2]);
  });

  it('gives records older than MaximumRecordAge to the on-failure topic without invoking', async () => {
    const def = await platformWith(
      admin,
      CONSUMER,
      {
        batchSize: 10,
        maximumBatchingWindowMs: 0,
        maximumRecordAgeSeconds: 60,
        onFailureTopic: 'esm.failures',
      },
      ['esm.failures'],
    );
    const failures = def.consumers.find((c) => c.name === CONSUMER)?.onFailureTopic ?? '';
    const old = String(Date.now() - 3_600_000);
    await produce(kafka, topicOf(def), [
      { value: 'old', partition: 0, timestamp: old },
      { value: 'new', partition: 0 },
    ]);
    const { handler, calls } = recordingHandler();
    const esm = await startEsm(kafka, def, CONSUMER, handler);
    try {
      await eventually(async () =>
        expect((await committed(admin, groupOf(def), topicOf(def)))[0]).toBe(2),
      );
    } finally {
      await esm.stop();
    }
    expect(
      calls.flatMap((c) =>
        Object.values(c.event.records)
          .flat()
          .map((r) => Buffer.from(r.value, 'base64').toString()),
      ),
    ).toEqual(['new']);
    const out = await readMessages(kafka, [failures], 1);
    expect(out[0]?.message.headers?.[ESM_DISCARD_REASON_HEADER]?.toString()).toBe(
      'record_age_exceeded',
    );
  });

  it('starts at LATEST only when the group has no offsets, and resumes from its offsets otherwise', async () => {
    const def = await platformWith(admin, CONSUMER, {
      batchSize: 10,
      maximumBatchingWindowMs: 0,
      startingPosition: 'LATEST',
    });
    await produce(kafka, topicOf(def), values(3));
    const first = recordingHandler();
    let esm = await startEsm(kafka, def, CONSUMER, first.handler);
    // LATEST resolves when the mapping first fetches: produce markers until one arrives.
    let produced = 3;
    try {
      await eventually(
        async () => {
          if (first.calls.length === 0) {
            await produce(kafka, topicOf(def), [{ value: `marker-${produced}`, partition: 0 }]);
            produced += 1;
          }
          expect(first.calls.length).toBeGreaterThan(0);
        },
        30_000,
        500,
      );
      await produce(kafka, topicOf(def), values(2, produced));
      produced += 2;
      await eventually(async () =>
        expect((await committed(admin, groupOf(def), topicOf(def)))[0]).toBe(produced),
      );
    } finally {
      await esm.stop();
    }
    const firstSeen = first.calls.flatMap((c) => c.offsets.map((o) => Number(o.split('@')[1])));
    expect(firstSeen.every((offset) => offset >= 3)).toBe(true);
    expect(firstSeen.slice(-2)).toEqual([produced - 2, produced - 1]);
    // TRIM_HORIZON now: ignored, the group has offsets.
    const trim = {
      ...def,
      consumers: def.consumers.map((c) => ({ ...c, startingPosition: 'TRIM_HORIZON' as const })),
    };
    await produce(kafka, topicOf(def), values(1, produced));
    const second = recordingHandler();
    esm = await startEsm(kafka, trim, CONSUMER, second.handler);
    try {
      await eventually(async () =>
        expect((await committed(admin, groupOf(def), topicOf(def)))[0]).toBe(produced + 1),
      );
    } finally {
      await esm.stop();
    }
    expect(second.calls.flatMap((c) => c.offsets.map((o) => Number(o.split('@')[1])))).toEqual([
      produced,
    ]);
  });

  it('pauses by leaving the group (no active member) and resumes from the committed offsets', async () => {
    const def = await platformWith(admin, CONSUMER, { batchSize: 10, maximumBatchingWindowMs: 0 });
    const { handler, calls } = recordingHandler();
    const esm = await startEsm(kafka, def, CONSUMER, handler);
    try {
      expect(esm.owns(groupOf(def))).toBe(true);
      expect(esm.owns('someone-else')).toBe(false);
      await esm.pause(groupOf(def));
      const { groups } = await admin.describeGroups([groupOf(def)]);
      expect(groups[0]?.members).toHaveLength(0);
      await produce(kafka, topicOf(def), values(2));
      await sleep(500);
      expect(calls).toHaveLength(0);
      await esm.resume(groupOf(def));
      await eventually(async () => expect(calls.flatMap((c) => c.offsets)).toHaveLength(2));
    } finally {
      await esm.stop();
    }
  });

  it("runs one mapping per topic of a multi-topic consumer, each with its own group and the cluster's ARN", async () => {
    const def = await platformWith(admin, 'system-monitoring', {
      batchSize: 10,
      maximumBatchingWindowMs: 0,
    });
    const consumer = def.consumers.find((c) => c.name === 'system-monitoring');
    const topics = consumer?.topics ?? [];
    const { handler, calls } = recordingHandler();
    const esm = await startEsm(kafka, def, 'system-monitoring', handler);
    try {
      const groups = topics.map((t) => `${consumer?.consumerGroupId}.${t}`);
      expect(esm.esms.map((e) => e.groupId)).toEqual(groups);
      for (const group of groups) expect(esm.owns(group)).toBe(true);
      for (const topic of topics) await produce(kafka, topic, [{ value: topic }]);
      await eventually(async () => expect(calls).toHaveLength(3));
      for (const call of calls) expect(Object.keys(call.event.records)).toHaveLength(1);
      // As in AWS, every mapping of the cluster carries the cluster's ARN, from its cluster id.
      const { clusterId } = await admin.describeCluster();
      expect(new Set(calls.map((c) => c.event.eventSourceArn))).toEqual(
        new Set([localClusterArn(def.name, clusterId)]),
      );
      expect(calls[0]?.event.eventSourceArn).toMatch(
        /^arn:aws:kafka:local:000000000000:cluster\/xseven-events\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-1$/,
      );
    } finally {
      await esm.stop();
    }
    // Another consumer's mapping, started on its own: the same ARN.
    const other = recordingHandler();
    const otherEsm = await startEsm(kafka, def, CONSUMER, other.handler);
    try {
      await produce(kafka, topicOf(def), [{ value: 'x' }]);
      await eventually(async () => expect(other.calls).toHaveLength(1));
    } finally {
      await otherEsm.stop();
    }
    expect(other.calls[0]?.event.eventSourceArn).toBe(calls[0]?.event.eventSourceArn);
  });

  it('starts AT_TIMESTAMP from the first record at or after the timestamp', async () => {
    const cut = Date.now() - 60_000;
    const def = await platformWith(admin, CONSUMER, {
      batchSize: 10,
      maximumBatchingWindowMs: 0,
      startingPosition: 'AT_TIMESTAMP',
      startingPositionTimestamp: cut,
    });
    await produce(kafka, topicOf(def), [
      { value: 'before-1', partition: 0, timestamp: String(cut - 20_000) },
      { value: 'before-2', partition: 0, timestamp: String(cut - 10_000) },
      { value: 'after-1', partition: 0, timestamp: String(cut + 10_000) },
      { value: 'after-2', partition: 0 },
    ]);
    const { handler, calls } = recordingHandler();
    const esm = await startEsm(kafka, def, CONSUMER, handler);
    try {
      await eventually(async () =>
        expect((await committed(admin, groupOf(def), topicOf(def)))[0]).toBe(4),
      );
    } finally {
      await esm.stop();
    }
    const seen = calls.flatMap((c) =>
      Object.values(c.event.records)
        .flat()
        .map((r) => Buffer.from(r.value, 'base64').toString()),
    );
    expect(seen).toEqual(['after-1', 'after-2']);
  });
});
