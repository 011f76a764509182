import type { Context } from 'aws-lambda';
import type { DeadLetter } from '../../../shared/dlq/dead-letter';
import type { DlqWriter } from '../../../shared/dlq/writer';

/** A Lambda context with a fixed remaining time. */
export const lambdaContext = (remainingMs = 60_000, functionName = 'test-consumer'): Context => ({
  callbackWaitsForEmptyEventLoop: false,
  functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:eu-west-1:123456789012:function:${functionName}`,
  memoryLimitInMB: '512',
  awsRequestId: 'req-1',
  logGroupName: `/aws/lambda/${functionName}`,
  logStreamName: 'stream',
  getRemainingTimeInMillis: () => remainingMs,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

/** A DLQ writer keeping letters in memory (or failing, to test "DLQ unwritable"). */
export const memoryDlq = (fail = false): DlqWriter & { letters: DeadLetter[] } => {
  const letters: DeadLetter[] = [];
  return {
    letters,
    write: async (batch) => {
      if (fail) throw new Error('DLQ unwritable');
      letters.push(...batch);
    },
  };
};
