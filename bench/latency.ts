/**
 * Latency (issue #13, item 7): HTTP publish -> handler, through the running
 * local platform, with the batching window at 0 and at the definition's
 * default (set per environment by XSEVEN_BATCHING_WINDOW_MS, as a user
 * would). Events go one at a time through the single-event route, 5–25 ms
 * apart; a probe handler subscribed to the conversation-log consumer's bus
 * (next to the real one) notes when each event reaches it. The two windows
 * alternate over the rounds; p50/p99 are the medians over the rounds.
 */
import { join } from 'node:path';
import { getConsumer } from '../shared/platform';
import type { EventBus, EventHandler } from '../shared/consumer/bus';
import type { EventType } from '../shared/events/event-types';
import { createKafka } from '../shared/kafka/client';
import { benchDefinition, startBenchPlatform } from './platform';
import { median, spread } from './stats';
import type { BenchResult, BenchSuite } from './types';

const ROUNDS = 3;
const EVENTS = 150;
const CONSUMER = 'conversation-log';
const REPO_ROOT = join(__dirname, '..');

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const percentile = (values: readonly number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
};

/** Times at which the probe saw each event id. */
const reached = new Map<string, number>();
const probe: EventHandler<typeof EventType.ConversationMessage> = {
  name: 'bench-latency-probe',
  canHandle: (event) => event.id.startsWith('latency-'),
  handle: (event) => {
    if (!reached.has(event.id)) reached.set(event.id, performance.now());
  },
};

/** One round at one window: p50 and p99 in ms. */
const round = async (windowMs: number, tag: string): Promise<{ p50: number; p99: number }> => {
  const running = await startBenchPlatform('latency', {
    XSEVEN_BATCHING_WINDOW_MS: `${CONSUMER}=${windowMs}`,
  });
  const sent = new Map<string, number>();
  try {
    for (let i = 0; i < EVENTS; i += 1) {
      const id = `latency-${tag}-${i}`;
      sent.set(id, performance.now());
      const res = await fetch(`${running.api}/events/conversation`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          action: 'message',
          event_id: id,
          conversation_id: `conv-latency-${i % 10}`,
          user_id: 'user-latency',
          message_content: 'How long until a handler sees this?',
          message_type: 'user',
        }),
      });
      if (res.status !== 200) throw new Error(`single route answered ${res.status}`);
      await res.arrayBuffer();
      await sleep(5 + Math.random() * 20);
    }
    const deadline = Date.now() + 60_000;
    while ([...sent.keys()].some((id) => !reached.has(id))) {
      if (Date.now() > deadline) throw new Error('the handler did not see every event in 60 s');
      await sleep(5);
    }
  } finally {
    await running.stop();
  }
  const latencies = [...sent].map(([id, t]) => (reached.get(id) as number) - t);
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
};

const run = async (): Promise<readonly BenchResult[]> => {
  // The very module instance the local ESM loads (same specifier).
  const def = await benchDefinition(createKafka({ clientId: 'bench-latency' }));
  const consumer = getConsumer(def, CONSUMER);
  const mod = (await import(join(REPO_ROOT, consumer.handlerModule))) as { bus: EventBus };
  mod.bus.subscribe('conversation.message', probe);
  const defaultWindow = consumer.maximumBatchingWindowMs;
  const figures: Record<'zero' | 'default', { p50: number; p99: number }[]> = {
    zero: [],
    default: [],
  };
  for (let r = 0; r < ROUNDS; r += 1) {
    const order = r % 2 === 0 ? (['zero', 'default'] as const) : (['default', 'zero'] as const);
    for (const which of order)
      figures[which].push(await round(which === 'zero' ? 0 : defaultWindow, `${r}-${which}`));
  }
  const p = (which: 'zero' | 'default', q: 'p50' | 'p99'): number =>
    median(figures[which].map((f) => f[q]));
  const all = (which: 'zero' | 'default', q: 'p50' | 'p99'): string =>
    spread(
      figures[which].map((f) => f[q]),
      0,
    );
  return [
    {
      name: `HTTP publish -> handler (${CONSUMER}) p99, window 0 (p50 ${p('zero', 'p50').toFixed(0)} ms [${all('zero', 'p50')}], p99 [${all('zero', 'p99')}]) vs window ${defaultWindow} ms (p50 ${p('default', 'p50').toFixed(0)} ms [${all('default', 'p50')}], p99 [${all('default', 'p99')}]), median of ${ROUNDS} rounds of ${EVENTS}`,
      unit: 'ms',
      baseline: p('default', 'p99'),
      value: p('zero', 'p99'),
      higherIsBetter: false,
      target: 0.1,
    },
  ];
};

export const latencyBench: BenchSuite = { name: 'latency', run };
