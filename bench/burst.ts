/**
 * Memory bounded in bytes (issue #13, item 5): `npm start` as a child (the
 * real command), a burst of BENCH_BURST_EVENTS (default 18,000) AI responses
 * of ~100 KiB each (1.8 GB) through its HTTP batch route, consumed by the
 * ai-responses consumer; the peak RSS of the whole local runtime (the child
 * and any process it starts) is sampled every 50 ms until every record is
 * committed. Budget 512 MB.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { join } from 'node:path';
import { createKafka } from '../shared/kafka/client';
import {
  esmGroupId,
  getConsumer,
  platform,
  topicForEventType,
  withNamespace,
} from '../shared/platform';
import { freePort, postJson } from './http';
import type { BenchResult, BenchSuite } from './types';
import { benchPrefix } from './prefix';

const EVENTS = Math.max(100, Number(process.env.BENCH_BURST_EVENTS ?? 18_000));
const PER_REQUEST = 20;
const CONCURRENCY = 2;
const BUDGET_MB = 512;
const ROOT = join(__dirname, '..');

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** RSS in bytes of a process and all its descendants (Linux /proc). */
const treeRss = (pid: number): number => {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rss = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .split(' ')
      .filter((s) => s.trim() !== '')
      .map(Number);
    return rss + children.reduce((n, c) => n + treeRss(c), 0);
  } catch {
    return 0;
  }
};

const WORDS =
  'the model answered with a long and careful explanation of order shipping refunds policy customer support tokens latency'.split(
    ' ',
  );
/** ~100 KiB of text, different for each event (compresses as prose does, not to nothing). */
const responseText = (n: number): string => {
  let seed = n * 2654435761;
  const out: string[] = [];
  let length = 0;
  while (length < 100 * 1024) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const word = `${WORDS[seed % WORDS.length] as string}${seed % 97}`;
    out.push(word);
    length += word.length + 1;
  }
  return out.join(' ');
};

const body = (first: number): string =>
  JSON.stringify({
    events: Array.from({ length: PER_REQUEST }, (_, i) => ({
      event_type: 'ai.response.generated',
      data: {
        model_name: `model-${(first + i) % 5}`,
        conversation_id: `conv-burst-${(first + i) % 500}`,
        prompt: 'Explain the shipping policy.',
        response: responseText(first + i),
        tokens_used: 25_000,
        response_time_ms: 900,
      },
    })),
  });

const run = async (): Promise<readonly BenchResult[]> => {
  const prefix = benchPrefix('burst');
  const def = withNamespace(platform, prefix);
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      XSEVEN_TOPIC_PREFIX: prefix,
      XSEVEN_API_PORT: String(port),
      POWERTOOLS_LOG_LEVEL: 'WARN',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const pid = child.pid as number;
  let peak = 0;
  let idle = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, treeRss(pid));
  }, 50);
  const api = `http://127.0.0.1:${port}${def.apiBasePath}`;
  const kafka = createKafka({ clientId: 'bench-burst' });
  const admin = kafka.admin();
  try {
    for (let tries = 0; ; tries += 1) {
      const up = await fetch(`${api}/health`).then(
        (r) => r.status < 500,
        () => false,
      );
      if (up) break;
      if (tries > 600) throw new Error('npm start did not answer in 60 s');
      await sleep(100);
    }
    // Wait for the ESMs: the group of ai-responses has joined once its offsets are readable.
    await sleep(3_000);
    idle = treeRss(pid);
    const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < EVENTS) {
        const first = next;
        next += PER_REQUEST;
        await postJson(agent, `${api}/events/batch`, body(first));
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    agent.destroy();
    await admin.connect();
    const consumer = getConsumer(def, 'ai-responses');
    const topic = topicForEventType(def, 'ai.response.generated');
    const sent = Math.ceil(EVENTS / PER_REQUEST) * PER_REQUEST;
    for (;;) {
      const [offsets] = await admin.fetchOffsets({
        groupId: esmGroupId(consumer, topic),
        topics: [topic],
      });
      const committed = (offsets?.partitions ?? []).reduce(
        (n, p) => n + Math.max(0, Number(p.offset)),
        0,
      );
      if (committed >= sent) break;
      await sleep(200);
    }
  } finally {
    clearInterval(sampler);
    await admin.disconnect().catch(() => undefined);
    child.kill('SIGINT');
    await exited;
  }
  const mb = (b: number): number => b / 2 ** 20;
  return [
    {
      name: `burst ${EVENTS} AI responses of ~100 KiB through npm start: peak RSS of the local runtime (idle ${mb(idle).toFixed(0)} MB) vs the ${BUDGET_MB} MB budget`,
      unit: 'MB',
      baseline: BUDGET_MB,
      value: mb(peak),
      higherIsBetter: false,
      target: 1,
    },
  ];
};

export const burstBench: BenchSuite = { name: 'burst', run };
