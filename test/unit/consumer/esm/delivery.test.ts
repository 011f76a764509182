import type { MSKEvent } from 'aws-lambda';
import { platform } from '../../../../shared/platform';
import type { ConsumerDefinition } from '../../../../shared/platform';
import { deliverBatch, readBatchResponse } from '../../../../local/esm/delivery';
import type { DeliveryDependencies, LambdaHandler } from '../../../../local/esm/delivery';
import { EsmStoppedError } from '../../../../local/esm/errors';
import { pending } from './records';

const base = platform.consumers[0] as ConsumerDefinition;
const consumerWith = (o: Partial<ConsumerDefinition>): ConsumerDefinition => ({ ...base, ...o });
const offsets = (event: MSKEvent): number[] =>
  Object.values(event.records)
    .flat()
    .map((r) => r.offset);

const deps = (
  consumer: ConsumerDefinition,
  handler: LambdaHandler,
  extra: Partial<DeliveryDependencies> = {},
) => {
  const discarded: { offsets: number[]; reason: string }[] = [];
  const d: DeliveryDependencies = {
    consumer,
    handler,
    source: { eventSourceArn: 'arn', bootstrapServers: 'h:9092' },
    discard: async (records, reason) => {
      discarded.push({ offsets: records.map((r) => r.offset), reason });
    },
    signal: new AbortController().signal,
    backoffMs: () => 1,
    ...extra,
  };
  return { d, discarded };
};

describe('readBatchResponse', () => {
  const batch = [pending(1), pending(2), pending(3, 1)];
  it.each([[undefined], [null], [{}], [{ batchItemFailures: [] }], [{ batchItemFailures: null }]])(
    'treats %p as success',
    (response) => expect(readBatchResponse(response, batch)).toEqual({ kind: 'success' }),
  );
  it('retries each partition from its lowest failed offset', () => {
    const outcome = readBatchResponse(
      {
        batchItemFailures: [
          { itemIdentifier: { partition: 't-0', offset: 2 } },
          { itemIdentifier: { partition: 't-0', offset: '1' } },
        ],
      },
      batch,
    );
    expect(outcome).toEqual({ kind: 'partial', retryFrom: new Map([['t-0', 1]]) });
  });
  it('fails the whole batch for an unknown item or a malformed response', () => {
    expect(
      readBatchResponse(
        { batchItemFailures: [{ itemIdentifier: { partition: 't-9', offset: 1 } }] },
        batch,
      ).kind,
    ).toBe('error');
    expect(readBatchResponse({ batchItemFailures: 'nope' }, batch).kind).toBe('error');
  });
});

describe('deliverBatch', () => {
  it('retries the whole batch until success', async () => {
    const calls: number[][] = [];
    const { d } = deps(consumerWith({}), async (event) => {
      calls.push(offsets(event));
      if (calls.length < 3) throw new Error('boom');
    });
    await deliverBatch([pending(1), pending(2)], d);
    expect(calls).toEqual([
      [1, 2],
      [1, 2],
      [1, 2],
    ]);
  });

  it('gives up after MaximumRetryAttempts', async () => {
    let calls = 0;
    const { d, discarded } = deps(consumerWith({ maximumRetryAttempts: 2 }), async () => {
      calls += 1;
      throw new Error('boom');
    });
    await deliverBatch([pending(1)], d);
    expect(calls).toBe(3);
    expect(discarded).toEqual([{ offsets: [1], reason: 'retries_exhausted' }]);
  });

  it('fails an invocation that exceeds the function timeout', async () => {
    const { d, discarded } = deps(
      consumerWith({ maximumRetryAttempts: 0, timeoutSeconds: 1 }),
      () => new Promise((resolve) => setTimeout(resolve, 1_500)),
    );
    await deliverBatch([pending(1)], d);
    expect(discarded).toEqual([{ offsets: [1], reason: 'retries_exhausted' }]);
  });

  it('refuses a payload above the limit without invoking', async () => {
    const handler = jest.fn(async () => undefined);
    const { d, discarded } = deps(consumerWith({ maximumRetryAttempts: 0 }), handler, {
      maxPayloadBytes: 200,
    });
    await deliverBatch([pending(1, 0, { value: Buffer.alloc(500) })], d);
    expect(handler).not.toHaveBeenCalled();
    expect(discarded).toHaveLength(1);
  });

  it('ignores batchItemFailures when ReportBatchItemFailures is off', async () => {
    const handler = jest.fn(async () => ({
      batchItemFailures: [{ itemIdentifier: { partition: 't-0', offset: 1 } }],
    }));
    const { d } = deps(consumerWith({ reportBatchItemFailures: false }), handler);
    await deliverBatch([pending(1)], d);
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it('stops without finishing when aborted', async () => {
    const controller = new AbortController();
    const { d } = deps(
      consumerWith({}),
      async () => {
        controller.abort();
        throw new Error('boom');
      },
      { signal: controller.signal },
    );
    await expect(deliverBatch([pending(1)], d)).rejects.toThrow(EsmStoppedError);
  });
});
