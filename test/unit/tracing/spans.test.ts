import type { Tracer } from '@aws-lambda-powertools/tracer';
import {
  flushSpans,
  recordSpan,
  registerSpanSink,
  SpanKind,
  tracingActive,
} from '../../../shared/tracing/spans';
import type { FinishedSpan } from '../../../shared/tracing/spans';
import { loadXRay, xraySink } from '../../../shared/tracing/xray';

const span = (overrides: Partial<FinishedSpan> = {}): FinishedSpan => ({
  name: 'send xseven.ai.responses',
  kind: SpanKind.Producer,
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'b7ad6b7169203331',
  parentSpanId: '00f067aa0ba902b7',
  flags: '01',
  startMs: 1_764_640_000_000.5,
  endMs: 1_764_640_000_012,
  attributes: { 'messaging.system': 'kafka', 'messaging.kafka.offset': '42' },
  ...overrides,
});

describe('span sinks', () => {
  it('builds nothing without a sink, and hands spans to every registered one', async () => {
    expect(tracingActive()).toBe(false);
    const seen: FinishedSpan[] = [];
    let flushed = 0;
    const remove = registerSpanSink({
      record: (s) => seen.push(s),
      flush: async () => {
        flushed += 1;
      },
    });
    const failing = registerSpanSink({
      record: () => {
        throw new Error('exporter down');
      },
      flush: async () => {
        throw new Error('exporter down');
      },
    });
    try {
      expect(tracingActive()).toBe(true);
      // A failing sink fails neither the work nor the other sinks.
      expect(() => recordSpan(span())).not.toThrow();
      await expect(flushSpans()).resolves.toBeUndefined();
      expect(seen).toEqual([span()]);
      expect(flushed).toBe(1);
    } finally {
      remove();
      failing();
    }
    expect(tracingActive()).toBe(false);
  });
});

/** The subset of an X-Ray (sub)segment the sink uses, recorded. */
const fakeSegment = () => {
  const subsegments: {
    name: string;
    start_time?: number;
    namespace?: string;
    annotations: Record<string, unknown>;
    metadata: Record<string, unknown>;
    fault: boolean;
    closed: boolean;
  }[] = [];
  const segment = {
    addNewSubsegment: (name: string) => {
      const sub = {
        name,
        annotations: {} as Record<string, unknown>,
        metadata: {} as Record<string, unknown>,
        fault: false,
        closed: false,
        start_time: undefined as number | undefined,
        namespace: undefined as string | undefined,
        addAnnotation: (key: string, value: unknown) => {
          sub.annotations[key] = value;
        },
        addMetadata: (key: string, value: unknown) => {
          sub.metadata[key] = value;
        },
        addFaultFlag: () => {
          sub.fault = true;
        },
        close: () => {
          sub.closed = true;
        },
      };
      subsegments.push(sub);
      return sub;
    },
  };
  const tracer = { getSegment: () => segment } as unknown as Pick<Tracer, 'getSegment'>;
  return { tracer, subsegments };
};

describe('X-Ray (Powertools Tracer) sink', () => {
  it('adds each hop as a closed subsegment of the invocation, with the W3C ids as annotations', () => {
    const { tracer, subsegments } = fakeSegment();
    const sink = xraySink(tracer);
    sink.record(span());
    sink.record(span({ kind: SpanKind.Consumer, name: 'process t', error: 'Error: boom' }));
    // The request itself is Lambda's segment.
    sink.record(span({ kind: SpanKind.Server, name: 'POST /x' }));

    expect(subsegments.map((s) => s.name)).toEqual(['send xseven.ai.responses', 'process t']);
    expect(subsegments[0]).toMatchObject({
      start_time: 1_764_640_000.0005,
      namespace: 'remote',
      closed: true,
      fault: false,
      annotations: {
        w3c_trace_id: '0af7651916cd43dd8448eb211c80319c',
        span_kind: 'producer',
        messaging_system: 'kafka',
        messaging_kafka_offset: '42',
      },
    });
    expect(subsegments[1]).toMatchObject({ fault: true, metadata: { error: 'Error: boom' } });
  });

  it('is not loaded outside Lambda, nor when POWERTOOLS_TRACE_ENABLED=false', async () => {
    await loadXRay({});
    await loadXRay({ AWS_LAMBDA_FUNCTION_NAME: 'fn', POWERTOOLS_TRACE_ENABLED: 'false' });
    expect(tracingActive()).toBe(false);
  });
});
