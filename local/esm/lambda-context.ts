import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { localFunctionArn } from './local-arns';

/** What a local invocation context is made from. */
export interface LocalFunction {
  readonly functionName: string;
  readonly timeoutSeconds: number;
  readonly memorySizeMb: number;
}

/** A Lambda context, plus the function timeout the local runtime enforces. */
export type LocalContext = Context & { readonly timeoutMs: number };

/**
 * A Lambda-like context for one local invocation: a fresh request id, the
 * function's name and memory, and `getRemainingTimeInMillis` counting down
 * from its timeout.
 *
 * @example
 * ```ts
 * const context = createLambdaContext({ functionName: 'conversation-log', timeoutSeconds: 60, memorySizeMb: 512 });
 * context.getRemainingTimeInMillis(); // ~60000
 * ```
 */
export const createLambdaContext = (
  fn: LocalFunction,
  now: () => number = Date.now,
): LocalContext => {
  const timeoutMs = fn.timeoutSeconds * 1000;
  const deadline = now() + timeoutMs;
  const requestId = randomUUID();
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: fn.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: localFunctionArn(fn.functionName),
    memoryLimitInMB: String(fn.memorySizeMb),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${fn.functionName}`,
    logStreamName: `local/[$LATEST]${requestId.replaceAll('-', '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
    timeoutMs,
  };
};
