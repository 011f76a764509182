import { KafkaJSConnectionError, KafkaJSProtocolError } from 'kafkajs';
import type {
  ICustomPartitioner,
  Kafka,
  Producer,
  ProducerBatch,
  ProducerConfig as KafkajsProducerConfig,
  RecordMetadata,
} from 'kafkajs';
import { ProducerSendError } from '../../../shared/kafka/producer-errors';
import { KafkaProducer } from '../../../shared/kafka/producer';
import { loadProducerConfig } from '../../../shared/kafka/producer-config';
import type { RetryClock } from '../../../shared/retry';

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

/**
 * A kafkajs client double: each producer() is a new session (producer id);
 * sendBatch partitions the messages with the producer's partitioner, then
 * fails with the next scripted error or answers an offset per partition.
 */
const fakeKafka = (failures: Error[]) => {
  const state = {
    sessions: 0,
    disconnects: 0,
    attempts: [] as { session: number; partitions: number[] }[],
  };
  const producer = (config?: KafkajsProducerConfig): Producer => {
    state.sessions += 1;
    const session = state.sessions;
    const partitioner = (config?.createPartitioner as ICustomPartitioner)();
    const fake: Partial<Producer> = {
      connect: () => Promise.resolve(),
      disconnect: () => {
        state.disconnects += 1;
        return Promise.resolve();
      },
      sendBatch: ({ topicMessages = [] }: ProducerBatch): Promise<RecordMetadata[]> => {
        const partitions = topicMessages.flatMap(({ topic, messages }) =>
          messages.map((message) => partitioner({ topic, partitionMetadata: PARTITIONS, message })),
        );
        state.attempts.push({ session, partitions });
        const failure = failures.shift();
        if (failure) return Promise.reject(failure);
        return Promise.resolve(
          [...new Set(partitions)].map((partition) => ({
            topicName: 't',
            partition,
            errorCode: 0,
            baseOffset: '100',
          })),
        );
      },
    };
    return fake as Producer;
  };
  const kafka: Partial<Kafka> = { producer };
  return { kafka: kafka as Kafka, state };
};

const clock: RetryClock = { now: () => 0, sleep: () => Promise.resolve() };

const producerOf = (kafka: Kafka) =>
  new KafkaProducer({
    kafka,
    config: { ...loadProducerConfig({}), lingerMs: 0 },
    clock,
    random: () => 0,
  });

/** Keyless records: the default partitioner spreads them round-robin. */
const keyless = [1, 2, 3].map((n) => ({ topic: 't', key: null, value: String(n) }));

describe('KafkaProducer retry: which failures are re-sent, and on which producer session', () => {
  it.each([
    ['a lost connection', new KafkaJSConnectionError('Connection error: read ECONNRESET')],
    ['a leader that moved', new KafkaJSProtocolError('NOT_LEADER_OR_FOLLOWER')],
  ])('%s: re-sent after a reconnect', async (_, error) => {
    const { kafka, state } = fakeKafka([error]);

    const positions = await producerOf(kafka).send(keyless);

    expect(positions).toHaveLength(3);
    expect(state.attempts.map(({ session }) => session)).toEqual([1, 2]);
    expect(state.disconnects).toBe(1);
  });

  it.each([
    'OUT_OF_ORDER_SEQUENCE_NUMBER',
    'UNKNOWN_PRODUCER_ID',
    'INVALID_PRODUCER_EPOCH',
    'INVALID_PRODUCER_ID_MAPPING',
    'PRODUCER_FENCED',
  ])('%s (session refused, batch unwritten): re-sent on a new producer session', async (type) => {
    const { kafka, state } = fakeKafka([protocolError(type)]);

    const positions = await producerOf(kafka).send(keyless);

    expect(positions).toHaveLength(3);
    expect(state.attempts.map(({ session }) => session)).toEqual([1, 2]);
    expect(state.disconnects).toBe(1);
  });

  it('a refusal for good (record too large) is not retried and keeps the session', async () => {
    const { kafka, state } = fakeKafka([protocolError('MESSAGE_TOO_LARGE')]);

    await expect(producerOf(kafka).send(keyless)).rejects.toBeInstanceOf(ProducerSendError);
    expect(state.attempts).toHaveLength(1);
    expect(state.sessions).toBe(1);
    expect(state.disconnects).toBe(0);
  });
});
