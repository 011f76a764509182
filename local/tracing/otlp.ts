import { SpanKind as OtelSpanKind, SpanStatusCode, TraceFlags } from '@opentelemetry/api';
import type { HrTime, SpanContext } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { registerSpanSink, SpanKind } from '../../shared/tracing/spans';
import type { FinishedSpan, SpanSink } from '../../shared/tracing/spans';

/**
 * Local spans over OTLP/HTTP (JSON) to an OpenTelemetry collector (Jaeger,
 * Tempo, the Collector...), when OTEL_EXPORTER_OTLP_ENDPOINT is set. The
 * spans carry the W3C ids the records' `traceparent` headers carry, so
 * they are handed to the SDK's batch processor and exporter as finished
 * spans rather than re-created by an SDK tracer with ids of its own.
 */

const KIND = {
  [SpanKind.Server]: OtelSpanKind.SERVER,
  [SpanKind.Producer]: OtelSpanKind.PRODUCER,
  [SpanKind.Consumer]: OtelSpanKind.CONSUMER,
} as const;

const hrTime = (ms: number): HrTime => {
  const seconds = Math.floor(ms / 1000);
  return [seconds, Math.round((ms - seconds * 1000) * 1e6)];
};

/** Options of {@link otlpSpanSink}. */
export interface OtlpOptions {
  /** OTEL_EXPORTER_OTLP_ENDPOINT: spans go to `<endpoint>/v1/traces`. */
  readonly endpoint: string;
  /** `service.name` of the spans. */
  readonly serviceName: string;
}

/**
 * A span sink exporting over OTLP/HTTP through the SDK's batch processor
 * (OTEL_BSP_* tune it). `flush` exports what is queued; `shutdown` too, then
 * stops.
 *
 * @example
 * ```ts
 * const sink = otlpSpanSink({ endpoint: 'http://127.0.0.1:4318', serviceName: 'xseven-events' });
 * ```
 */
export const otlpSpanSink = (
  options: OtlpOptions,
): SpanSink & { shutdown: () => Promise<void> } => {
  const exporter = new OTLPTraceExporter({ url: `${options.endpoint}/v1/traces` });
  const processor = new BatchSpanProcessor(exporter);
  const resource = resourceFromAttributes({ 'service.name': options.serviceName });
  const scope = { name: 'xseven-events' };
  const toReadable = (span: FinishedSpan): ReadableSpan => {
    const traceFlags = (parseInt(span.flags, 16) & TraceFlags.SAMPLED) as TraceFlags;
    const context: SpanContext = { traceId: span.traceId, spanId: span.spanId, traceFlags };
    const start = hrTime(span.startMs);
    return {
      name: span.name,
      kind: KIND[span.kind],
      spanContext: () => context,
      ...(span.parentSpanId === undefined
        ? {}
        : {
            parentSpanContext: {
              traceId: span.traceId,
              spanId: span.parentSpanId,
              traceFlags,
              isRemote: true,
            },
          }),
      startTime: start,
      endTime: hrTime(span.endMs),
      duration: hrTime(Math.max(0, span.endMs - span.startMs)),
      status:
        span.error === undefined
          ? { code: SpanStatusCode.OK }
          : { code: SpanStatusCode.ERROR, message: span.error },
      attributes: { ...span.attributes },
      links: [],
      events: [],
      ended: true,
      resource,
      instrumentationScope: scope,
      droppedAttributesCount: 0,
      droppedEventsCount: 0,
      droppedLinksCount: 0,
    };
  };
  return {
    record: (span) => processor.onEnd(toReadable(span)),
    flush: () => processor.forceFlush(),
    shutdown: () => processor.shutdown(),
  };
};

/**
 * Registers the OTLP sink when an endpoint is configured; returns how to
 * flush and stop it (a no-op otherwise).
 *
 * @example
 * ```ts
 * const tracing = startOtlpTracing({ endpoint, serviceName });
 * await tracing.stop();
 * ```
 */
export const startOtlpTracing = (options: {
  readonly endpoint?: string;
  readonly serviceName: string;
}): { readonly stop: () => Promise<void> } => {
  if (options.endpoint === undefined) return { stop: async () => undefined };
  const sink = otlpSpanSink({ endpoint: options.endpoint, serviceName: options.serviceName });
  const remove = registerSpanSink(sink);
  return {
    stop: async () => {
      remove();
      await sink.shutdown();
    },
  };
};
