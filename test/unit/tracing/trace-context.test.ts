import { childSpan, newSpanId, startTrace } from '../../../shared/tracing/trace-context';

describe('trace and span ids', () => {
  it('are W3C ids (32 and 16 lower-case hex digits), all different, across many draws of the shared random pool', () => {
    const traces = Array.from({ length: 2_000 }, () => startTrace());
    const spans = Array.from({ length: 2_000 }, () => newSpanId());
    for (const trace of traces) {
      expect(trace.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(trace.spanId).toMatch(/^[0-9a-f]{16}$/);
      expect(trace.flags).toBe('01');
    }
    for (const span of spans) expect(span).toMatch(/^[0-9a-f]{16}$/);
    expect(new Set(traces.map((t) => t.traceId)).size).toBe(traces.length);
    expect(new Set([...traces.map((t) => t.spanId), ...spans]).size).toBe(4_000);
  });

  it("gives a child span its parent's trace and a new span id", () => {
    const parent = startTrace();
    const child = childSpan(parent);
    expect(child.traceId).toBe(parent.traceId);
    expect(child.spanId).not.toBe(parent.spanId);
  });
});
