import { KafkaJSConnectionError, KafkaJSProtocolError } from 'kafkajs';
import type { RecordMetadata } from 'kafkajs';
import createSendMessages from 'kafkajs/src/producer/sendMessages';
import createRetry from 'kafkajs/src/retry';
import {
  kafkajsSettlesEveryBrokerRequest,
  producedBeforeFailure,
} from '../../../shared/kafka/kafkajs-patch';
import { silentKafkajsLogger } from '../../support/kafkajs-logger';

/**
 * kafkajs' produce path (src/producer/sendMessages.js) as the project
 * patches it (patches/kafkajs+2.2.4.patch), driven with a fake cluster of
 * brokers and a fake idempotent session: each produce request is recorded
 * with the first sequence number of each of its partitions. kafkajs 2.2.4
 * without the patch fails the first two tests (a partition written twice,
 * with a new sequence number) and the third (a send that gives up while a
 * request is still in flight).
 */

interface Produced {
  readonly broker: number;
  /** [partition, first sequence] of each partition of the request. */
  readonly partitions: [number, number][];
}

interface ProduceRequest {
  readonly topicData: {
    readonly topic: string;
    readonly partitions: { readonly partition: number; readonly firstSequence: number }[];
  }[];
}

/** How a broker answers the n-th produce request it receives (0-based): an error, or a promise of success. */
type BrokerScript = (broker: number, n: number) => Error | Promise<void> | undefined;

/** A lock per broker, as kafkajs' idempotent session holds one produce request per broker. */
class BrokerLock {
  private busy = false;
  private readonly waiting: (() => void)[] = [];

  public async acquire(): Promise<void> {
    if (!this.busy) {
      this.busy = true;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  public release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.busy = false;
  }
}

const silent = silentKafkajsLogger;

/**
 * A send of one record to each partition of `leaders` (partition -> leader
 * broker); `move` is the leaders after kafkajs refreshes its metadata.
 */
const setup = (
  leaders: Record<number, number>,
  script: BrokerScript,
  options: { readonly retries: number; readonly move?: Record<number, number> },
) => {
  let current = leaders;
  const produced: Produced[] = [];
  const received = new Map<number, number>();
  const sequences = new Map<number, number>();
  const locks = new Map<number, BrokerLock>();
  const lockOf = (nodeId: number): BrokerLock => {
    const lock = locks.get(nodeId) ?? new BrokerLock();
    locks.set(nodeId, lock);
    return lock;
  };
  const brokers = new Map<number, object>();
  const brokerOf = (nodeId: number): object => {
    const broker = brokers.get(nodeId) ?? {
      nodeId,
      produce: async ({ topicData }: ProduceRequest) => {
        const n = received.get(nodeId) ?? 0;
        received.set(nodeId, n + 1);
        const [{ topic, partitions }] = topicData as [ProduceRequest['topicData'][number]];
        produced.push({
          broker: nodeId,
          partitions: partitions.map((p) => [p.partition, p.firstSequence]),
        });
        const answer = script(nodeId, n);
        if (answer instanceof Error) throw answer;
        await answer;
        return {
          topics: [
            {
              topicName: topic,
              partitions: partitions.map((p) => ({
                partition: p.partition,
                errorCode: 0,
                baseOffset: String(100 + p.partition),
              })),
            },
          ],
        };
      },
    };
    brokers.set(nodeId, broker);
    return broker;
  };
  const cluster = {
    addMultipleTargetTopics: () => Promise.resolve(),
    refreshMetadataIfNecessary: () => Promise.resolve(),
    refreshMetadata: () => {
      current = options.move ?? current;
      return Promise.resolve();
    },
    isConnected: () => true,
    removeBroker: () => undefined,
    findTopicPartitionMetadata: () =>
      Object.entries(current).map(([partition, leader]) => ({
        partitionId: Number(partition),
        leader,
      })),
    findLeaderForPartitions: (_topic: string, partitions: string[]) => {
      const perLeader: Record<number, number[]> = {};
      for (const partition of partitions.map(Number)) {
        const leader = current[partition];
        if (leader !== undefined) (perLeader[leader] ??= []).push(partition);
      }
      return perLeader;
    },
    findBroker: ({ nodeId }: { nodeId: number }) => Promise.resolve(brokerOf(Number(nodeId))),
  };
  const eosManager = {
    isTransactional: () => false,
    getProducerId: () => 1,
    getProducerEpoch: () => 0,
    getSequence: (_topic: string, partition: number) => sequences.get(Number(partition)) ?? 0,
    updateSequence: (_topic: string, partition: number, increment: number) => {
      sequences.set(Number(partition), (sequences.get(Number(partition)) ?? 0) + increment);
    },
    acquireBrokerLock: ({ nodeId }: { nodeId: number }) => lockOf(nodeId).acquire(),
    releaseBrokerLock: ({ nodeId }: { nodeId: number }) => lockOf(nodeId).release(),
  };
  const sendMessages = createSendMessages({
    logger: silent,
    cluster,
    partitioner: ({ message }) => message.partition ?? -1,
    eosManager,
    retrier: createRetry({
      retries: options.retries,
      initialRetryTime: 100,
      maxRetryTime: 100,
      factor: 0,
      multiplier: 1,
    }),
  });
  const send = (): Promise<RecordMetadata[]> =>
    sendMessages({
      acks: -1,
      topicMessages: [
        {
          topic: 't',
          messages: Object.keys(leaders).map((p) => ({ partition: Number(p), value: `v${p}` })),
        },
      ],
    });
  return { send, produced, sequences };
};

/** Runs the promise callbacks queued until `done` holds (the fakes answer with promises only). */
const until = async (done: () => boolean): Promise<void> => {
  for (let i = 0; i < 1_000 && !done(); i += 1) await Promise.resolve();
  expect(done()).toBe(true);
};

const deferred = () => {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
};

const connectionLost = (): Error => new KafkaJSConnectionError('Connection error: read ECONNRESET');

beforeEach(() => {
  jest.useFakeTimers();
});

afterEach(() => {
  jest.useRealTimers();
});

describe('kafkajs sendMessages, as patched (patches/kafkajs+2.2.4.patch)', () => {
  it('is the installed one: npm ci applies the patch (root postinstall)', () => {
    expect(kafkajsSettlesEveryBrokerRequest()).toBe(true);
  });

  it('one broker fails while another is in flight: the retry waits for it and re-sends only the failed broker, never the partition the other wrote', async () => {
    const slow = deferred();
    const { send, produced, sequences } = setup(
      { 0: 1, 1: 2 },
      (broker, n) =>
        broker === 1 && n === 0 ? connectionLost() : broker === 2 ? slow.promise : undefined,
      { retries: 1 },
    );

    const sending = send();
    await until(() => produced.length === 2);
    // kafkajs 2.2.4 retried here, while broker 2's request was still in flight.
    await jest.advanceTimersByTimeAsync(1_000);
    slow.resolve();
    await jest.advanceTimersByTimeAsync(1_000);
    const answers = await sending;

    expect(produced).toEqual([
      { broker: 1, partitions: [[0, 0]] },
      { broker: 2, partitions: [[1, 0]] },
      { broker: 1, partitions: [[0, 0]] },
    ]);
    expect(answers.map((a) => [a.partition, a.baseOffset]).sort()).toEqual([
      [0, '100'],
      [1, '101'],
    ]);
    expect([...sequences].sort()).toEqual([
      [0, 1],
      [1, 1],
    ]);
  });

  it('a leader change after a partial failure: the partition a broker wrote is not sent again to its new leader', async () => {
    const { send, produced } = setup(
      { 0: 1, 1: 2 },
      (broker, n) =>
        broker === 2 && n === 0
          ? new KafkaJSProtocolError({
              type: 'NOT_LEADER_FOR_PARTITION',
              code: 6,
              retriable: true,
              message: 'This server is not the leader for that topic-partition',
            } as unknown as Error)
          : undefined,
      { retries: 1, move: { 0: 2, 1: 2 } },
    );

    const sending = send();
    await jest.advanceTimersByTimeAsync(1_000);
    const answers = await sending;

    // kafkajs 2.2.4 sent [0, 1], [1, 0] to broker 2: partition 0 written twice.
    expect(produced).toEqual([
      { broker: 1, partitions: [[0, 0]] },
      { broker: 2, partitions: [[1, 0]] },
      { broker: 2, partitions: [[1, 0]] },
    ]);
    expect(answers.map((a) => a.partition).sort()).toEqual([0, 1]);
  });

  it('gives up only once no request is in flight, with the answers of the partitions written on the error', async () => {
    const slow = deferred();
    const { send, produced } = setup(
      { 0: 1, 1: 2 },
      (broker) => (broker === 1 ? connectionLost() : slow.promise),
      { retries: 0 },
    );
    let settled = false;

    const sending = send();
    sending.catch(() => undefined).finally(() => (settled = true));
    await until(() => produced.length === 2);
    await jest.advanceTimersByTimeAsync(1_000);
    // kafkajs 2.2.4 had rejected here, broker 2's request still in flight.
    expect(settled).toBe(false);
    slow.resolve();
    const error: unknown = await sending.catch((e: unknown) => e);

    expect(error).toMatchObject({ name: 'KafkaJSNumberOfRetriesExceeded' });
    expect(producedBeforeFailure(error)).toEqual([
      expect.objectContaining({ topicName: 't', partition: 1, baseOffset: '101' }),
    ]);
  });
});
