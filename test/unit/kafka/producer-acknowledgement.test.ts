import type {
  Kafka,
  Producer,
  ProducerConfig as KafkajsProducerConfig,
  RecordMetadata,
} from 'kafkajs';
import { DeliveryTimeoutError } from '../../../shared/kafka/errors';
import { KafkaProducer } from '../../../shared/kafka/producer';
import { loadProducerConfig } from '../../../shared/kafka/producer-config';
import type { ProducerConfig } from '../../../shared/kafka/producer-config';
import { virtualClock } from '../../support/virtual-clock';

/** What each sendBatch call answers, in order (the last one repeats). */
type Answer = readonly RecordMetadata[];

const answer = (partition: number, baseOffset: string): RecordMetadata => ({
  topicName: 't',
  partition,
  errorCode: 0,
  baseOffset,
});

/** A kafkajs client double: each producer() is a new session; sendBatch answers from the script. */
const fakeKafka = (script: readonly Answer[]) => {
  const state = { producers: 0, disconnects: 0, sends: 0 };
  const producer = (_config?: KafkajsProducerConfig): Producer => {
    state.producers += 1;
    const session: Partial<Producer> = {
      connect: () => Promise.resolve(),
      disconnect: () => {
        state.disconnects += 1;
        return Promise.resolve();
      },
      sendBatch: () => {
        const metadata = script[Math.min(state.sends, script.length - 1)] ?? [];
        state.sends += 1;
        return Promise.resolve([...metadata]);
      },
    };
    return session as Producer;
  };
  const kafka: Partial<Kafka> = { producer };
  return { kafka: kafka as Kafka, state };
};

const clock = virtualClock;

const config = (overrides: Partial<ProducerConfig> = {}): ProducerConfig => ({
  ...loadProducerConfig({}),
  lingerMs: 0,
  ...overrides,
});

const records = [
  { topic: 't', key: 'a', value: '1', partition: 0 },
  { topic: 't', key: 'b', value: '2', partition: 1 },
  { topic: 't', key: 'c', value: '3', partition: 1 },
];

describe('KafkaProducer: records Kafka answered no offset for', () => {
  it('are not reported as written: that partition is re-sent until it has its offset', async () => {
    // The call's request answers partition 0 only; partition 1 is re-sent alone and answered.
    const { kafka, state } = fakeKafka([[answer(0, '10')], [answer(1, '20')]]);
    const retryClock = clock();
    const producer = new KafkaProducer({
      kafka,
      config: config(),
      clock: retryClock,
      random: () => 0,
    });

    const positions = await producer.send(records);

    expect(positions).toEqual([
      { topic: 't', partition: 0, offset: '10' },
      { topic: 't', partition: 1, offset: '20' },
      { topic: 't', partition: 1, offset: '21' },
    ]);
    expect(state.sends).toBe(2);
    expect(retryClock.slept).toHaveLength(1);
  });

  it('fail the send as "may or may not be written" (503) when the retries run out, never with offset -1', async () => {
    const { kafka, state } = fakeKafka([[answer(0, '10')]]);
    const producer = new KafkaProducer({
      kafka,
      config: config({ retries: 2 }),
      clock: clock(),
      random: () => 0,
    });

    // kafkajs retried inside the call before it resolved: that try may have been written.
    await expect(producer.send(records)).rejects.toBeInstanceOf(DeliveryTimeoutError);
    // Partitions 0 and 1 in one request; partition 1 twice again.
    expect(state.sends).toBe(3);
  });

  it('are expected with acks=0, which gets no offsets by design: no retry', async () => {
    const { kafka, state } = fakeKafka([[]]);
    const producer = new KafkaProducer({
      kafka,
      config: config({ acks: 0, idempotent: false }),
      clock: clock(),
    });

    const positions = await producer.send(records);

    expect(positions.map(({ offset }) => offset)).toEqual(['-1', '-1', '-1']);
    // One request for the call's partitions.
    expect(state.sends).toBe(1);
  });
});
