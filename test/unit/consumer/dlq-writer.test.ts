import { classifyFailure } from '../../../shared/consumer/classify';
import { RecordSchemaError } from '../../../shared/consumer/errors';
import { DlqWriteError } from '../../../shared/dlq/errors';
import type { DecodedRecord } from '../../../shared/consumer/msk-record';
import { DELIVERY_ATTEMPT_HEADER, DlqHeader } from '../../../shared/dlq/headers';
import { buildDlqMessage, deliveryAttempt } from '../../../shared/dlq/dead-letter';
import type { DeadLetter } from '../../../shared/dlq/dead-letter';
import { createDlqWriter } from '../../../shared/dlq/writer';
import { loadProducerConfig } from '../../../shared/kafka/producer-config';
import { dlqProducerConfig } from '../../../shared/kafka/producer-instance';
import type { OutgoingRecord, RecordSender } from '../../../shared/kafka/records';
import { platform } from '../../../shared/platform';

const record = (headers: DecodedRecord['headers'] = []): DecodedRecord => ({
  topic: 'ai.responses',
  partition: 4,
  offset: 1234,
  timestamp: Date.parse('2026-01-01T00:00:00Z'),
  timestampType: 'CREATE_TIME',
  key: Buffer.from('conv-1'),
  value: Buffer.from([0x7b, 0xff, 0x00]),
  headers,
});
const letter = (r: DecodedRecord, error: unknown = new Error('boom')): DeadLetter => ({
  record: r,
  failure: classifyFailure(error),
  handler: 'ai-usage',
  eventId: 'evt-1',
  consumerGroup: 'xseven-ai-responses',
  functionName: 'ai-responses',
  failedAt: new Date('2026-01-02T03:04:05.000Z'),
});
const text = (h: unknown): string => (Buffer.isBuffer(h) ? h.toString() : String(h));

describe('buildDlqMessage', () => {
  it('keeps the original key, value bytes and headers and adds the failure headers', () => {
    const message = buildDlqMessage(
      letter(record([{ name: 'traceparent', value: Buffer.from([0xc3, 0xa9]) }])),
      { nextRetryAt: new Date('2026-01-02T03:05:05.000Z') },
    );
    expect(message.key).toEqual(Buffer.from('conv-1'));
    expect(message.value).toEqual(Buffer.from([0x7b, 0xff, 0x00]));
    const h = message.headers ?? {};
    expect(h.traceparent).toEqual(Buffer.from([0xc3, 0xa9]));
    expect(text(h[DlqHeader.OriginalTopic])).toBe('ai.responses');
    expect(text(h[DlqHeader.OriginalPartition])).toBe('4');
    expect(text(h[DlqHeader.OriginalOffset])).toBe('1234');
    expect(text(h[DlqHeader.OriginalTimestamp])).toBe('2026-01-01T00:00:00.000Z');
    expect(text(h[DlqHeader.ConsumerGroup])).toBe('xseven-ai-responses');
    expect(text(h[DlqHeader.FunctionName])).toBe('ai-responses');
    expect(text(h[DlqHeader.Handler])).toBe('ai-usage');
    expect(text(h[DlqHeader.Category])).toBe('processing');
    expect(text(h[DlqHeader.Retriable])).toBe('true');
    expect(text(h[DlqHeader.ErrorMessage])).toBe('boom');
    expect(text(h[DlqHeader.ErrorStack])).toMatch(/^Error: boom\n\s+at /);
    expect(text(h[DlqHeader.Attempt])).toBe('1');
    expect(text(h[DlqHeader.FirstFailureTime])).toBe('2026-01-02T03:04:05.000Z');
    expect(text(h[DlqHeader.LastFailureTime])).toBe('2026-01-02T03:04:05.000Z');
    expect(text(h[DlqHeader.NextRetryTime])).toBe('2026-01-02T03:05:05.000Z');
    expect(text(h[DlqHeader.EventId])).toBe('evt-1');
  });

  it('continues the attempt count and keeps the first failure time of a retried record', () => {
    const retried = record([
      { name: 'app', value: Buffer.from('1') },
      { name: DELIVERY_ATTEMPT_HEADER, value: Buffer.from('3') },
      { name: DlqHeader.FirstFailureTime, value: Buffer.from('2025-12-31T00:00:00.000Z') },
      { name: DlqHeader.Category, value: Buffer.from('timeout') },
    ]);
    const h = buildDlqMessage(letter(retried)).headers ?? {};
    expect(text(h[DlqHeader.Attempt])).toBe('3');
    expect(text(h[DlqHeader.FirstFailureTime])).toBe('2025-12-31T00:00:00.000Z');
    expect(text(h[DlqHeader.Category])).toBe('processing');
    expect(text(h[DELIVERY_ATTEMPT_HEADER])).toBe('3');
    expect(text(h.app)).toBe('1');
    expect(h[DlqHeader.NextRetryTime]).toBeUndefined();
  });

  it('keeps repeated original headers as repeated values', () => {
    const h =
      buildDlqMessage(
        letter(
          record([
            { name: 'x', value: Buffer.from('a') },
            { name: 'x', value: Buffer.from('b') },
          ]),
        ),
      ).headers ?? {};
    expect(h.x).toEqual([Buffer.from('a'), Buffer.from('b')]);
  });

  it('reads the delivery attempt, defaulting to 1', () => {
    expect(deliveryAttempt([])).toBe(1);
    expect(deliveryAttempt([{ name: DELIVERY_ATTEMPT_HEADER, value: Buffer.from('x') }])).toBe(1);
    expect(deliveryAttempt([{ name: DELIVERY_ATTEMPT_HEADER, value: Buffer.from('4') }])).toBe(4);
  });
});

describe('createDlqWriter', () => {
  const producerWith = (send: RecordSender['send']): RecordSender => ({ send });

  it('sends every letter to the DLQ topic with the next retry time of the policy', async () => {
    const send = jest.fn(async (_records: readonly OutgoingRecord[]) => []);
    const writer = createDlqWriter({
      producer: producerWith(send),
      dlq: platform.dlq,
      random: () => 0,
    });
    await writer.write([letter(record()), letter(record(), new RecordSchemaError('bad'))]);
    expect(send).toHaveBeenCalledTimes(1);
    const records = send.mock.calls[0]?.[0] ?? [];
    expect(records.map((r) => r.topic)).toEqual(['dead.letter.queue', 'dead.letter.queue']);
    // processing: default exponential policy, 1 min base, no jitter with random 0
    expect(text(records[0]?.headers?.[DlqHeader.NextRetryTime])).toBe('2026-01-02T03:05:05.000Z');
    // schema validation: never retried, no next retry time
    expect(records[1]?.headers?.[DlqHeader.NextRetryTime]).toBeUndefined();
  });

  it('writes through a producer that waits for every in-sync replica (acks=all)', () => {
    const config = dlqProducerConfig(loadProducerConfig({ KAFKA_PRODUCER_ACKS: '1' }));
    expect(config.acks).toBe(-1);
    expect(config.idempotent).toBe(true);
  });

  it('turns a send failure into a DlqWriteError', async () => {
    const writer = createDlqWriter({
      producer: producerWith(async () => {
        throw new Error('broker down');
      }),
      dlq: platform.dlq,
    });
    await expect(writer.write([letter(record())])).rejects.toThrow(DlqWriteError);
  });

  it('does not touch the producer when there is nothing to write', async () => {
    const send = jest.fn();
    await createDlqWriter({ producer: producerWith(send), dlq: platform.dlq }).write([]);
    expect(send).not.toHaveBeenCalled();
  });
});
