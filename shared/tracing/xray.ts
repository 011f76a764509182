import type { MiddlewareObj } from '@middy/core';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { PlatformEnv } from '../platform/env/runtime';
import { registerSpanSink, SpanKind } from './spans';
import type { FinishedSpan, SpanSink } from './spans';

/**
 * X-Ray in AWS: the stack turns on active tracing for every function
 * (infra/constructs/platform-function.ts), Lambda opens the invocation's
 * segment, and Powertools Tracer adds our hops to it as subsegments (a
 * Kafka send, a handler call) and captures the AWS SDK clients. Tracer
 * pulls in the X-Ray SDK, so it is imported on the first invocation, not
 * at module init: a cold start's init does not parse it, and nothing loads
 * it outside Lambda.
 */

let tracer: Tracer | undefined;
let loading: Promise<void> | undefined;

/** Inside Lambda, unless POWERTOOLS_TRACE_ENABLED=false (Powertools' own switch). */
const wanted = (env: Readonly<Record<string, string | undefined>>): boolean =>
  env[PlatformEnv.LambdaFunctionName.name] !== undefined &&
  !['false', '0'].includes(env[PlatformEnv.TraceEnabled.name]?.toLowerCase() ?? '');

/**
 * The X-Ray sink: a subsegment of the invocation's segment for a finished span. The W3C ids
 * go in annotations (searchable: `annotation.w3c_trace_id = "..."`), as
 * X-Ray's trace id is the invocation's own.
 */
export const xraySink = (t: Pick<Tracer, 'getSegment'>): SpanSink => ({
  record: (span: FinishedSpan): void => {
    // The request itself is the Lambda segment: only the hops inside it are subsegments.
    if (span.kind === SpanKind.Server) return;
    const segment = t.getSegment();
    if (segment === undefined) return;
    const sub = segment.addNewSubsegment(span.name);
    sub.start_time = span.startMs / 1000;
    sub.namespace = 'remote';
    sub.addAnnotation('w3c_trace_id', span.traceId);
    sub.addAnnotation('span_kind', span.kind);
    for (const [key, value] of Object.entries(span.attributes))
      sub.addAnnotation(key.replace(/[^A-Za-z0-9_]/g, '_'), value);
    if (span.error !== undefined) {
      sub.addFaultFlag();
      sub.addMetadata('error', span.error);
    }
    sub.close();
  },
  flush: async () => undefined,
});

/**
 * Loads Powertools Tracer once (inside Lambda) and registers the X-Ray span
 * sink. Resolves at once elsewhere.
 *
 * @example
 * ```ts
 * await loadXRay(); // at the start of an invocation
 * ```
 */
export const loadXRay = (
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<void> => {
  if (!wanted(env)) return Promise.resolve();
  loading ??= import('@aws-lambda-powertools/tracer').then(({ Tracer: PowertoolsTracer }) => {
    const t = new PowertoolsTracer();
    if (!t.isTracingEnabled()) return;
    tracer = t;
    registerSpanSink(xraySink(t));
  });
  return loading;
};

/**
 * Middy middleware: X-Ray for the invocation (Tracer loaded before the
 * handler runs, so its spans and SDK clients are captured).
 *
 * @example
 * ```ts
 * middy(handler).use(xrayTracing());
 * ```
 */
export const xrayTracing = (): MiddlewareObj => ({
  before: async function xrayTracingBefore(): Promise<void> {
    await loadXRay();
  },
});

/**
 * An AWS SDK v3 client whose calls are X-Ray subsegments when X-Ray is on
 * (the client as it is otherwise).
 *
 * @example
 * ```ts
 * const client = captureAwsClient(new CloudWatchClient({}));
 * ```
 */
export const captureAwsClient = <T>(client: T): T =>
  tracer === undefined ? client : tracer.captureAWSv3Client(client);
