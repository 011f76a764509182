import type { EventEnvelope } from '../events/envelope';
import { headerText } from '../dlq/dead-letter';
import { recordSpan, spanError, SpanKind } from '../tracing/spans';
import { newSpanId, parseTraceparent, TraceHeader } from '../tracing/trace-context';
import type { DecodedRecord } from './msk-record';

/**
 * The span of a record's handler calls: a child of the span its
 * `traceparent` header names (the producer's send), so publish and consumer
 * share one trace. Called only when spans are wanted (`tracingActive()`);
 * a record without a trace context has no span.
 *
 * @example
 * ```ts
 * const startMs = tracingActive() ? Date.now() : 0;
 * // ... the handlers run ...
 * if (startMs > 0) recordHandlerSpan(record, event, group, startMs);
 * ```
 */
export const recordHandlerSpan = (
  record: DecodedRecord,
  event: EventEnvelope,
  consumerGroup: string,
  startMs: number,
  error?: unknown,
): void => {
  const parent = parseTraceparent(headerText(record.headers, TraceHeader.Traceparent));
  if (parent === undefined) return;
  recordSpan({
    name: `process ${record.topic}`,
    kind: SpanKind.Consumer,
    traceId: parent.traceId,
    spanId: newSpanId(),
    parentSpanId: parent.spanId,
    flags: parent.flags,
    startMs,
    endMs: Date.now(),
    // OpenTelemetry's messaging semantic conventions.
    attributes: {
      'messaging.system': 'kafka',
      'messaging.operation.type': 'process',
      'messaging.destination.name': record.topic,
      'messaging.destination.partition.id': String(record.partition),
      'messaging.kafka.offset': record.offset,
      'messaging.consumer.group.name': consumerGroup,
      'messaging.message.id': event.id,
      'cloudevents.event_type': event.type,
    },
    ...(error === undefined ? {} : { error: spanError(error) }),
  });
};
