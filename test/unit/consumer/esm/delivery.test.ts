import type { MSKEvent } from 'aws-lambda';
import { platform } from '../../../../shared/platform';
import type { ConsumerDefinition } from '../../../../shared/platform';
import { deliverBatch, readBatchResponse } from '../../../../local/esm/delivery';
import type {
  DeliveryDependencies,
  DiscardDetails,
  LambdaHandler,
} from '../../../../local/esm/delivery';
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
  const details: DiscardDetails[] = [];
  const d: DeliveryDependencies = {
    consumer,
    handler,
    source: { eventSourceArn: 'arn', bootstrapServers: 'h:9092' },
    discard: async (records, reason, _error, detail) => {
      discarded.push({ offsets: records.map((r) => r.offset), reason });
      details.push(detail);
    },
    signal: new AbortController().signal,
    backoffMs: () => 1,
    ...extra,
  };
  return { d, discarded, details };
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

  it('gives up after MaximumRetryAttempts, with the invocations and the last one', async () => {
    const requestIds: string[] = [];
    const { d, discarded, details } = deps(
      consumerWith({ maximumRetryAttempts: 2 }),
      async (_event, context) => {
        requestIds.push(context.awsRequestId);
        throw new Error('boom');
      },
    );
    await deliverBatch([pending(1)], d);
    expect(requestIds).toHaveLength(3);
    expect(discarded).toEqual([{ offsets: [1], reason: 'retries_exhausted' }]);
    expect(details).toEqual([
      {
        invocations: 3,
        last: {
          kind: 'error',
          error: 'boom',
          invocation: { requestId: requestIds[2], functionError: 'Unhandled' },
        },
      },
    ]);
  });

  it('counts the invocations of records that then grow too old', async () => {
    let clock = 1_700_000_000_000;
    const { d, discarded, details } = deps(
      consumerWith({ maximumRecordAgeSeconds: 60, maximumRetryAttempts: 100 }),
      async () => {
        clock += 61_000;
        return { batchItemFailures: [{ itemIdentifier: { partition: 't-0', offset: 1 } }] };
      },
      { now: () => clock },
    );
    await deliverBatch([pending(1, 0, { timestamp: clock })], d);
    expect(discarded).toEqual([{ offsets: [1], reason: 'record_age_exceeded' }]);
    expect(details[0]?.invocations).toBe(1);
    expect(details[0]?.last?.kind).toBe('partial');
    expect(details[0]?.last?.invocation?.functionError).toBeUndefined();
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
    const { d, discarded, details } = deps(consumerWith({ maximumRetryAttempts: 0 }), handler, {
      maxPayloadBytes: 200,
    });
    await deliverBatch([pending(1, 0, { value: Buffer.alloc(500) })], d);
    expect(handler).not.toHaveBeenCalled();
    expect(discarded).toHaveLength(1);
    expect(details[0]?.invocations).toBe(0);
    expect(details[0]?.last?.invocation).toBeUndefined();
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
