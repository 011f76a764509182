import { loadConsumerEnv } from '../../../functions/consumers/consumer-env';
import { ConfigError } from '../../../shared/errors';
import { MAX_RECORD_BYTES } from '../../../shared/platform';
import { createLambdaContext } from '../../../local/esm/lambda-context';

describe('consumer environment', () => {
  it('has defaults for every variable', () => {
    expect(loadConsumerEnv({})).toEqual({
      // One record-size limit for publishing and consuming (shared/platform/limits.ts).
      XSEVEN_MAX_RECORD_BYTES: MAX_RECORD_BYTES,
      XSEVEN_CONSUMER_RESERVE_MS: 1_000,
      XSEVEN_TOPIC_PREFIX: '',
    });
  });

  it('rejects a bad value naming the variable', () => {
    expect(() => loadConsumerEnv({ XSEVEN_MAX_RECORD_BYTES: 'lots' })).toThrow(ConfigError);
    expect(() => loadConsumerEnv({ XSEVEN_MAX_RECORD_BYTES: 'lots' })).toThrow(
      /XSEVEN_MAX_RECORD_BYTES/,
    );
  });
});

describe('the local Lambda context', () => {
  it('counts the remaining time down from the function timeout', () => {
    let now = 1_000;
    const context = createLambdaContext(
      { functionName: 'conversation-log', timeoutSeconds: 60, memorySizeMb: 512 },
      () => now,
    );
    expect(context.getRemainingTimeInMillis()).toBe(60_000);
    now += 59_000;
    expect(context.getRemainingTimeInMillis()).toBe(1_000);
    now += 5_000;
    expect(context.getRemainingTimeInMillis()).toBe(0);
    expect(context.timeoutMs).toBe(60_000);
    expect(context.memoryLimitInMB).toBe('512');
    expect(context.awsRequestId).not.toBe(
      createLambdaContext({ functionName: 'x', timeoutSeconds: 1, memorySizeMb: 128 }).awsRequestId,
    );
  });
});
