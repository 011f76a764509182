import {
  CONSUMER_DEFAULTS,
  DLQ_DEFAULTS,
  EXPONENTIAL_RETRY_DEFAULTS,
  HTTP_ROUTE_DEFAULTS,
  PLATFORM_DEFAULTS,
  TOPIC_DEFAULTS,
} from './schema';
import type { PlatformDefinition, PlatformDefinitionInput, RetryPolicy } from './schema';

type RetryPolicyInput = PlatformDefinitionInput['dlq']['defaultPolicy'];

const policy = (p: RetryPolicyInput): RetryPolicy => ({
  maxRetries: p.maxRetries,
  strategy:
    p.strategy.kind === 'exponential'
      ? { ...EXPONENTIAL_RETRY_DEFAULTS, ...p.strategy }
      : { ...p.strategy },
});

const policies = (
  byKey: Readonly<Record<string, RetryPolicyInput | undefined>> | undefined,
): Record<string, RetryPolicy> => {
  const out: Record<string, RetryPolicy> = {};
  for (const [key, p] of Object.entries(byKey ?? {})) if (p !== undefined) out[key] = policy(p);
  return out;
};

/** Freezes `value` and everything it holds. */
export const deepFreeze = <T>(value: T): T => {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
};

/**
 * A definition with its defaults filled (the schema's defaults, without
 * zod) and frozen: what a function runs on. It does not validate: the
 * shipped definition is validated by its unit test
 * (test/unit/platform/definition.test.ts, which also checks that this
 * equals `loadPlatformDefinition`'s result) and at `cdk synth` (the stack
 * loads the definition it deploys); parsing it with zod at every import
 * cost a Lambda's init ~15-25 ms (issue #13 item 6).
 *
 * @example
 * ```ts
 * const platform = definitionWithDefaults(platformDefinitionInput);
 * platform.topics[0].replicationFactor; // 3 unless set
 * ```
 */
export const definitionWithDefaults = (input: PlatformDefinitionInput): PlatformDefinition =>
  deepFreeze({
    ...PLATFORM_DEFAULTS,
    ...input,
    topics: input.topics.map((t) => ({ ...TOPIC_DEFAULTS, ...t })),
    eventRoutes: input.eventRoutes.map((r) => ({ ...r })),
    consumers: input.consumers.map((c) => ({ ...CONSUMER_DEFAULTS, ...c, topics: [...c.topics] })),
    dlq: {
      ...DLQ_DEFAULTS,
      ...input.dlq,
      defaultPolicy: policy(input.dlq.defaultPolicy),
      byCategory: policies(input.dlq.byCategory),
      byTopic: policies(input.dlq.byTopic),
    },
    httpRoutes: input.httpRoutes.map((r) => ({ ...HTTP_ROUTE_DEFAULTS, ...r })),
    access: { ...input.access, scopes: { ...input.access.scopes } },
  });
