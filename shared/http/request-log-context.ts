import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Logger } from '@aws-lambda-powertools/logger';
import { childSpan, parseTraceparent, startTrace, TraceHeader } from '../tracing/trace-context';
import { recordSpan, SpanKind, tracingActive } from '../tracing/spans';
import type { TraceContext } from '../tracing/trace-context';
import { requestScopeKeys } from '../observability/request-scope';

/** The header a caller names its correlation id in. */
export const CORRELATION_HEADER = 'x-correlation-id';

/** The log keys a request's lines carry. */
const REQUEST_KEYS = ['correlation_id', 'trace_id'];

const traces = new WeakMap<object, TraceContext>();
/** Requests whose keys went on the logger itself (no request scope): removed once answered. */
const onLogger = new WeakSet<object>();
/** When a request began and the caller's span, for its server span (only while spans are wanted). */
const starts = new WeakMap<object, { startMs: number; parentSpanId?: string }>();

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
  const clear = (event: object): void => {
    if (onLogger.delete(event)) logger.removeKeys(REQUEST_KEYS);
  };
  // The request's own span (a child of the caller's), reported once answered.
  const finish = (event: APIGatewayProxyEventV2, status: number | undefined): void => {
    const started = starts.get(event);
    const trace = traces.get(event);
    if (started === undefined || trace === undefined) return;
    recordSpan({
      // API Gateway's route key is the route template with its method (`POST /api/v1/kafka/events/batch`).
      name:
        event.routeKey !== undefined && event.routeKey !== '$default'
          ? event.routeKey
          : `${event.requestContext?.http?.method ?? 'HTTP'} ${event.rawPath ?? ''}`,
      kind: SpanKind.Server,
      traceId: trace.traceId,
      spanId: trace.spanId,
      ...(started.parentSpanId === undefined ? {} : { parentSpanId: started.parentSpanId }),
      flags: trace.flags,
      startMs: started.startMs,
      endMs: Date.now(),
      attributes: {
        'http.request.method': event.requestContext?.http?.method ?? '',
        'url.path': event.rawPath ?? '',
        ...(status === undefined ? {} : { 'http.response.status_code': status }),
      },
      ...(status === undefined || status >= 500
        ? { error: `answered ${status ?? 'nothing'}` }
        : {}),
    });
  };
  return {
    before: function requestLogContextBefore(request): void {
      const { event } = request;
      const incoming = parseTraceparent(
        headerOf(event, TraceHeader.Traceparent),
        headerOf(event, TraceHeader.Tracestate),
      );
      // The request is a span of the caller's trace (its child), or the root of a new one.
      const trace = incoming === undefined ? startTrace() : childSpan(incoming);
      traces.set(event, trace);
      if (tracingActive())
        starts.set(event, {
          startMs: Date.now(),
          ...(incoming === undefined ? {} : { parentSpanId: incoming.spanId }),
        });
      const correlationId =
        headerOf(event, CORRELATION_HEADER)?.trim() || event.requestContext?.requestId;
      const keys = {
        ...(correlationId ? { correlation_id: correlationId } : {}),
        trace_id: trace.traceId,
      };
      // Within a request scope (the local gateway's concurrent requests) the keys are the request's own;
      // otherwise (a Lambda container, one request at a time) the logger carries them until answered.
      const scoped = requestScopeKeys();
      if (scoped !== undefined) Object.assign(scoped, keys);
      else {
        logger.appendKeys(keys);
        onLogger.add(event);
      }
    },
    after: function requestLogContextAfter(request): void {
      finish(request.event, request.response?.statusCode);
      clear(request.event);
    },
    onError: function requestLogContextOnError(request): void {
      finish(request.event, request.response?.statusCode);
      clear(request.event);
    },
  };
};
