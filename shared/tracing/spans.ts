/**
 * Spans of the platform's hops, handed to whatever exports them: locally the
 * OTLP exporter (local/tracing/otlp.ts, when OTEL_EXPORTER_OTLP_ENDPOINT is
 * set), in AWS X-Ray through Powertools Tracer (./xray.ts). Without a sink
 * nothing is built: the ids stay in the records' `traceparent` headers and
 * the log lines, and the consumer's hot path pays one boolean test.
 *
 * A span is reported once finished, with the W3C ids the records carry
 * (trace-context.ts), so that what an exporter shows is what the headers say.
 */

/** What a span stands for (OpenTelemetry's span kinds). */
export const SpanKind = {
  /** An HTTP request the platform answered. */
  Server: 'server',
  /** A record written to Kafka (a publish, a DLQ write, a retry). */
  Producer: 'producer',
  /** A record a handler processed. */
  Consumer: 'consumer',
} as const;
export type SpanKind = (typeof SpanKind)[keyof typeof SpanKind];

/** Attribute values of a span (OpenTelemetry's primitive attribute values). */
export type SpanAttributes = Readonly<Record<string, string | number | boolean>>;

/** A finished span. */
export interface FinishedSpan {
  readonly name: string;
  readonly kind: SpanKind;
  /** 32 lower-case hex digits. */
  readonly traceId: string;
  /** 16 lower-case hex digits. */
  readonly spanId: string;
  /** The span this one is a child of (the caller's, the producer's). */
  readonly parentSpanId?: string;
  /** W3C trace flags of the trace (`01` = sampled). */
  readonly flags: string;
  /** Epoch milliseconds (fractions allowed). */
  readonly startMs: number;
  readonly endMs: number;
  readonly attributes: SpanAttributes;
  /** Set when the work failed: why. */
  readonly error?: string;
}

/** Receives finished spans. */
export interface SpanSink {
  readonly record: (span: FinishedSpan) => void;
  /** Exports what is buffered (shutdown, tests). */
  readonly flush: () => Promise<void>;
}

const sinks: SpanSink[] = [];

/**
 * Registers a sink; returns how to remove it.
 *
 * @example
 * ```ts
 * const remove = registerSpanSink({ record: (s) => spans.push(s), flush: async () => {} });
 * ```
 */
export const registerSpanSink = (sink: SpanSink): (() => void) => {
  sinks.push(sink);
  return () => {
    const i = sinks.indexOf(sink);
    if (i >= 0) sinks.splice(i, 1);
  };
};

/**
 * Whether any sink wants spans: test it before building one on a hot path.
 *
 * @example
 * ```ts
 * const started = tracingActive() ? Date.now() : 0;
 * ```
 */
export const tracingActive = (): boolean => sinks.length > 0;

/**
 * Hands a finished span to every sink. A sink's failure never fails the
 * work the span describes.
 *
 * @example
 * ```ts
 * recordSpan({ name: 'send ai.responses', kind: SpanKind.Producer, traceId, spanId, flags: '01', startMs, endMs: Date.now(), attributes: {} });
 * ```
 */
export const recordSpan = (span: FinishedSpan): void => {
  for (const sink of sinks) {
    try {
      sink.record(span);
    } catch {
      // Tracing is best effort: the event was handled whatever its span became.
    }
  }
};

/**
 * Exports what every sink buffered.
 *
 * @example
 * ```ts
 * await flushSpans();
 * ```
 */
export const flushSpans = async (): Promise<void> => {
  await Promise.all(sinks.map((s) => s.flush().catch(() => undefined)));
};

/** An error's message, for a span's status. */
export const spanError = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);
