import { KafkaJSConnectionError, KafkaJSProtocolError, KafkaJSRequestTimeoutError } from 'kafkajs';
import type {
  Kafka,
  Producer,
  ProducerBatch,
  ProducerConfig as KafkajsProducerConfig,
  RecordMetadata,
} from 'kafkajs';
import { KafkaUnavailableError } from '../../../shared/errors';
import { DeliveryTimeoutError } from '../../../shared/kafka/errors';
import { ProducerSendError } from '../../../shared/kafka/producer-errors';
import { KafkaProducer } from '../../../shared/kafka/producer';
import { loadProducerConfig } from '../../../shared/kafka/producer-config';
import type { ProducerConfig } from '../../../shared/kafka/producer-config';
import { virtualClock } from '../../support/virtual-clock';
import type { VirtualClock } from '../../support/virtual-clock';

const PARTITIONS = [0, 1, 2].map((partitionId) => ({
  partitionId,
  leader: 0,
  partitionErrorCode: 0,
  replicas: [0],
  isr: [0],
}));

/** A kafkajs error as the protocol layer builds it from an error code. */
const protocolError = (type: string): KafkaJSProtocolError =>
  new KafkaJSProtocolError({ type, code: 0, retriable: false, message: type } as unknown as Error);

/** One produce request the double received. */
interface Attempt {
  readonly session: number;
  readonly partition: number;
  readonly values: string[];
}

/** How the double answers a request: an error, a promise of its own, or (undefined) an offset. */
type Script = (attempt: Attempt, index: number) => Error | Promise<never> | undefined;

/**
 * A kafkajs client double: each producer() is a new session (producer id);
 * each sendBatch is one produce request of one or more partitions (the
 * producer puts the partitions of one turn in one request) and answers as
 * kafkajs does: the script is asked per partition, the first error fails
 * the whole request, else every partition gets base offset 100. With
 * `brokers: 'per-partition'` each partition has its own leader, as the
 * patched kafkajs answers a request spanning brokers: every broker's part
 * settles, and a failed request carries the answers of the partitions
 * written (`producedBeforeFailure`); with one broker a failure fails all.
 */
const fakeKafka = (
  script: Script,
  refuseConnect: (session: number) => boolean = () => false,
  brokers: 'one' | 'per-partition' = 'one',
) => {
  const state = {
    sessions: 0,
    disconnects: 0,
    attempts: [] as Attempt[],
    /** The partitions of each request, in order. */
    requests: [] as number[][],
    inFlight: 0,
    maxInFlight: 0,
  };
  const producer = (_config?: KafkajsProducerConfig): Producer => {
    state.sessions += 1;
    const session = state.sessions;
    const fake: Partial<Producer> = {
      connect: () =>
        refuseConnect(session)
          ? Promise.reject(new KafkaJSConnectionError('Connection error: connect ECONNREFUSED'))
          : Promise.resolve(),
      disconnect: () => {
        state.disconnects += 1;
        return Promise.resolve();
      },
      sendBatch: async ({ topicMessages = [] }: ProducerBatch): Promise<RecordMetadata[]> => {
        const byPartition = new Map<number, string[]>();
        for (const { topic, messages } of topicMessages) {
          expect(topic).toBe('t');
          for (const m of messages as { partition?: number; value: unknown }[]) {
            const values = byPartition.get(m.partition ?? -1) ?? [];
            values.push(String(m.value));
            byPartition.set(m.partition ?? -1, values);
          }
        }
        const partitions = [...byPartition.keys()];
        state.requests.push(partitions);
        const answers = [...byPartition].map(([partition, values]) => {
          const attempt: Attempt = { session, partition, values };
          state.attempts.push(attempt);
          return script(attempt, state.attempts.length - 1);
        });
        state.inFlight += 1;
        state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
        const written = (partition: number): RecordMetadata => ({
          topicName: 't',
          partition,
          errorCode: 0,
          baseOffset: '100',
        });
        try {
          if (brokers === 'per-partition') {
            const settled = await Promise.allSettled(
              answers.map((a) => (a instanceof Error ? Promise.reject(a) : a)),
            );
            const failed = settled.find((r) => r.status === 'rejected');
            if (failed === undefined) return partitions.map(written);
            throw Object.assign(failed.reason as Error, {
              producedBeforeFailure: partitions
                .filter((_, i) => settled[i]?.status === 'fulfilled')
                .map(written),
            });
          }
          const error = answers.find((a): a is Error => a instanceof Error);
          if (error) throw error;
          await Promise.all(answers);
          return partitions.map(written);
        } finally {
          state.inFlight -= 1;
        }
      },
    };
    return fake as Producer;
  };
  const kafka: Partial<Kafka> = { producer };
  return { kafka: kafka as Kafka, state };
};

/** Waits until the double has received `n` requests (a later send then gets a request of its own). */
const requestsOut = async (state: { requests: unknown[] }, n: number): Promise<void> => {
  while (state.requests.length < n) await new Promise((resolve) => process.nextTick(resolve));
};

const producerOf = (kafka: Kafka, clock: VirtualClock, overrides: Partial<ProducerConfig> = {}) =>
  new KafkaProducer({
    kafka,
    config: { ...loadProducerConfig({}), lingerMs: 0, ...overrides },
    clock,
    random: () => 0,
    partitionMetadata: (topics) => Promise.resolve(new Map(topics.map((t) => [t, PARTITIONS]))),
  });

/** One record per partition of topic 't' (kafkajs' murmur2 of these keys: 0, 1 and 2). */
const spread = [0, 1, 2].map((partition) => ({
  topic: 't',
  key: `k${partition}`,
  value: String(partition),
  partition,
}));

/** A promise that settles when the test says. */
const deferred = () => {
  let resolve: () => void = () => undefined;
  const promise = new Promise<never>((r) => {
    resolve = () => r(undefined as never);
  });
  return { promise, resolve };
};

describe('KafkaProducer: per-partition sends, re-sending only what Kafka did not acknowledge', () => {
  it('sends the partitions of one call in one produce request, each partition once', async () => {
    const { kafka, state } = fakeKafka(() => undefined);

    const positions = await producerOf(kafka, virtualClock()).send(spread);

    expect(positions.map((p) => p.partition)).toEqual([0, 1, 2]);
    expect(state.requests).toEqual([[0, 1, 2]]);
  });

  it.each([
    ['a lost connection', new KafkaJSConnectionError('Connection error: read ECONNRESET')],
    ['a leader that moved', new KafkaJSProtocolError('NOT_LEADER_OR_FOLLOWER')],
  ])(
    '%s in a shared request: each of its partitions is re-sent alone at once, the same records on the same session (Kafka deduplicates those it wrote)',
    async (_, error) => {
      const { kafka, state } = fakeKafka((attempt, i) => (i === 0 ? error : undefined));
      const clock = virtualClock();

      const positions = await producerOf(kafka, clock).send(spread);

      expect(positions.map((p) => p.partition)).toEqual([0, 1, 2]);
      expect(state.requests).toEqual([[0, 1, 2], [0], [1], [2]]);
      expect(state.attempts.map((a) => a.session)).toEqual([1, 1, 1, 1, 1, 1]);
      expect(state.disconnects).toBe(0);
      expect(clock.slept).toEqual([]);
    },
  );

  it('a shared request spanning brokers fails on one: the partitions the others wrote keep their answers and are never sent again; the failed one is re-sent alone on its session', async () => {
    const { kafka, state } = fakeKafka(
      (attempt) =>
        attempt.partition === 1 && state.requests.length === 1
          ? new KafkaJSConnectionError('Connection error: read ECONNRESET')
          : undefined,
      undefined,
      'per-partition',
    );
    const clock = virtualClock();

    const positions = await producerOf(kafka, clock).send(spread);

    expect(positions).toEqual(
      [0, 1, 2].map((partition) => ({ topic: 't', partition, offset: '100' })),
    );
    // Partitions 0 and 2 were written by the shared request: a re-send would get new sequence numbers.
    expect(state.requests).toEqual([[0, 1, 2], [1]]);
    expect(new Set(state.attempts.map((a) => a.session))).toEqual(new Set([1]));
    expect(clock.slept).toEqual([]);
  });

  it('a shared request spanning brokers that may have written a partition and gives up: only that partition fails ("may or may not") and moves to a new session; the ones written are reported written', async () => {
    const timedOut = (): Error =>
      new KafkaJSRequestTimeoutError('Request Produce(key: 0, version: 7) timed out');
    const { kafka, state } = fakeKafka(
      (attempt) => (attempt.partition === 1 && attempt.session === 1 ? timedOut() : undefined),
      undefined,
      'per-partition',
    );
    const producer = producerOf(kafka, virtualClock(), { retries: 1 });

    const outcomes = await producer.sendEach(spread);

    expect(outcomes[0]).toEqual({
      ok: true,
      position: { topic: 't', partition: 0, offset: '100' },
    });
    expect(outcomes[2]).toEqual({
      ok: true,
      position: { topic: 't', partition: 2, offset: '100' },
    });
    expect(outcomes[1]).toMatchObject({ ok: false, error: expect.any(DeliveryTimeoutError) });
    // The shared request; partition 1 alone at once, then once more after a backoff: same records, same session.
    expect(state.requests).toEqual([[0, 1, 2], [1], [1]]);
    expect(
      state.attempts.filter((a) => a.partition === 1).map((a) => [a.session, a.values]),
    ).toEqual([
      [1, ['1']],
      [1, ['1']],
      [1, ['1']],
    ]);

    // Given up after a try that may have been written: its next records never reuse those sequence numbers.
    await producer.send([{ ...spread[1]!, value: 'next' }]);
    expect(state.attempts.at(-1)).toEqual({ session: 2, partition: 1, values: ['next'] });
  });

  it("a shared request spanning brokers that fails after the deadline: a partition without an answer is taken as possibly written, whatever another broker's error says", async () => {
    const clock = virtualClock();
    const { kafka, state } = fakeKafka(
      (attempt) =>
        attempt.session > 1
          ? undefined
          : attempt.partition === 0
            ? protocolError('MESSAGE_TOO_LARGE') // partition 0's broker refuses at once
            : attempt.partition === 1
              ? clock.sleep(25_000).then(() => {
                  // partition 1's broker times out after the 20 s deadline: it may hold the records
                  throw new KafkaJSRequestTimeoutError(
                    'Request Produce(key: 0, version: 7) timed out',
                  );
                })
              : undefined,
      undefined,
      'per-partition',
    );
    const producer = producerOf(kafka, clock);

    const outcomes = await producer.sendEach(spread);
    expect(outcomes[1]).toMatchObject({ ok: false, error: expect.any(DeliveryTimeoutError) });

    // Partition 1's next records wait for its lane, then go on a new session: never its old sequence numbers.
    await producer.send([{ ...spread[1]!, value: 'next' }]);
    expect(state.requests).toEqual([[0, 1, 2], [1]]);
    expect(state.attempts.at(-1)).toEqual({ session: 2, partition: 1, values: ['next'] });
  });

  it.each([
    ['a lost connection', new KafkaJSConnectionError('Connection error: read ECONNRESET')],
    ['a leader that moved', new KafkaJSProtocolError('NOT_LEADER_OR_FOLLOWER')],
  ])(
    '%s on a partition sent alone: only the failed partition is re-sent, after a backoff, on the same producer session',
    async (_, error) => {
      // The shared request fails (partition 0), then partition 0 alone once more.
      const { kafka, state } = fakeKafka((attempt, i) =>
        attempt.partition === 0 && i < 4 ? error : undefined,
      );
      const clock = virtualClock();

      const positions = await producerOf(kafka, clock).send(spread);

      expect(positions.map((p) => p.partition)).toEqual([0, 1, 2]);
      expect(state.requests).toEqual([[0, 1, 2], [0], [1], [2], [0]]);
      expect(new Set(state.attempts.map((a) => a.session))).toEqual(new Set([1]));
      expect(state.disconnects).toBe(0);
      expect(clock.slept).toEqual([100]);
    },
  );

  it.each([
    'OUT_OF_ORDER_SEQUENCE_NUMBER',
    'UNKNOWN_PRODUCER_ID',
    'INVALID_PRODUCER_EPOCH',
    'INVALID_PRODUCER_ID_MAPPING',
    'PRODUCER_FENCED',
  ])(
    '%s (session refused, batch unwritten): that partition is re-sent on a new producer session, the others of its shared request stay',
    async (type) => {
      const { kafka, state } = fakeKafka((attempt) =>
        attempt.partition === 1 && attempt.session === 1 ? protocolError(type) : undefined,
      );

      const positions = await producerOf(kafka, virtualClock()).send(spread);

      expect(positions).toHaveLength(3);
      // The shared request, each partition alone (partition 1 refused again), partition 1 on a new session.
      expect(state.attempts.map((a) => [a.partition, a.session])).toEqual([
        [0, 1],
        [1, 1],
        [2, 1],
        [0, 1],
        [1, 1],
        [2, 1],
        [1, 2],
      ]);
      expect(state.disconnects).toBe(1);
    },
  );

  it('a refusal for good (record too large) is not retried and keeps the session', async () => {
    const { kafka, state } = fakeKafka(() => protocolError('MESSAGE_TOO_LARGE'));

    await expect(producerOf(kafka, virtualClock()).send([spread[0]!])).rejects.toBeInstanceOf(
      ProducerSendError,
    );
    expect(state.attempts).toHaveLength(1);
    expect(state.sessions).toBe(1);
    expect(state.disconnects).toBe(0);
  });

  it('a partition that stays down fails alone: sendEach reports the others written, send throws', async () => {
    const refused = new KafkaJSConnectionError('Connection error: connect ECONNREFUSED', {
      code: 'ECONNREFUSED',
    } as never);
    const { kafka, state } = fakeKafka((attempt) =>
      attempt.partition === 1 ? refused : undefined,
    );
    const clock = virtualClock();
    const producer = producerOf(kafka, clock, { retries: 2 });

    const outcomes = await producer.sendEach(spread);

    expect(outcomes.map((o) => o.ok)).toEqual([true, false, true]);
    // kafkajs refreshes its metadata after a failed request and a refused connection there
    // replaces the request's own failure: the records may have been written.
    expect(outcomes[1]).toMatchObject({ ok: false, error: expect.any(DeliveryTimeoutError) });
    // The shared request, then alone at once and twice again after a backoff.
    expect(state.attempts.filter((a) => a.partition === 1)).toHaveLength(4);
    // The shared request, then alone: written, never re-sent after.
    expect(state.attempts.filter((a) => a.partition !== 1)).toHaveLength(4);
    expect(new Set(state.attempts.filter((a) => a.partition === 1).map((a) => a.session))).toEqual(
      new Set([1]),
    );
    await expect(producer.send(spread)).rejects.toBeInstanceOf(DeliveryTimeoutError);
  });

  it('a producer that cannot connect sent nothing: a plain 503 (not written), and the next send connects again', async () => {
    const { kafka, state } = fakeKafka(
      () => undefined,
      (session) => session <= 3,
    );
    const producer = producerOf(kafka, virtualClock(), { retries: 2 });

    await expect(producer.send([spread[0]!])).rejects.toBeInstanceOf(KafkaUnavailableError);
    expect(state.attempts).toHaveLength(0);
    expect(state.sessions).toBe(3);

    await expect(producer.send([spread[0]!])).resolves.toHaveLength(1);
    expect(state.attempts.map((a) => a.session)).toEqual([4]);
  });

  it('retries that run out after a request that may have been written fail as a delivery timeout ("may or may not")', async () => {
    const { kafka } = fakeKafka((attempt, i) =>
      i === 0
        ? new KafkaJSRequestTimeoutError('Request Produce(key: 0, version: 7) timed out')
        : protocolError('NOT_LEADER_OR_FOLLOWER'),
    );
    const producer = producerOf(kafka, virtualClock(), { retries: 1 });

    const [outcome] = await producer.sendEach([spread[0]!]);

    expect(outcome).toMatchObject({
      ok: false,
      error: expect.any(DeliveryTimeoutError),
    });
    expect((outcome as { error: DeliveryTimeoutError }).error.details.reason).toBe('unconfirmed');
  });

  it('one request in flight per partition: a second call to the same partition waits for the first', async () => {
    const first = deferred();
    const { kafka, state } = fakeKafka((attempt, i) => (i === 0 ? first.promise : undefined));
    const clock = virtualClock();
    const producer = producerOf(kafka, clock);

    const a = producer.send([spread[0]!]);
    // Once a's request is out, b queues behind it (made in the same turn, it would join it)
    // and c gets its own (made in the same turn as a, it would share a's request).
    await requestsOut(state, 1);
    const b = producer.send([{ ...spread[0]!, value: 'second' }]);
    const c = producer.send([spread[1]!]);
    await c; // another partition is not held up
    expect(state.attempts.map((x) => x.values[0])).toEqual(['0', '1']);
    first.resolve();
    await Promise.all([a, b]);

    expect(state.attempts.map((x) => x.values[0])).toEqual(['0', '1', 'second']);
    expect(state.maxInFlight).toBe(2);
  });

  it('answers within the delivery timeout: a request still in flight fails as "may or may not be written", one that never started as not written', async () => {
    const stuck = deferred();
    const { kafka, state } = fakeKafka((attempt, i) => (i === 0 ? stuck.promise : undefined));
    const clock = virtualClock();
    const producer = producerOf(kafka, clock, { deliveryTimeoutMs: 20_000 });

    const inFlight = producer.sendEach([spread[0]!]);
    await requestsOut(state, 1);
    const queued = producer.sendEach([{ ...spread[0]!, value: 'queued' }]);
    const [timedOut] = await inFlight;
    const [neverSent] = await queued;

    expect(clock.now()).toBe(20_000);
    expect(timedOut).toMatchObject({ ok: false, error: expect.any(DeliveryTimeoutError) });
    expect((timedOut as { error: DeliveryTimeoutError }).error.details.reason).toBe('deadline');
    expect(neverSent).toMatchObject({ ok: false, error: expect.any(KafkaUnavailableError) });
    expect(neverSent).not.toMatchObject({ error: expect.any(DeliveryTimeoutError) });

    // The cancelled request is never sent, even once the lane frees up.
    stuck.resolve();
    await producer.send([{ ...spread[0]!, value: 'later' }]);
    expect(state.attempts.map((x) => x.values[0])).toEqual(['0', 'later']);
  });
});

describe('KafkaProducer: never reuses the sequence numbers of a request that may have been written (kafkajs steps them back)', () => {
  const timedOut = (): Error =>
    new KafkaJSRequestTimeoutError('Request Produce(key: 0, version: 7) timed out');

  it('re-sends exactly the same records on the same session until Kafka answers, whatever the later failures say', async () => {
    const { kafka, state } = fakeKafka((attempt, i) =>
      i === 0
        ? timedOut()
        : i === 1
          ? new KafkaJSProtocolError({
              type: 'NOT_LEADER_OR_FOLLOWER',
              code: 6,
              retriable: true,
              message: 'NOT_LEADER_OR_FOLLOWER',
            } as unknown as Error)
          : undefined,
    );
    const producer = producerOf(kafka, virtualClock(), { retries: 3 });
    const records = [spread[0]!, { ...spread[0]!, value: 'b' }];

    await producer.send(records);

    expect(state.attempts).toEqual([
      { session: 1, partition: 0, values: ['0', 'b'] },
      { session: 1, partition: 0, values: ['0', 'b'] },
      { session: 1, partition: 0, values: ['0', 'b'] },
    ]);
  });

  it('after records that may have been written were given up, the partition sends its next records on a new session (new producer id)', async () => {
    // Attempts 0-1: the first call's request times out twice (the leader may hold it), retries run out.
    const { kafka, state } = fakeKafka((attempt, i) => (i <= 1 ? timedOut() : undefined));
    const producer = producerOf(kafka, virtualClock(), { retries: 1 });

    const [first] = await producer.sendEach([spread[0]!]);
    expect(first).toMatchObject({ ok: false, error: expect.any(DeliveryTimeoutError) });

    // Other partitions keep the session; the tainted one moves to a new one with its next records.
    await producer.send([spread[1]!]);
    await producer.send([{ ...spread[0]!, value: 'next' }]);
    await producer.send([spread[2]!]);

    expect(state.attempts.map((a) => [a.partition, a.values[0], a.session])).toEqual([
      [0, '0', 1],
      [0, '0', 1],
      [1, '1', 1],
      [0, 'next', 2],
      [2, '2', 2],
    ]);
    // The old session is closed once nothing runs on it.
    expect(state.disconnects).toBe(1);
  });

  it('a new session never cuts requests in flight on the old one: they finish there, then it closes', async () => {
    const slow = deferred();
    const { kafka, state } = fakeKafka((attempt, i) =>
      i === 0 ? slow.promise : i === 1 ? protocolError('UNKNOWN_PRODUCER_ID') : undefined,
    );
    const producer = producerOf(kafka, virtualClock());

    const inFlight = producer.send([spread[0]!]);
    await requestsOut(state, 1);
    await producer.send([spread[1]!]); // refused on session 1, written on session 2
    expect(state.disconnects).toBe(0);
    slow.resolve();
    await inFlight;

    expect(state.attempts.map((a) => [a.partition, a.session])).toEqual([
      [0, 1],
      [1, 1],
      [1, 2],
    ]);
    expect(state.disconnects).toBe(1);
  });

  it('a refused session after a try that may have been written is not re-sent on a new one (it could be written twice): "may or may not"', async () => {
    const { kafka, state } = fakeKafka((attempt, i) =>
      i === 0 ? timedOut() : i === 1 ? protocolError('OUT_OF_ORDER_SEQUENCE_NUMBER') : undefined,
    );
    const producer = producerOf(kafka, virtualClock());

    const [outcome] = await producer.sendEach([spread[0]!]);

    expect(outcome).toMatchObject({ ok: false, error: expect.any(DeliveryTimeoutError) });
    expect(state.attempts.map((a) => a.session)).toEqual([1, 1]);
  });

  it('a refusal that proves nothing was written (record too large) keeps the partition on its session', async () => {
    const { kafka, state } = fakeKafka((attempt, i) =>
      i === 0 ? protocolError('MESSAGE_TOO_LARGE') : undefined,
    );
    const producer = producerOf(kafka, virtualClock());

    await expect(producer.send([spread[0]!])).rejects.toBeInstanceOf(ProducerSendError);
    await producer.send([{ ...spread[0]!, value: 'small' }]);

    expect(state.attempts.map((a) => a.session)).toEqual([1, 1]);
  });
});
