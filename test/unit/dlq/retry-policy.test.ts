import { platform, loadPlatformDefinition, withNamespace } from '../../../shared/platform';
import type { DlqDefinition, RetryPolicy } from '../../../shared/platform';
import {
  isExhausted,
  nextRetryDelayMs,
  nextRetryTime,
  policyFor,
} from '../../../shared/dlq/retry-policy';

const topicPolicy: RetryPolicy = { strategy: { kind: 'fixed', delayMs: 7 }, maxRetries: 9 };
const processingPolicy: RetryPolicy = {
  strategy: { kind: 'linear', baseDelayMs: 1, incrementMs: 1, maxDelayMs: 3 },
  maxRetries: 2,
};

const dlq: DlqDefinition = loadPlatformDefinition({
  ...platform,
  dlq: {
    ...platform.dlq,
    byCategory: { ...platform.dlq.byCategory, processing: processingPolicy },
    byTopic: { 'ai.responses': topicPolicy },
  },
}).dlq;

describe('policyFor', () => {
  it('uses the topic override before the category override', () => {
    expect(policyFor(dlq, { topic: 'ai.responses', category: 'processing' })).toEqual(topicPolicy);
    expect(policyFor(dlq, { topic: 'ai.responses', category: 'deserialization' })).toEqual(
      topicPolicy,
    );
  });

  it('uses the category override when the topic has none', () => {
    expect(policyFor(dlq, { topic: 'conversation.events', category: 'processing' })).toEqual(
      processingPolicy,
    );
  });

  it('falls back to the default policy for other, unknown or absent categories', () => {
    expect(policyFor(dlq, { topic: 'conversation.events', category: 'timeout' })).toEqual(
      dlq.defaultPolicy,
    );
    expect(policyFor(dlq, { topic: 'conversation.events', category: 'no-such' })).toEqual(
      dlq.defaultPolicy,
    );
    expect(policyFor(dlq, { topic: 'conversation.events' })).toEqual(dlq.defaultPolicy);
    expect(policyFor(dlq, { topic: 'conversation.events', category: 'toString' })).toEqual(
      dlq.defaultPolicy,
    );
  });

  it('never retries deserialization or schema-validation failures under the shipped definition', () => {
    for (const category of ['deserialization', 'schema_validation']) {
      const policy = policyFor(platform.dlq, { topic: 'conversation.events', category });
      expect(isExhausted(policy, 1)).toBe(true);
      expect(nextRetryDelayMs(policy, 1)).toBeUndefined();
    }
  });

  it('the shipped default is exponential from one minute, doubled, capped at one hour, five retries', () => {
    const policy = policyFor(platform.dlq, {
      topic: 'conversation.events',
      category: 'processing',
    });
    const delays = [1, 2, 3, 4, 5, 6].map((n) => nextRetryDelayMs(policy, n, () => 0));
    expect(delays).toEqual([60_000, 120_000, 240_000, 480_000, 960_000, undefined]);
  });

  it('finds topic overrides of a namespaced definition by the namespaced topic name', () => {
    const def = withNamespace(
      loadPlatformDefinition({
        ...platform,
        dlq: { ...platform.dlq, byTopic: { 'ai.responses': topicPolicy } },
      }),
      'ns1-',
    );
    expect(policyFor(def.dlq, { topic: 'ns1-ai.responses', category: 'processing' })).toEqual(
      topicPolicy,
    );
  });
});

describe('isExhausted / nextRetryDelayMs', () => {
  const policy: RetryPolicy = { strategy: { kind: 'fixed', delayMs: 100 }, maxRetries: 2 };

  it('allows maxRetries retries, then exhausts', () => {
    expect([1, 2, 3, 4].map((n) => isExhausted(policy, n))).toEqual([false, false, true, true]);
    expect([1, 2, 3].map((n) => nextRetryDelayMs(policy, n))).toEqual([100, 100, undefined]);
  });

  it('maxRetries 0 archives on the first failure', () => {
    expect(isExhausted({ ...policy, maxRetries: 0 }, 1)).toBe(true);
  });

  it('passes the attempt as the retry number to the strategy', () => {
    expect([1, 2, 3].map((n) => nextRetryDelayMs(processingPolicy, n))).toEqual([1, 2, undefined]);
  });

  it('rejects an attempt count below one', () => {
    expect(() => nextRetryDelayMs(policy, 0)).toThrow(RangeError);
  });

  it('nextRetryTime adds the delay to the failure time', () => {
    const at = new Date('2025-01-01T00:00:00.000Z');
    expect(nextRetryTime(policy, 1, at)?.toISOString()).toBe('2025-01-01T00:00:00.100Z');
    expect(nextRetryTime(policy, 3, at)).toBeUndefined();
  });
});
