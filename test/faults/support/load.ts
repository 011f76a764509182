import { randomUUID } from 'node:crypto';

/** What became of one event a client sent. */
export type Outcome =
  /** 200 (or a 207 item with http_status 200): the API says it is written. */
  | 'acked'
  /** 503 (the request, or a 207 item) saying nothing was published: the API says it is not written. */
  | 'refused'
  /** 503 `DELIVERY_TIMEOUT`: Kafka did not confirm in time; the API says it may or may not be written. */
  | 'uncertain'
  /** No answer in time, or the connection broke: either may be true. */
  | 'unknown'
  /** Any other answer (a 4xx or 5xx the load never provokes on purpose). */
  | 'error';

/** One event sent by the load, and its fate. */
export interface SentEvent {
  readonly id: string;
  readonly route: 'single' | 'batch';
  readonly startedAt: number;
  answeredAt: number;
  outcome: Outcome;
  status: number;
  /** The event's own answer: the item's status and problem code in a 207, else the request's. */
  answer: { status: number; code: string | null };
}

/** One HTTP answer of the load. */
export interface Answer {
  readonly startedAt: number;
  readonly answeredAt: number;
  readonly status: number;
  readonly retryAfter: string | null;
  /** The problem `code` of an error answer. */
  readonly code: string | null;
}

/** Load against the publish API: several clients, single and batch routes, until stopped. */
export interface Load {
  readonly events: SentEvent[];
  readonly answers: Answer[];
  /** Events acknowledged whose request started at or after `since`. */
  readonly ackedSince: (since: number) => number;
  readonly stop: () => Promise<void>;
}

export interface LoadOptions {
  readonly baseUrl: string;
  readonly clients: number;
  readonly batchSize: number;
  /** Per request; a request without an answer by then is 'unknown'. @default 90 s */
  readonly requestTimeoutMs?: number;
}

/** Event types of the load: two routed topics, so a batch spans topics. */
export const LOAD_EVENT_TYPES = ['user.action', 'workflow.started'] as const;

const eventBody = (id: string, i: number): Record<string, unknown> =>
  i % 2 === 0
    ? { event_type: 'user.action', event_id: id, data: { user_id: `u-${i % 97}`, action: 'login' } }
    : {
        event_type: 'workflow.started',
        event_id: id,
        data: { workflow_id: `wf-${i % 89}`, workflow_name: 'fault-load' },
      };

/** The problem code the API gives a 503 whose events may or may not be published. */
export const DELIVERY_TIMEOUT = 'DELIVERY_TIMEOUT';

/** Status and problem code of each item of a 200 or 207 batch answer, by index. */
const batchResults = (body: unknown): Map<number, { status: number; code: string | null }> => {
  const items = (body as { results?: unknown } | undefined)?.results;
  const byIndex = new Map<number, { status: number; code: string | null }>();
  if (!Array.isArray(items)) return byIndex;
  for (const item of items as Record<string, unknown>[]) {
    const status = item.http_status;
    const code = (item.error as { code?: unknown } | undefined)?.code;
    if (typeof item.index === 'number' && typeof status === 'number')
      byIndex.set(item.index, { status, code: typeof code === 'string' ? code : null });
  }
  return byIndex;
};

const outcomeOf = (status: number, code: string | null): Outcome =>
  status === 200
    ? 'acked'
    : status === 503
      ? code === DELIVERY_TIMEOUT
        ? 'uncertain'
        : 'refused'
      : 'error';

const codeOf = (body: unknown): string | null => {
  const code = (body as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : null;
};

/**
 * Starts `clients` loops; even clients post single events to
 * `/events/generic`, odd ones `batchSize` events to `/events/batch`. Every
 * event carries its own `event_id`, so the topics can be checked for each.
 */
export const startLoad = (options: LoadOptions): Load => {
  const events: SentEvent[] = [];
  const answers: Answer[] = [];
  const run = randomUUID().slice(0, 8);
  let stopped = false;
  let seq = 0;
  const timeoutMs = options.requestTimeoutMs ?? 90_000;

  const client = async (c: number): Promise<void> => {
    const route = c % 2 === 0 ? 'single' : 'batch';
    while (!stopped) {
      const n = route === 'single' ? 1 : options.batchSize;
      const startedAt = Date.now();
      const sent: SentEvent[] = Array.from({ length: n }, () => {
        seq += 1;
        return {
          id: `${run}-${c}-${seq}`,
          route,
          startedAt,
          answeredAt: 0,
          outcome: 'unknown' as Outcome,
          status: 0,
          answer: { status: 0, code: null },
        };
      });
      events.push(...sent);
      const bodies = sent.map((e, i) => eventBody(e.id, seq + i));
      let status = 0;
      let retryAfter: string | null = null;
      let body: unknown;
      try {
        const answer = await fetch(
          `${options.baseUrl}/events/${route === 'single' ? 'generic' : 'batch'}`,
          {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(route === 'single' ? bodies[0] : { events: bodies }),
            signal: AbortSignal.timeout(timeoutMs),
          },
        );
        status = answer.status;
        retryAfter = answer.headers.get('retry-after');
        body = await answer.json().catch(() => undefined);
      } catch {
        status = 0; // no answer: the events' fate is unknown
      }
      const answeredAt = Date.now();
      const code = status === 200 || status === 207 ? null : codeOf(body);
      answers.push({ startedAt, answeredAt, status, retryAfter, code });
      const items = status === 200 || status === 207 ? batchResults(body) : new Map();
      sent.forEach((e, i) => {
        e.answeredAt = answeredAt;
        e.status = status;
        if (status === 0) return;
        const item =
          route === 'batch' && status === 207
            ? (items.get(i) ?? { status: 0, code: null })
            : { status, code };
        e.answer = item;
        e.outcome = outcomeOf(item.status, item.code);
      });
      // A refused client backs off a little, as Retry-After asks (bounded: the test measures recovery).
      if (status === 503) await new Promise((r) => setTimeout(r, 200));
    }
  };

  const loops = Array.from({ length: options.clients }, (_, c) => client(c));
  return {
    events,
    answers,
    ackedSince: (since) =>
      events.filter((e) => e.outcome === 'acked' && e.startedAt >= since).length,
    stop: async () => {
      stopped = true;
      await Promise.all(loops);
    },
  };
};

/** Waits until `condition` holds, checking every 100 ms; fails with `what` after `timeoutMs`. */
export const waitFor = async (
  condition: () => boolean,
  timeoutMs: number,
  what: string,
): Promise<number> => {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return Date.now() - started;
};

/** The longest time between two consecutive acknowledgements in [from, to]. */
export const longestStall = (events: readonly SentEvent[], from: number, to: number): number => {
  const times = events
    .filter((e) => e.outcome === 'acked' && e.answeredAt >= from && e.answeredAt <= to)
    .map((e) => e.answeredAt)
    .sort((a, b) => a - b);
  let longest = 0;
  let previous = from;
  for (const t of [...times, to]) {
    longest = Math.max(longest, t - previous);
    previous = t;
  }
  return longest;
};
