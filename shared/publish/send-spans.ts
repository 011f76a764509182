import { recordSpan, spanError, SpanKind, tracingActive } from '../tracing/spans';
import { parseTraceparent, TraceHeader } from '../tracing/trace-context';
import type { PreparedEvent } from './publish';

/**
 * The spans of one send: one per event, with the span id its record's
 * `traceparent` header carries (the consumer's span is its child), a child
 * of `parentSpanId` (the publishing request's span). Nothing is built when
 * no span sink is registered.
 *
 * @example
 * ```ts
 * const startMs = Date.now();
 * const outcomes = await producer.sendEach(records);
 * recordSendSpans(prepared, { startMs, parentSpanId, outcomes });
 * ```
 */
export const recordSendSpans = (
  prepared: readonly PreparedEvent[],
  outcome: {
    readonly startMs: number;
    readonly parentSpanId?: string;
    /** Per record, as the producer's `sendEach` answers. */
    readonly outcomes?: readonly (
      | { readonly ok: true; readonly position: { partition: number; offset: string } }
      | { readonly ok: false; readonly error: unknown }
    )[];
  },
): void => {
  if (!tracingActive()) return;
  const endMs = Date.now();
  prepared.forEach((p, i) => {
    const context = parseTraceparent(p.record.headers[TraceHeader.Traceparent]);
    if (context === undefined) return;
    const result = outcome.outcomes?.[i];
    const position = result?.ok === true ? result.position : undefined;
    recordSpan({
      name: `send ${p.record.topic}`,
      kind: SpanKind.Producer,
      traceId: context.traceId,
      spanId: context.spanId,
      ...(outcome.parentSpanId === undefined ? {} : { parentSpanId: outcome.parentSpanId }),
      flags: context.flags,
      startMs: outcome.startMs,
      endMs,
      // OpenTelemetry's messaging semantic conventions.
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'send',
        'messaging.destination.name': p.record.topic,
        'messaging.message.id': p.event.id,
        'messaging.kafka.message.key': p.record.key,
        'cloudevents.event_type': p.event.type,
        ...(position === undefined
          ? {}
          : {
              'messaging.destination.partition.id': String(position.partition),
              'messaging.kafka.offset': position.offset,
            }),
      },
      ...(result?.ok === false ? { error: spanError(result.error) } : {}),
    });
  });
};
