import { KafkaUnavailableError } from '../../../shared/errors';
import { ProducerSendError } from '../../../shared/kafka/producer-errors';
import { ProducerLanes } from '../../../shared/kafka/producer-lanes';
import type { LaneSend } from '../../../shared/kafka/producer-lanes';
import type { OutgoingRecord } from '../../../shared/kafka/records';

const KEY = 'orders\u00000';
const timing = { started: 0, deadlineAt: 30_000 };
const records = (name: string, n: number, bytes = 10): OutgoingRecord[] =>
  Array.from({ length: n }, (_, i) => ({
    topic: 'orders',
    key: null,
    value: `${name}${i}`.padEnd(bytes, '.'),
  }));

/** A partition's requests, each answered when the test says, at the log's next offsets. */
const fakePartition = () => {
  const requests: { values: string[]; answer: (error?: Error) => void }[] = [];
  let end = 0;
  const send: LaneSend = (batch) =>
    new Promise<string>((resolve, reject) => {
      requests.push({
        values: batch.map((r) => String(r.value ?? '')),
        answer: (error) => {
          if (error) return reject(error);
          const base = end;
          end += batch.length;
          resolve(String(base));
        },
      });
    });
  /** Waits until the lane has sent `n` requests (it starts them in promise callbacks). */
  const sent = async (n: number): Promise<void> => {
    while (requests.length < n) await new Promise((resolve) => setImmediate(resolve));
  };
  /** Waits for the lane's `n`th request, then answers it (an error rejects it). */
  const answer = async (n: number, error?: Error): Promise<void> => {
    await sent(n);
    requests[n - 1]?.answer(error);
  };
  return { requests, send, sent, answer };
};

describe('producer lanes: one request in flight per partition', () => {
  it('sends what queued behind a request in flight in one next request, each caller getting its own offsets', async () => {
    const lanes = new ProducerLanes(16_384);
    const partition = fakePartition();
    const a = lanes.run(KEY, records('a', 2), timing, partition.send);
    await partition.sent(1);
    const b = lanes.run(KEY, records('b', 3), timing, partition.send);
    const c = lanes.run(KEY, records('c', 1), timing, partition.send);
    partition.requests[0]?.answer();
    await partition.sent(2);
    expect(partition.requests.map((r) => r.values.map((v) => v.replace(/\.+$/, '')))).toEqual([
      ['a0', 'a1'],
      ['b0', 'b1', 'b2', 'c0'],
    ]);
    await partition.answer(2);
    await expect(Promise.all([a.result, b.result, c.result])).resolves.toEqual(['0', '2', '5']);
    expect(lanes.busy).toBe(0);
  });

  it('joins queued sends only up to the batch bytes; one larger than them still goes, alone', async () => {
    const lanes = new ProducerLanes(25);
    const partition = fakePartition();
    const first = lanes.run(KEY, records('a', 1), timing, partition.send);
    await partition.sent(1);
    const queued = [
      lanes.run(KEY, records('b', 1), timing, partition.send),
      lanes.run(KEY, records('c', 1), timing, partition.send),
      lanes.run(KEY, records('d', 1), timing, partition.send),
      lanes.run(KEY, records('e', 1, 40), timing, partition.send),
    ];
    for (let n = 1; n <= 4; n += 1) await partition.answer(n);
    await Promise.all([first.result, ...queued.map((j) => j.result)]);
    expect(partition.requests.map((r) => r.values.length)).toEqual([1, 2, 1, 1]);
  });

  it('sends each part of a joined request Kafka refused for good on its own: one bad record fails only its caller', async () => {
    const lanes = new ProducerLanes(16_384);
    const partition = fakePartition();
    const first = lanes.run(KEY, records('a', 1), timing, partition.send);
    await partition.sent(1);
    const good = lanes.run(KEY, records('good', 2), timing, partition.send);
    const bad = lanes.run(KEY, records('bad', 1), timing, partition.send);
    partition.requests[0]?.answer();
    await partition.answer(2, new ProducerSendError('INVALID_RECORD'));
    await partition.answer(3);
    await partition.answer(4, new ProducerSendError('INVALID_RECORD'));
    await expect(first.result).resolves.toBe('0');
    await expect(good.result).resolves.toBe('1');
    await expect(bad.result).rejects.toBeInstanceOf(ProducerSendError);
    expect(partition.requests.map((r) => r.values.length)).toEqual([1, 3, 2, 1]);
  });

  it('fails every part of a joined request with its error when it may have been written or Kafka was unavailable: never re-sent', async () => {
    const lanes = new ProducerLanes(16_384);
    const partition = fakePartition();
    const first = lanes.run(KEY, records('a', 1), timing, partition.send);
    await partition.sent(1);
    const b = lanes.run(KEY, records('b', 1), timing, partition.send);
    const c = lanes.run(KEY, records('c', 1), timing, partition.send);
    partition.requests[0]?.answer();
    const down = new KafkaUnavailableError('down');
    await partition.answer(2, down);
    await expect(first.result).resolves.toBe('0');
    await expect(b.result).rejects.toBe(down);
    await expect(c.result).rejects.toBe(down);
    expect(partition.requests).toHaveLength(2);
  });

  it('never sends a part cancelled while it waited, and gives the joined request the earliest deadline', async () => {
    const lanes = new ProducerLanes(16_384);
    const seen: { values: number; deadlineAt: number }[] = [];
    const partition = fakePartition();
    const send: LaneSend = (batch, t) => {
      seen.push({ values: batch.length, deadlineAt: t.deadlineAt });
      return partition.send(batch, t);
    };
    const first = lanes.run(KEY, records('a', 1), timing, send);
    await partition.sent(1);
    const cancelled = lanes.run(KEY, records('b', 1), timing, send);
    lanes.run(KEY, records('c', 1), { started: 5, deadlineAt: 20_000 }, send);
    lanes.run(KEY, records('d', 1), { started: 6, deadlineAt: 25_000 }, send);
    expect(cancelled.cancel()).toBe(true);
    partition.requests[0]?.answer();
    await first.result;
    expect(first.cancel()).toBe(false);
    await partition.sent(2);
    expect(seen).toEqual([
      { values: 1, deadlineAt: 30_000 },
      { values: 2, deadlineAt: 20_000 },
    ]);
  });

  it('keeps -1 for every caller when Kafka gives no offsets (acks=0)', async () => {
    const lanes = new ProducerLanes(16_384);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const send: LaneSend = () => gate.then(() => '-1');
    const jobs = [1, 2, 3].map((n) => lanes.run(KEY, records(`r${n}`, 2), timing, send));
    release();
    await expect(Promise.all(jobs.map((j) => j.result))).resolves.toEqual(['-1', '-1', '-1']);
  });
});
