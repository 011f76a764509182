import type { MiddlewareObj } from '@middy/core';
import { flushMetrics } from './metrics';

/**
 * Middy middleware publishing the invocation's EMF metrics when it ends,
 * successfully or not (inside Lambda; a no-op elsewhere). Every Lambda of
 * the platform uses it: publish, management, consumers and DLQ retry.
 * Put it right after the error renderer, so it runs after every other
 * middleware's `after`.
 *
 * @example
 * ```ts
 * middy(handler).use(problemJsonErrors({ logger })).use(flushMetricsAfter());
 * ```
 */
export const flushMetricsAfter = (): MiddlewareObj => {
  const flushMetricsAfterInvocation = (): void => flushMetrics();
  return { after: flushMetricsAfterInvocation, onError: flushMetricsAfterInvocation };
};
