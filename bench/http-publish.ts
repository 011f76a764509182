/**
 * HTTP publishing through the running platform (issue #13, item 2): the
 * services of `npm start` (gateway, local ESMs consuming what is published,
 * scheduler) in this process, against a bare node:http + kafkajs server on
 * the same broker and topic that builds the same records (envelope,
 * validation, key, CloudEvents headers) and sends them (idempotent, gzip,
 * acks=all) before answering. Batch route (100 events a request) and
 * single-event route, at 1, 4 and 16 concurrent keep-alive clients; the two
 * servers run in alternating slices of SLICE_MS, BENCH_ROUNDS rounds (3).
 * Targets: records/s >= 0.8x bare, p99 <= 1.5x bare. The same figures with
 * the gateway alone (no consumers sharing its event loop) follow as
 * reference lines: the difference is what the shared event loop costs.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CompressionTypes } from 'kafkajs';
import type { Producer } from 'kafkajs';
import { createEnvelope } from '../shared/events/envelope';
import type { NewEvent } from '../shared/events/envelope';
import type { EventType } from '../shared/events/event-types';
import { toEventRecord } from '../shared/events/record';
import { validateEvent } from '../shared/events/validate';
import { createKafka } from '../shared/kafka/client';
import { topicForEventType } from '../shared/platform';
import { apiGatewayService } from '../local/gateway/service';
import type { LocalService } from '../local/runtime/service';
import { localServices } from '../local/services';
import { benchDefinition, startBenchPlatform } from './platform';
import { median } from './stats';
import type { BenchResult, BenchSuite } from './types';

const BATCH = 100;
const SLICE_MS = 2_000;
const CONCURRENCIES = [1, 4, 16] as const;
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));

interface WireEvent {
  readonly event_type: EventType;
  readonly data: Record<string, unknown>;
  readonly correlation_id?: string;
}

const message = (n: number) => ({
  conversation_id: `conv-${n % 500}`,
  user_id: `user-${n % 7}`,
  message_content: `Hello, I need help with my order number ${n}. It has not arrived yet.`,
  message_type: 'user',
});
const batchBody = (n: number): string =>
  JSON.stringify({
    events: Array.from({ length: BATCH }, (_, i) => ({
      event_type: 'conversation.message',
      data: message(n + i),
      correlation_id: `corr-${n + i}`,
    })),
  });
const singleBody = (n: number): string =>
  JSON.stringify({ action: 'message', ...message(n), correlation_id: `corr-${n}` });

/** The bare server: JSON body -> the same records -> one kafkajs send -> 200 with the offsets. */
const bareServer = async (producer: Producer, topic: string): Promise<Server> => {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      const wire: WireEvent[] = req.url?.endsWith('/events/batch')
        ? (body.events as WireEvent[])
        : [{ event_type: 'conversation.message', data: body }];
      const messages = wire.map((e) => {
        const input = { type: e.event_type, data: e.data } as unknown as NewEvent<EventType>;
        const record = toEventRecord(validateEvent(createEnvelope(input)), topic);
        return { key: record.key, value: record.value, headers: { ...record.headers } };
      });
      producer
        .send({ topic, messages, acks: -1, compression: CompressionTypes.GZIP })
        .then((written) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ written: written.map((w) => w.baseOffset) }));
        })
        .catch(() => {
          res.writeHead(503);
          res.end();
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
};

const post = (agent: Agent, url: string, body: string): Promise<void> =>
  new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          res.statusCode === 200
            ? resolve()
            : reject(
                new Error(
                  `${url}: ${res.statusCode} ${Buffer.concat(chunks).toString('utf8').slice(0, 500)}`,
                ),
              ),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });

interface Slice {
  readonly rate: number;
  readonly latencies: number[];
}

/** `clients` keep-alive clients posting for SLICE_MS: events/s and each request's ms. */
const slice = async (
  url: string,
  clients: number,
  events: number,
  body: (n: number) => string,
): Promise<Slice> => {
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const latencies: number[] = [];
  let n = 0;
  const start = performance.now();
  const until = start + SLICE_MS;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < until) {
        const payload = body(n);
        n += events;
        const sent = performance.now();
        await post(agent, url, payload);
        latencies.push(performance.now() - sent);
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  agent.destroy();
  return { rate: (latencies.length * events) / seconds, latencies };
};

const p99 = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? 0;
};

const ROUTES = [
  { name: 'batch route', path: '/events/batch', events: BATCH, body: batchBody },
  { name: 'single-event route', path: '/events/conversation', events: 1, body: singleBody },
] as const;

/** What runs beside the bare server: every service of `npm start`, or the gateway alone. */
interface Side {
  readonly label: string;
  readonly services: readonly LocalService[];
  /** Reference lines (a diagnosis: how much of the gap the other services cost), no target. */
  readonly reference: boolean;
}

const SIDES: readonly Side[] = [
  { label: 'through the running platform', services: localServices, reference: false },
  {
    label: 'through the gateway alone (no local ESMs, no scheduler)',
    services: [apiGatewayService],
    reference: true,
  },
];

/** Both servers in alternating slices, every route and concurrency: one ratio and one p99 line each. */
const measure = async (side: Side, bareBase: string): Promise<BenchResult[]> => {
  const platform = await startBenchPlatform('http-publish', {}, side.services);
  const results: BenchResult[] = [];
  try {
    // Warm-up: JIT, connections, metadata on both servers. The topics are
    // served by every broker already (startBenchPlatform provisions them and
    // waits, shared/kafka/topic-readiness.ts): a failure here is a failure.
    for (const route of ROUTES)
      for (const base of [platform.api, bareBase])
        await slice(`${base}${route.path}`, 4, route.events, route.body);
    for (const route of ROUTES)
      for (const clients of CONCURRENCIES) {
        const ratios: number[] = [];
        const bareRates: number[] = [];
        const ours: number[] = [];
        const bare: number[] = [];
        for (let round = 0; round < ROUNDS; round += 1) {
          const run = (base: string): Promise<Slice> =>
            slice(`${base}${route.path}`, clients, route.events, route.body);
          // Alternating which goes first: neither always meets a warmer broker.
          const p = round % 2 === 0 ? await run(platform.api) : undefined;
          const q = await run(bareBase);
          const ourSlice = p ?? (await run(platform.api));
          ratios.push(ourSlice.rate / q.rate);
          bareRates.push(q.rate);
          ours.push(...ourSlice.latencies);
          bare.push(...q.latencies);
        }
        const base = median(bareRates);
        const label = `HTTP ${route.name} ${side.label} vs bare node:http + kafkajs, ${clients} client(s), median of ${ROUNDS}`;
        const reference = side.reference ? { reference: true } : {};
        results.push(
          {
            name: label,
            unit: 'events/s',
            baseline: base,
            value: base * median(ratios),
            higherIsBetter: true,
            target: 0.8,
            ...reference,
          },
          {
            name: `${label}: p99`,
            unit: 'ms',
            baseline: p99(bare),
            value: p99(ours),
            higherIsBetter: false,
            target: 1.5,
            ...reference,
          },
        );
      }
  } finally {
    await platform.stop();
  }
  return results;
};

const run = async (): Promise<readonly BenchResult[]> => {
  const kafka = createKafka({ clientId: 'bench-http-bare' });
  // Provisions the bench's topics and waits until every broker serves them.
  const def = await benchDefinition(kafka);
  const producer = kafka.producer({ idempotent: true, retry: { retries: 1 } });
  await producer.connect();
  const server = await bareServer(producer, topicForEventType(def, 'conversation.message'));
  const bareBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}${def.apiBasePath}`;
  try {
    const results: BenchResult[] = [];
    for (const side of SIDES) results.push(...(await measure(side, bareBase)));
    return results;
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await producer.disconnect();
  }
};

export const httpPublishBench: BenchSuite = { name: 'http-publish', run };
