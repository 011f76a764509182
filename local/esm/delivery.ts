import * as z from 'zod';
import type { MSKEvent } from 'aws-lambda';
import type { ConsumerDefinition } from '../../shared/platform/schema';
import { EsmStoppedError, FunctionInvocationError } from './errors';
import { abortableSleep } from './persist';
import { createLambdaContext } from './lambda-context';
import type { LocalContext } from './lambda-context';
import { MAX_PAYLOAD_BYTES, buildMskEvent, partitionKey } from './msk-event';
import type { EventSourceInfo, PendingRecord } from './msk-event';

/** A Lambda handler as the local ESM invokes it. */
export type LambdaHandler = (event: MSKEvent, context: LocalContext) => Promise<unknown>;

/** Why records left the ESM without success. */
export const DiscardReason = {
  RetriesExhausted: 'retries_exhausted',
  RecordAgeExceeded: 'record_age_exceeded',
} as const;
export type DiscardReason = (typeof DiscardReason)[keyof typeof DiscardReason];

/** The invocation behind an outcome, when the function ran. */
export interface InvocationRecord {
  /** The `awsRequestId` of the invocation. */
  readonly requestId: string;
  /** `Unhandled` when the function threw or timed out (absent when it returned). */
  readonly functionError?: 'Unhandled';
}

/** What one invocation came to. */
export type InvocationOutcome =
  | { readonly kind: 'success' }
  | {
      readonly kind: 'partial';
      readonly retryFrom: ReadonlyMap<string, number>;
      readonly invocation?: InvocationRecord;
    }
  | {
      readonly kind: 'error';
      readonly error: string;
      /** Absent when the function was not invoked (payload above the limit). */
      readonly invocation?: InvocationRecord;
    };

/** An outcome that is not a success. */
export type FailedOutcome = Exclude<InvocationOutcome, { kind: 'success' }>;

/** What is known of records when they are given up, besides why. */
export interface DiscardDetails {
  /** Invocations these records went through (AWS's `approximateInvokeCount`). */
  readonly invocations: number;
  /** The last failed invocation, if there was one. */
  readonly last?: FailedOutcome;
}

/** Gives records up to the on-failure destination; resolves once they are written there. */
export type Discard = (
  records: readonly PendingRecord[],
  reason: DiscardReason,
  error: string,
  details: DiscardDetails,
) => Promise<void>;

/** What the delivery loop needs. */
export interface DeliveryDependencies {
  readonly consumer: ConsumerDefinition;
  readonly handler: LambdaHandler;
  readonly source: EventSourceInfo;
  /** Records that are given up go to the on-failure destination (a folder or a topic). */
  readonly discard: Discard;
  readonly onInvocation?: (event: MSKEvent, outcome: InvocationOutcome) => void;
  readonly signal: AbortSignal;
  readonly now?: () => number;
  /** Delay before retry number `n` (1-based). @default 100 ms doubling, capped at 5 s */
  readonly backoffMs?: (retry: number) => number;
  readonly maxPayloadBytes?: number;
}

const batchResponseSchema = z
  .object({
    batchItemFailures: z
      .array(
        z.object({
          itemIdentifier: z.object({
            partition: z.string(),
            offset: z.union([z.number().int(), z.string().regex(/^\d+$/).transform(Number)]),
          }),
        }),
      )
      .nullish(),
  })
  .nullish();

const defaultBackoff = (retry: number): number => Math.min(5_000, 100 * 2 ** (retry - 1));

/**
 * Reads a ReportBatchItemFailures response: empty or null is success; an
 * item that is not in the batch (or a malformed response) fails the whole
 * batch, as in AWS. Otherwise each partition is retried from its lowest
 * failed offset.
 *
 * @example
 * ```ts
 * readBatchResponse({ batchItemFailures: [{ itemIdentifier: { partition: 't-0', offset: 5 } }] }, records);
 * ```
 */
export const readBatchResponse = (
  response: unknown,
  records: readonly PendingRecord[],
): InvocationOutcome => {
  const parsed = batchResponseSchema.safeParse(response);
  if (!parsed.success) return { kind: 'error', error: 'invalid batchItemFailures response' };
  const failures = parsed.data?.batchItemFailures ?? [];
  if (failures.length === 0) return { kind: 'success' };
  const known = new Set(records.map((r) => `${partitionKey(r)}@${r.offset}`));
  const retryFrom = new Map<string, number>();
  for (const { itemIdentifier: item } of failures) {
    if (!known.has(`${item.partition}@${item.offset}`))
      return {
        kind: 'error',
        error: `batchItemFailures names ${item.partition}@${item.offset}, which is not in the batch`,
      };
    retryFrom.set(item.partition, Math.min(retryFrom.get(item.partition) ?? Infinity, item.offset));
  }
  return { kind: 'partial', retryFrom };
};

/**
 * Invokes the handler once with AWS's event shape and a Lambda-like
 * context, enforcing the function timeout and the 6 MB payload limit.
 *
 * @example
 * ```ts
 * const outcome = await invokeOnce(records, deps);
 * ```
 */
export const invokeOnce = async (
  records: readonly PendingRecord[],
  deps: DeliveryDependencies,
): Promise<InvocationOutcome> => {
  const event = buildMskEvent(records, deps.source);
  const limit = deps.maxPayloadBytes ?? MAX_PAYLOAD_BYTES;
  // The estimate bounds the JSON size from above; serialize only when it is in doubt.
  let estimate = 512;
  for (const r of records) estimate += r.estimatedBytes;
  const size = estimate <= limit ? estimate : Buffer.byteLength(JSON.stringify(event));
  if (size > limit) {
    const outcome = {
      kind: 'error',
      error: `Request payload size (${size} bytes) exceeded maximum allowed payload size (${limit} bytes)`,
    } as const;
    deps.onInvocation?.(event, outcome);
    return outcome;
  }
  const { consumer } = deps;
  const context = createLambdaContext({
    functionName: consumer.name,
    timeoutSeconds: consumer.timeoutSeconds,
    memorySizeMb: consumer.memorySizeMb,
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new FunctionInvocationError(
            `Task timed out after ${consumer.timeoutSeconds.toFixed(2)} seconds`,
          ),
        ),
      context.timeoutMs,
    );
  });
  let outcome: InvocationOutcome;
  const requestId = context.awsRequestId;
  try {
    const response = await Promise.race([deps.handler(event, context), timeout]);
    outcome = consumer.reportBatchItemFailures
      ? readBatchResponse(response, records)
      : { kind: 'success' };
    if (outcome.kind !== 'success') outcome = { ...outcome, invocation: { requestId } };
  } catch (error) {
    outcome = {
      kind: 'error',
      error: error instanceof Error ? error.message : String(error),
      invocation: { requestId, functionError: 'Unhandled' },
    };
  } finally {
    clearTimeout(timer);
  }
  deps.onInvocation?.(event, outcome);
  return outcome;
};

const afterPartialSuccess = (
  records: readonly PendingRecord[],
  retryFrom: ReadonlyMap<string, number>,
): PendingRecord[] =>
  records.filter((r) => {
    const from = retryFrom.get(partitionKey(r));
    return from !== undefined && r.offset >= from;
  });

/** Where a batch stands in its retries (carried into the halves of a bisected batch). */
interface DeliveryHistory {
  readonly retries: number;
  readonly invocations: number;
  readonly last?: FailedOutcome;
}

/**
 * Delivers a batch the way AWS's Kafka ESM does, resolving once every
 * record has succeeded or been given up: the whole batch is retried on a
 * function error (the partitions stay blocked); with
 * BisectBatchOnFunctionError it is split in halves instead (splitting does
 * not count as a retry); a ReportBatchItemFailures response retries each
 * failed partition from its lowest failed offset; MaximumRetryAttempts and
 * MaximumRecordAgeInSeconds (-1 = infinite; the definition refuses -1
 * retries, see ON_FAILURE_RETRY_CAP) give records up to `deps.discard`,
 * which resolves once they are written to the on-failure destination. Rejects with {@link EsmStoppedError} when
 * stopped: nothing may be committed then.
 *
 * @example
 * ```ts
 * await deliverBatch(records, deps);
 * await commit(records);
 * ```
 */
export const deliverBatch = async (
  batch: readonly PendingRecord[],
  deps: DeliveryDependencies,
  history: DeliveryHistory = { retries: 0, invocations: 0 },
): Promise<void> => {
  const now = deps.now ?? Date.now;
  const backoff = deps.backoffMs ?? defaultBackoff;
  const { consumer } = deps;
  let records = [...batch];
  let { retries, invocations, last } = history;
  const details = (): DiscardDetails => (last ? { invocations, last } : { invocations });
  for (;;) {
    if (deps.signal.aborted) throw new EsmStoppedError(consumer.name);
    if (consumer.maximumRecordAgeSeconds !== -1) {
      const oldest = now() - consumer.maximumRecordAgeSeconds * 1000;
      const expired = records.filter((r) => r.timestamp < oldest);
      if (expired.length > 0) {
        await deps.discard(
          expired,
          DiscardReason.RecordAgeExceeded,
          `older than ${consumer.maximumRecordAgeSeconds} s`,
          details(),
        );
        records = records.filter((r) => r.timestamp >= oldest);
      }
    }
    if (records.length === 0) return;
    const outcome = await invokeOnce(records, deps);
    if (outcome.kind === 'success') return;
    if (outcome.invocation) invocations += 1;
    last = outcome;
    if (outcome.kind === 'partial') {
      records = afterPartialSuccess(records, outcome.retryFrom);
    } else if (consumer.bisectBatchOnFunctionError && records.length > 1) {
      const middle = Math.ceil(records.length / 2);
      await deliverBatch(records.slice(0, middle), deps, { retries, invocations, last });
      await deliverBatch(records.slice(middle), deps, { retries, invocations, last });
      return;
    }
    retries += 1;
    if (consumer.maximumRetryAttempts !== -1 && retries > consumer.maximumRetryAttempts) {
      const error = outcome.kind === 'error' ? outcome.error : 'records reported as failed';
      await deps.discard(records, DiscardReason.RetriesExhausted, error, details());
      return;
    }
    await abortableSleep(backoff(retries), deps.signal);
  }
};
