import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Logger } from '@aws-lambda-powertools/logger';
import { parseTraceparent, startTrace, TraceHeader } from '../tracing/trace-context';
import type { TraceContext } from '../tracing/trace-context';

/** The header a caller names its correlation id in. */
export const CORRELATION_HEADER = 'x-correlation-id';

/** The log keys a request's lines carry. */
const REQUEST_KEYS = ['correlation_id', 'trace_id'];

const traces = new WeakMap<object, TraceContext>();

/**
 * The trace a request belongs to: the caller's `traceparent` (and
 * `tracestate`), or a trace started for it by {@link requestLogContext}.
 * `undefined` outside that middleware.
 *
 * @example
 * ```ts
 * const trace = requestTrace(event); // its traceId is in every log line of the request
 * ```
 */
export const requestTrace = (event: object): TraceContext | undefined => traces.get(event);

const headerOf = (event: APIGatewayProxyEventV2, name: string): string | undefined => {
  const headers = event.headers ?? {};
  const value = headers[name];
  if (value !== undefined) return value;
  // The normalizer has not run yet: API Gateway sends lower-case names, a caller of the local gateway may not.
  for (const key in headers) if (key.toLowerCase() === name) return headers[key];
  return undefined;
};

/**
 * Middy middleware giving every log line of a request its correlation id
 * (the `x-correlation-id` header, else the API request id) and trace id
 * (the caller's W3C `traceparent`, else a new trace). Put it first
 * (outermost): the error lines of the other middlewares carry the ids too,
 * and the keys are removed once the request is answered.
 *
 * @example
 * ```ts
 * middy(handler).use(requestLogContext({ logger })).use(problemJsonErrors({ logger }));
 * ```
 */
export const requestLogContext = (options: {
  readonly logger: Logger;
}): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> => {
  const { logger } = options;
  const clear = (): void => logger.removeKeys(REQUEST_KEYS);
  return {
    before: function requestLogContextBefore(request): void {
      const { event } = request;
      const trace =
        parseTraceparent(
          headerOf(event, TraceHeader.Traceparent),
          headerOf(event, TraceHeader.Tracestate),
        ) ?? startTrace();
      traces.set(event, trace);
      const correlationId =
        headerOf(event, CORRELATION_HEADER)?.trim() || event.requestContext?.requestId;
      logger.appendKeys({
        ...(correlationId ? { correlation_id: correlationId } : {}),
        trace_id: trace.traceId,
      });
    },
    after: clear,
    onError: clear,
  };
};
