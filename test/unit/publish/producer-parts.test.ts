import type { Message, Producer, ProducerBatch, RecordMetadata } from 'kafkajs';
import {
  KafkaJSConnectionError,
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
} from 'kafkajs';
import { KafkaUnavailableError } from '../../../shared/errors';
import { LingerQueue } from '../../../shared/kafka/producer-linger';
import {
  isTransientKafkaError,
  ProducerSendError,
  toProducerError,
  TransactionAbortedError,
} from '../../../shared/kafka/producer-errors';
import { loadProducerConfig } from '../../../shared/kafka/producer-config';
import type { PartitionGroup } from '../../../shared/kafka/producer-lanes';
import { openTransaction } from '../../../shared/kafka/producer-transaction';
import type { OutgoingRecord, RecordPosition } from '../../../shared/kafka/records';
import { createEnvelope, EventHeader, toEventRecord, validateEvent } from '../../../shared/events';
import { platform } from '../../../shared/platform';
import { prepareEvent } from '../../../shared/publish/publish';
import { EventTooLargeError } from '../../../shared/publish/errors';

const deferredAnswer = () => {
  let settle: (answer: RecordMetadata[] | Error) => void = () => undefined;
  const promise = new Promise<RecordMetadata[]>((resolve, reject) => {
    settle = (answer) => (answer instanceof Error ? reject(answer) : resolve(answer));
  });
  return { promise, settle };
};

describe('transactional sends', () => {
  const records: OutgoingRecord[] = [
    { topic: 'a', key: 'k1', value: '1' },
    { topic: 'b', key: 'k2', value: '2' },
    { topic: 'a', key: 'k3', value: '3' },
    { topic: 'a', key: 'k1', value: '4' },
  ];
  const groups: PartitionGroup[] = [
    { topic: 'a', partition: 0, indexes: [0, 3] },
    { topic: 'b', partition: 0, indexes: [1] },
    { topic: 'a', partition: 1, indexes: [2] },
  ];
  /** A kafkajs transaction double whose sendBatch answers as each test says. */
  const fakeTransaction = (
    answer: (partition: number, topic: string) => Promise<RecordMetadata[]>,
  ) => {
    const calls: { topic: string; partitions: (number | undefined)[] }[] = [];
    const transaction = {
      sendBatch: ({ topicMessages = [] }: ProducerBatch) => {
        const [{ topic, messages }] = topicMessages as [{ topic: string; messages: Message[] }];
        calls.push({ topic, partitions: messages.map((m) => m.partition) });
        return answer(messages[0]?.partition ?? -1, topic);
      },
      sendOffsets: () => Promise.resolve(),
      commit: jest.fn(() => Promise.resolve()),
      abort: jest.fn(() => Promise.resolve()),
      isActive: () => true,
    };
    const producer = { transaction: () => Promise.resolve(transaction) } as unknown as Producer;
    return { producer, transaction, calls };
  };
  const support = {
    config: loadProducerConfig({}),
    group: () => Promise.resolve(groups),
    reset: () => Promise.resolve(),
  };

  it('sends one request per partition and numbers the records of each from its base offset, in input order', async () => {
    const base: Record<string, string> = { 'a:0': '41', 'a:1': '7', 'b:0': '9007199254740993' };
    const { producer, calls } = fakeTransaction((partition, topic) =>
      Promise.resolve([
        { topicName: topic, partition, errorCode: 0, baseOffset: base[`${topic}:${partition}`] },
      ]),
    );

    const positions = await openTransaction(producer, (tx) => tx.send(records), support);

    expect(calls).toEqual([
      { topic: 'a', partitions: [0, 0] },
      { topic: 'b', partitions: [0] },
      { topic: 'a', partitions: [1] },
    ]);
    expect(positions).toEqual([
      { topic: 'a', partition: 0, offset: '41' },
      { topic: 'b', partition: 0, offset: '9007199254740993' },
      { topic: 'a', partition: 1, offset: '7' },
      { topic: 'a', partition: 0, offset: '42' },
    ]);
  });

  it('aborts only once no request of the transaction is in flight any more', async () => {
    const slow = deferredAnswer();
    const { producer, transaction } = fakeTransaction((partition, topic) =>
      topic === 'b'
        ? Promise.reject(new KafkaJSConnectionError('Connection error: read ECONNRESET'))
        : partition === 1
          ? slow.promise
          : Promise.resolve([{ topicName: topic, partition, errorCode: 0, baseOffset: '1' }]),
    );

    const outcome = openTransaction(producer, (tx) => tx.send(records), support);
    await new Promise((resolve) => setImmediate(resolve));
    expect(transaction.abort).not.toHaveBeenCalled();
    slow.settle([{ topicName: 'a', partition: 1, errorCode: 0, baseOffset: '1' }]);

    await expect(outcome).rejects.toBeInstanceOf(TransactionAbortedError);
    expect(transaction.abort).toHaveBeenCalledTimes(1);
    expect(transaction.commit).not.toHaveBeenCalled();
  });
});

describe('linger queue', () => {
  const record = (value: string): OutgoingRecord => ({ topic: 't', key: 'k', value });
  const echo =
    (batches: (readonly OutgoingRecord[])[]) =>
    async (records: readonly OutgoingRecord[]): Promise<RecordPosition[]> => {
      batches.push(records);
      return records.map((r, i) => ({ topic: r.topic, partition: 0, offset: String(i) }));
    };

  it('coalesces sends made within the linger time into one flush, each caller getting its own positions', async () => {
    const batches: (readonly OutgoingRecord[])[] = [];
    const queue = new LingerQueue({
      lingerMs: 20,
      batchSizeBytes: 1_000_000,
      flush: echo(batches),
    });
    const [a, b] = await Promise.all([
      queue.add([record('a1'), record('a2')]),
      queue.add([record('b1')]),
    ]);
    expect(batches).toHaveLength(1);
    expect(a?.map((p) => p.offset)).toEqual(['0', '1']);
    expect(b?.map((p) => p.offset)).toEqual(['2']);
  });

  it('flushes at once when the pending bytes reach the batch size', async () => {
    const batches: (readonly OutgoingRecord[])[] = [];
    const queue = new LingerQueue({ lingerMs: 60_000, batchSizeBytes: 10, flush: echo(batches) });
    await queue.add([record('0123456789')]);
    expect(batches).toHaveLength(1);
  });

  it('sends what waits first when new records would pass the batch size', async () => {
    const batches: (readonly OutgoingRecord[])[] = [];
    const queue = new LingerQueue({ lingerMs: 20, batchSizeBytes: 12, flush: echo(batches) });
    await Promise.all([queue.add([record('aaaaaaaa')]), queue.add([record('bbbbbbbb')])]);
    expect(batches.map((b) => b.map((r) => r.value))).toEqual([['aaaaaaaa'], ['bbbbbbbb']]);
  });

  it('rejects every waiting caller with the flush error', async () => {
    const queue = new LingerQueue({
      lingerMs: 5,
      batchSizeBytes: 1_000_000,
      flush: async () => {
        throw new KafkaUnavailableError('down');
      },
    });
    const results = await Promise.allSettled([queue.add([record('a')]), queue.add([record('b')])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});

describe('producer error classification', () => {
  it('treats connection loss and exhausted retries on it as transient, refusals as final', () => {
    const refused = new KafkaJSConnectionError('ECONNREFUSED');
    expect(isTransientKafkaError(refused)).toBe(true);
    expect(
      isTransientKafkaError(
        new KafkaJSNumberOfRetriesExceeded(refused, { retryCount: 1, retryTime: 1 }),
      ),
    ).toBe(true);
    const tooLarge = new KafkaJSProtocolError({
      message: 'too large',
      type: 'MESSAGE_TOO_LARGE',
      code: 10,
      retriable: false,
    } as never);
    expect(
      isTransientKafkaError(
        Object.assign(new KafkaJSNonRetriableError(tooLarge), { cause: tooLarge }),
      ),
    ).toBe(false);
    expect(toProducerError(refused, 'send')).toBeInstanceOf(KafkaUnavailableError);
    expect(toProducerError(tooLarge, 'send')).toBeInstanceOf(ProducerSendError);
  });
});

describe('event records', () => {
  it('carry the envelope as value (structured mode), the entity key, and as headers only content-type, ce_id and ce_type', () => {
    const event = validateEvent(
      createEnvelope({
        type: 'business.analytics.update',
        data: { business_id: 'biz_789', metric_name: 'dau', metric_value: 1 },
        correlationId: 'corr-1',
        subject: 'dau',
      }),
    );
    const record = toEventRecord(event, 'business.analytics');
    expect(record.key).toBe('biz_789');
    expect(JSON.parse(record.value)).toEqual(event);
    // Every other attribute is in the value only (docs/publishing.md, "The event record").
    expect(record.headers).toEqual({
      [EventHeader.ContentType]: 'application/cloudevents+json; charset=UTF-8',
      [EventHeader.Id]: event.id,
      [EventHeader.Type]: 'business.analytics.update',
    });
  });

  it('carry the W3C trace context as headers when the event has one', () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const event = validateEvent(
      createEnvelope({
        type: 'user.action',
        data: { user_id: 'u1', action: 'login' },
        traceparent,
        tracestate: 'vendor=1',
      }),
    );
    const { headers } = toEventRecord(event, 'user.actions');
    expect(headers[EventHeader.Traceparent]).toBe(traceparent);
    expect(headers[EventHeader.Tracestate]).toBe('vendor=1');
    expect(Object.keys(headers)).toHaveLength(5);
  });

  it('count the UTF-8 bytes of value, key and every header, and refuse a record over the limit', () => {
    const input = {
      type: 'conversation.message' as const,
      data: { conversation_id: 'çonv-ü', user_id: 'u1', message_content: 'héllo wörld 👋' },
      correlationId: 'corr-é',
    };
    const { record, bytes } = prepareEvent(input, platform);
    const headerBytes = Object.entries(record.headers).reduce(
      (sum, [name, value]) => sum + Buffer.byteLength(name) + Buffer.byteLength(value) + 8,
      32,
    );
    expect(bytes).toBe(
      Buffer.byteLength(record.value) + Buffer.byteLength(record.key) + headerBytes,
    );
    expect(() => prepareEvent(input, platform, bytes)).not.toThrow();
    expect(() => prepareEvent(input, platform, bytes - 1)).toThrow(EventTooLargeError);
  });
});
