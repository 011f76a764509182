/**
 * HTTP publishing through the running platform (issue #13, item 2): `npm
 * start` as a child process (gateway, local ESMs in their worker thread
 * consuming what is published, scheduler: what a user runs), against a bare
 * node:http + kafkajs server in a child process of its own
 * (bench/bare-http-server.ts) on the same broker, which builds the same
 * records (envelope, validation, key, CloudEvents headers) and sends them
 * (idempotent, gzip, acks=all) before answering, to topics of its own (the
 * same definition under a prefix of its own): nothing consumes them, as
 * nothing consumes what a bare server writes, so the platform's consumers
 * work only in the platform's slices (on one topic they consumed the bare
 * server's records in its slices, on the same cores). The clients run in
 * this process. Batch route (100 events a request) and single-event route,
 * at 1, 4 and 16 concurrent keep-alive clients; the two servers run in
 * alternating slices of SLICE_MS, BENCH_ROUNDS rounds (5); each route
 * starts once the platform's consumers have caught up. Targets:
 * events/s >= 0.8x bare, p99 <= 1.5x bare.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';
import { provisionTopics } from '../local/provision';
import { withAdmin } from '../shared/kafka/admin';
import { createKafka } from '../shared/kafka/client';
import { esmGroupId, getConsumer, loadPlatform, topicForEventType } from '../shared/platform';
import { PlatformEnv } from '../shared/platform/env';
import type { PlatformDefinition } from '../shared/platform';
import { freePort } from './http';
import { benchDefinition } from './platform';
import { median } from './stats';
import type { BenchResult, BenchSuite } from './types';

const ROOT = join(__dirname, '..');
const BATCH = 100;
const SLICE_MS = 2_000;
const CONCURRENCIES = [1, 4, 16] as const;
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 5));
/**
 * Warm-up slices of each server before a route is measured: a running
 * platform has long passed V8's optimization of its request path, which
 * one slice did not reach (the bare server's few functions did), so the
 * lines compared a cold platform with a warm baseline (docs/performance.md).
 */
const WARM_UP_SLICES = 3;

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

/** A child process of this bench, with node itself as the process (tsx as a loader), so signals reach it. */
const child = (script: string, env: Readonly<Record<string, string>>, ipc: boolean): ChildProcess =>
  spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: ROOT,
    env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'WARN', ...env },
    stdio: ['ignore', 'ignore', 'inherit', ...(ipc ? (['ipc'] as const) : [])],
  });

const stopChild = async (proc: ChildProcess, signal: NodeJS.Signals): Promise<void> => {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  proc.kill(signal);
  await exited;
};

/**
 * The bare server's child on the bench's definition under a prefix of its
 * own (its topics provisioned first), once it listens: its base URL.
 */
const startBare = async (
  kafka: Kafka,
  def: PlatformDefinition,
): Promise<{ child: ChildProcess; api: string }> => {
  const env = { [PlatformEnv.TopicPrefix.name]: `${loadPlatform().prefix}bare-` };
  await withAdmin(kafka, (admin) => provisionTopics(admin, loadPlatform(env).platform));
  const bare = child('bench/bare-http-server.ts', env, true);
  const port = await new Promise<number>((resolve, reject) => {
    bare.once('message', (m) => resolve((m as { port: number }).port));
    bare.once('exit', (code) => reject(new Error(`the bare server exited with ${code}`)));
  });
  return { child: bare, api: `http://127.0.0.1:${port}${def.apiBasePath}` };
};

/**
 * `npm start` as a child on the bench's topics, once its API answers and the
 * conversation-log ESM (the consumer of what the bench publishes) has joined
 * its group.
 */
const startPlatform = async (
  def: PlatformDefinition,
): Promise<{ child: ChildProcess; api: string }> => {
  const port = await freePort();
  const platform = child('local/main.ts', { XSEVEN_API_PORT: String(port) }, false);
  const api = `http://127.0.0.1:${port}${def.apiBasePath}`;
  const kafka = createKafka({ clientId: 'bench-http-wait' });
  const consumer = getConsumer(def, 'conversation-log');
  const groupId = esmGroupId(consumer, topicForEventType(def, 'conversation.message'));
  for (let tries = 0; ; tries += 1) {
    if (platform.exitCode !== null) throw new Error(`npm start exited with ${platform.exitCode}`);
    const up = await fetch(`${api}/health`).then(
      (r) => r.status === 200,
      () => false,
    );
    const joined =
      up &&
      (await withAdmin(kafka, (admin) => admin.describeGroups([groupId]))).groups[0]?.state ===
        'Stable';
    if (joined) break;
    if (tries > 600) throw new Error('npm start was not running in 60 s');
    await sleep(100);
  }
  return { child: platform, api };
};

/** How long the platform's consumers may take to catch up between two routes. */
const CATCH_UP_MS = 180_000;

/**
 * Waits until the conversation-log ESM has committed every record of the
 * platform's topic (the bare server writes to its own). Each route starts
 * with the platform's consumers caught up, as the bare server (which has
 * none) always is: a route's slices include consuming its own records, not
 * the backlog the previous route left.
 */
const untilCaughtUp = async (def: PlatformDefinition): Promise<void> => {
  const topic = topicForEventType(def, 'conversation.message');
  const groupId = esmGroupId(getConsumer(def, 'conversation-log'), topic);
  const kafka = createKafka({ clientId: 'bench-http-lag' });
  const total = (offsets: readonly { offset: string }[]): number =>
    offsets.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
  await withAdmin(kafka, async (admin) => {
    const until = Date.now() + CATCH_UP_MS;
    for (;;) {
      const end = total(await admin.fetchTopicOffsets(topic));
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      if (total(committed?.partitions ?? []) >= end) return;
      if (Date.now() > until)
        throw new Error(`the platform's consumers did not catch up in ${CATCH_UP_MS} ms`);
      await sleep(200);
    }
  });
};

/** Both servers in alternating slices, every route and concurrency: one ratio and one p99 line each. */
const measure = async (
  def: PlatformDefinition,
  platformApi: string,
  bareApi: string,
): Promise<BenchResult[]> => {
  const results: BenchResult[] = [];
  for (const route of ROUTES) {
    // Warm-up of the route on both servers, just before it is measured: JIT,
    // connections, metadata. The topics are served by every broker already
    // (benchDefinition provisions them and waits,
    // shared/kafka/topic-readiness.ts): a failure here is a failure.
    for (let n = 0; n < WARM_UP_SLICES; n += 1)
      for (const base of [platformApi, bareApi])
        await slice(`${base}${route.path}`, 4, route.events, route.body);
    await untilCaughtUp(def);
    for (const clients of CONCURRENCIES) {
      const ratios: number[] = [];
      const bareRates: number[] = [];
      const ours: number[] = [];
      const bare: number[] = [];
      for (let round = 0; round < ROUNDS; round += 1) {
        const run = (base: string): Promise<Slice> =>
          slice(`${base}${route.path}`, clients, route.events, route.body);
        // Alternating which goes first: neither always meets a warmer broker.
        const p = round % 2 === 0 ? await run(platformApi) : undefined;
        const q = await run(bareApi);
        const ourSlice = p ?? (await run(platformApi));
        ratios.push(ourSlice.rate / q.rate);
        bareRates.push(q.rate);
        ours.push(...ourSlice.latencies);
        bare.push(...q.latencies);
      }
      const base = median(bareRates);
      const label = `HTTP ${route.name} through npm start vs bare node:http + kafkajs, ${clients} client(s), median of ${ROUNDS}`;
      results.push(
        {
          name: label,
          unit: 'events/s',
          baseline: base,
          value: base * median(ratios),
          higherIsBetter: true,
          target: 0.8,
        },
        {
          name: `${label}: p99`,
          unit: 'ms',
          baseline: p99(bare),
          value: p99(ours),
          higherIsBetter: false,
          target: 1.5,
        },
      );
    }
  }
  return results;
};

const run = async (): Promise<readonly BenchResult[]> => {
  const kafka = createKafka({ clientId: 'bench-http-publish' });
  // Provisions the bench's topics (XSEVEN_TOPIC_PREFIX, inherited by both
  // children) and waits until every broker serves them.
  const def = await benchDefinition(kafka);
  const bare = await startBare(kafka, def);
  try {
    const platform = await startPlatform(def);
    try {
      return await measure(def, platform.api, bare.api);
    } finally {
      await stopChild(platform.child, 'SIGINT');
    }
  } finally {
    bare.child.disconnect();
    await stopChild(bare.child, 'SIGTERM');
  }
};

export const httpPublishBench: BenchSuite = { name: 'http-publish', run };
