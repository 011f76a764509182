import { randomFillSync } from 'node:crypto';

/**
 * W3C Trace Context (https://www.w3.org/TR/trace-context/) of one hop: the
 * trace every hop of an event shares, this hop's span, and the vendors'
 * `tracestate` when a caller sent one.
 */
export interface TraceContext {
  /** 32 lower-case hex digits, not all zero. */
  readonly traceId: string;
  /** 16 lower-case hex digits, not all zero: the span that wrote this hop. */
  readonly spanId: string;
  /** Two hex digits; `01` = sampled. */
  readonly flags: string;
  readonly tracestate?: string;
}

/** The header (HTTP and Kafka) names of the W3C trace context. */
export const TraceHeader = { Traceparent: 'traceparent', Tracestate: 'tracestate' } as const;

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

/**
 * Reads a `traceparent` value; `undefined` when it is absent or invalid (a
 * receiver then starts a new trace, as the W3C recommendation says).
 *
 * @example
 * ```ts
 * parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')?.traceId;
 * // '4bf92f3577b34da6a3ce929d0e0e4736'
 * ```
 */
export const parseTraceparent = (
  value: string | undefined,
  tracestate?: string,
): TraceContext | undefined => {
  if (value === undefined) return undefined;
  const match = TRACEPARENT.exec(value.trim().toLowerCase());
  if (match === null) return undefined;
  const [, version, traceId = '', spanId = '', flags = '', rest] = match;
  // Version ff is invalid; version 00 has nothing after the flags.
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  if (traceId === ZERO_TRACE || spanId === ZERO_SPAN) return undefined;
  const state = tracestate?.trim();
  return { traceId, spanId, flags, ...(state ? { tracestate: state } : {}) };
};

/**
 * Random bytes drawn 4 KiB at a time: a request's trace and span ids and a
 * batch's span per record cost one `randomFillSync` per few hundred ids, not
 * a call (and a system call) per id, which was ~15 % of the local gateway's
 * own CPU per single-event request (issue #13). Node's `randomUUID` caches
 * its random bytes the same way; the ids stay unpredictable.
 */
const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let drawn = POOL_BYTES;

const randomHex = (bytes: number): string => {
  if (drawn + bytes > POOL_BYTES) {
    randomFillSync(pool);
    drawn = 0;
  }
  const hex = pool.toString('hex', drawn, drawn + bytes);
  drawn += bytes;
  return hex;
};

/** A fresh span id (8 random bytes; all-zero is invalid, so redrawn). */
export const newSpanId = (): string => {
  const id = randomHex(8);
  return id === ZERO_SPAN ? newSpanId() : id;
};

/**
 * A new trace (sampled), for a request that brought none.
 *
 * @example
 * ```ts
 * startTrace().traceId.length; // 32
 * ```
 */
export const startTrace = (): TraceContext => {
  const traceId = randomHex(16);
  if (traceId === ZERO_TRACE) return startTrace();
  return { traceId, spanId: newSpanId(), flags: '01' };
};

/**
 * The next hop of a trace: the same trace id and state, a new span id.
 *
 * @example
 * ```ts
 * childSpan(parent).traceId === parent.traceId; // true
 * ```
 */
export const childSpan = (parent: TraceContext): TraceContext => ({
  ...parent,
  spanId: newSpanId(),
});

/**
 * The `traceparent` value of a context (version 00).
 *
 * @example
 * ```ts
 * formatTraceparent(startTrace()); // '00-<trace id>-<span id>-01'
 * ```
 */
export const formatTraceparent = (context: TraceContext): string =>
  `00-${context.traceId}-${context.spanId}-${context.flags}`;

/**
 * The trace id of a `traceparent` value without building a context (log
 * lines on the consumer's hot path); `undefined` when it is not one.
 *
 * @example
 * ```ts
 * traceIdOf('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'); // '4bf92f...'
 * ```
 */
export const traceIdOf = (traceparent: string | undefined): string | undefined =>
  parseTraceparent(traceparent)?.traceId;

/**
 * The `traceparent` header of a record's next hop (a DLQ write, a retry, an
 * archive): the same trace with a new span id. Empty when the record
 * carries no valid trace context, so it can be spread into headers.
 *
 * @example
 * ```ts
 * const headers = { ...original, ...nextHopHeader(original.traceparent) };
 * ```
 */
export const nextHopHeader = (
  value: string | Buffer | readonly (string | Buffer)[] | undefined,
): { traceparent?: string } => {
  const first = Array.isArray(value) ? (value as readonly (string | Buffer)[])[0] : value;
  const parent = parseTraceparent(first?.toString());
  return parent === undefined
    ? {}
    : { [TraceHeader.Traceparent]: formatTraceparent(childSpan(parent)) };
};
