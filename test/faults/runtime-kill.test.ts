import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import type { Admin } from 'kafkajs';
import { provisionTopics } from '../../local/provision';
import { platform, topicForEventType, withNamespace } from '../../shared/platform';
import type { PlatformDefinition } from '../../shared/platform';
import { eventMessage } from '../integration/consumer/helpers';
import { produce } from '../integration/esm/helpers';
import { EventHeader } from '../../shared/events';
import { eventually } from '../support/eventually';
import { uniquePrefix } from '../support/kafka';
import { startLocalPlatform, stopLocalPlatform, waitForOutput } from '../support/local-process';
import { header, readAll } from '../integration/dlq/support';
import { appended, postDlqRetry, writeDeadLetters } from './support/dead-letters';
import { faultCluster } from './support/cluster';
import { recordFigures, seconds } from './support/figures';
import type { ProbeArm, ProbeSignal } from './support/probe-runtime';
import { readEventIds } from './support/readback';

/**
 * The runtime killed at a chosen point (issue #15, item 3): the local ESM
 * runs a probe consumer (test/faults/support/probe-runtime.ts) that tells
 * the test when half of a batch is handled, or when a dead-letter write has
 * started, and stalls there; the test SIGKILLs it at that moment, restarts
 * it, and checks that every record was handled or dead-lettered, none
 * skipped.
 */
const BASE_PORT = 28120; // brokers 28120-28125
const API_PORT = 28130;
/** Dead letters of the manual-retry scenario: 30 of the mover's transactions of 100. */
const LETTERS = 3_000;
const ROOT = join(__dirname, '..', '..');
const RECORDS = 600;

const cluster = faultCluster(BASE_PORT, 'faults-runtime');

interface Probe {
  readonly child: ChildProcess;
  readonly signalled: Promise<ProbeSignal>;
  readonly ready: Promise<void>;
}

const startProbe = (prefix: string, log: string, arm?: ProbeArm): Probe => {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'test/faults/support/probe-runtime.ts')],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        KAFKA_BOOTSTRAP_SERVERS: cluster.bootstrap,
        XSEVEN_TOPIC_PREFIX: prefix,
        XSEVEN_ON_FAILURE_DIR: join(cluster.home, 'on-failure'),
        FAULT_HANDLED_LOG: log,
        POWERTOOLS_LOG_LEVEL: 'ERROR',
        ...(arm === undefined ? {} : { FAULT_ARM: arm }),
      },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    },
  );
  const ready = new Promise<void>((resolve, reject) => {
    child.on('message', (m) => m === 'ready' && resolve());
    child.once('exit', (code) => reject(new Error(`the probe runtime exited with ${code}`)));
  });
  const signalled = new Promise<ProbeSignal>((resolve) => {
    child.on('message', (m) => typeof m === 'object' && resolve(m as ProbeSignal));
  });
  ready.catch(() => undefined);
  return { child, ready, signalled };
};

const kill = async (child: ChildProcess, signal: NodeJS.Signals): Promise<void> => {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
};

const handledIds = (log: string): Map<string, number> => {
  const counts = new Map<string, number>();
  if (!existsSync(log)) return counts;
  for (const id of readFileSync(log, 'utf8').split('\n'))
    if (id !== '') counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
};

describe('runtime killed mid-batch (npm run test:faults)', () => {
  let admin: Admin;
  let kafka: Kafka;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    await cluster.start();
    kafka = new Kafka({
      clientId: 'fault-runtime',
      brokers: cluster.bootstrap.split(','),
      logLevel: logLevel.NOTHING,
    });
    admin = kafka.admin();
    await admin.connect();
  }, 360_000);

  afterAll(async () => {
    // npm start's runtimes' logs, kept with the cluster's data for diagnosis (docs/reliability.md).
    children.forEach((child, i) => {
      const { output } = child as { output?: string[] };
      if (output) writeFileSync(join(cluster.home, `runtime-${i}.log`), output.join(''));
    });
    for (const child of children) await kill(child, 'SIGKILL');
    await admin?.disconnect();
    await cluster.stop();
  }, 180_000);

  /** Produces RECORDS user actions (every `poisonEvery`-th one poison) to a fresh namespace. */
  const setUp = async (label: string, poisonEvery = 0) => {
    const prefix = uniquePrefix(label);
    const def: PlatformDefinition = withNamespace(platform, prefix);
    await provisionTopics(admin, def);
    const records = Array.from({ length: RECORDS }, (_, i) =>
      eventMessage('user.action', {
        user_id: `u-${i % 13}`,
        action: poisonEvery > 0 && i % poisonEvery === 0 ? 'poison' : 'click',
      }),
    );
    await produce(
      kafka,
      topicForEventType(def, 'user.action'),
      records.map((r) => r.message),
    );
    const ids = records.map((r) => String(r.envelope.id));
    const poison = new Set(ids.filter((_, i) => poisonEvery > 0 && i % poisonEvery === 0));
    return { prefix, def, ids, poison, log: join(cluster.home, `${prefix}handled.log`) };
  };

  /** Runs the armed probe until its signal, SIGKILLs it there, restarts it unarmed. */
  const killAtSignalAndRestart = async (prefix: string, log: string, arm: ProbeArm) => {
    const armed = startProbe(prefix, log, arm);
    children.push(armed.child);
    let timer: NodeJS.Timeout | undefined;
    const signal = await Promise.race([
      armed.signalled,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no ${arm} signal in 180 s`)), 180_000);
      }),
    ]).finally(() => clearTimeout(timer));
    await kill(armed.child, 'SIGKILL');
    const handledAtKill = handledIds(log).size;
    const restartedAt = Date.now();
    const again = startProbe(prefix, log);
    children.push(again.child);
    await again.ready;
    return { signal, handledAtKill, restartedAt, again };
  };

  it('SIGKILL when half of a batch is handled: after a restart every record is handled, none skipped', async () => {
    const { prefix, ids, log } = await setUp('halfkill');
    const { signal, handledAtKill, restartedAt, again } = await killAtSignalAndRestart(
      prefix,
      log,
      'half-batch',
    );
    expect(signal.handled).toBe(Math.floor(signal.batch / 2));
    expect(handledAtKill).toBeLessThan(ids.length);
    await eventually(
      async () => {
        const handled = handledIds(log);
        expect(ids.filter((id) => !handled.has(id))).toEqual([]);
      },
      120_000,
      500,
    );
    const recoveredMs = Date.now() - restartedAt;
    await kill(again.child, 'SIGTERM');
    const handled = handledIds(log);
    const twice = ids.filter((id) => (handled.get(id) ?? 0) > 1).length;
    recordFigures({
      scenario: 'Runtime SIGKILLed when half a batch is handled, restarted',
      load: `${RECORDS} user actions, batches of up to ${platform.consumers.find((c) => c.name === 'system-monitoring')?.batchSize ?? 100}`,
      faults: `SIGKILL after ${signal.handled} of ${signal.batch} records of a batch`,
      checked: `${ids.length} records, all handled; duplicates are the killed batch's redelivery (at-least-once)`,
      lost: ids.filter((id) => !handled.has(id)).length,
      duplicated: twice,
      recovery: `all handled ${seconds(recoveredMs)} after the restart`,
    });
  }, 420_000);

  it('SIGKILL while a dead-letter write is in flight: after a restart every record is handled or dead-lettered', async () => {
    const { prefix, def, ids, poison, log } = await setUp('dlqkill', 10);
    const { signal, restartedAt, again } = await killAtSignalAndRestart(prefix, log, 'dlq-write');
    expect(signal.handled).toBeGreaterThan(0);
    let lettered = new Map<string, number>();
    await eventually(
      async () => {
        const handled = handledIds(log);
        lettered = await readEventIds(cluster.bootstrap, [def.dlq.topic]);
        expect(ids.filter((id) => !poison.has(id) && !handled.has(id))).toEqual([]);
        expect([...poison].filter((id) => !lettered.has(id))).toEqual([]);
      },
      120_000,
      1_000,
    );
    const recoveredMs = Date.now() - restartedAt;
    await kill(again.child, 'SIGTERM');
    const handled = handledIds(log);
    // A poison record is never "handled"; a valid one never dead-lettered.
    expect([...poison].filter((id) => handled.has(id))).toEqual([]);
    expect(ids.filter((id) => !poison.has(id) && lettered.has(id))).toEqual([]);
    recordFigures({
      scenario: 'Runtime SIGKILLed during a DLQ write, restarted',
      load: `${RECORDS} user actions, ${poison.size} poison`,
      faults: `SIGKILL while ${signal.handled} dead letters were being written`,
      checked: `${ids.length - poison.size} handled, ${poison.size} dead-lettered; duplicates are the killed batch's redelivery (at-least-once)`,
      lost:
        ids.filter((id) => !poison.has(id) && !handled.has(id)).length +
        [...poison].filter((id) => !lettered.has(id)).length,
      duplicated:
        ids.filter((id) => (handled.get(id) ?? 0) > 1).length +
        [...poison].filter((id) => (lettered.get(id) ?? 0) > 1).length,
      recovery: `all handled or dead-lettered ${seconds(recoveredMs)} after the restart`,
    });
  }, 420_000);

  it('SIGKILL while a manual DLQ retry (POST /dead-letter-queue/retry) is in flight: after a restart and a new request every record is on its original topic or still in the DLQ, none lost', async () => {
    const prefix = uniquePrefix('dlqretrykill');
    const def: PlatformDefinition = withNamespace(platform, prefix);
    await provisionTopics(admin, def);
    const original = topicForEventType(def, 'user.action');
    const ids = Array.from({ length: LETTERS }, (_, i) => `${prefix}letter-${i}`);
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    await writeDeadLetters(producer, def, original, ids).finally(() => producer.disconnect());
    const token = `fault-operator-${prefix}`.padEnd(24, 'x');
    const apiBase = `http://127.0.0.1:${API_PORT}${platform.apiBasePath}`;
    const env = {
      KAFKA_BOOTSTRAP_SERVERS: cluster.bootstrap,
      XSEVEN_API_PORT: String(API_PORT),
      XSEVEN_API_TOKEN: token,
      XSEVEN_TOPIC_PREFIX: prefix,
      XSEVEN_KAFKA_HOME: cluster.home,
      XSEVEN_ON_FAILURE_DIR: join(cluster.home, 'on-failure'),
    };
    const first = startLocalPlatform(env);
    children.push(first);
    await waitForOutput(first, 'xseven-events is running locally', 180_000);

    // The request moves 100 records per transaction; kill the runtime once the first are sent.
    let answered: number | false = false;
    const request = postDlqRetry(apiBase, token, { limit: 10_000 }).then(
      (a) => {
        answered = a.status;
        return a;
      },
      () => undefined,
    );
    let killedAfter = 0;
    await eventually(
      async () => {
        killedAfter = await appended(admin, original);
        expect(killedAfter).toBeGreaterThan(0);
      },
      120_000,
      20,
    );
    await kill(first, 'SIGKILL');
    await request;
    // Killed while the request was in flight, not after it answered.
    expect(answered).toBe(false);

    const restartedAt = Date.now();
    const second = startLocalPlatform(env);
    children.push(second);
    await waitForOutput(second, 'xseven-events is running locally', 180_000);
    // The new request's mover has the same transactional id: it aborts the killed one's open transaction.
    let retry = await postDlqRetry(apiBase, token, { limit: 10_000 });
    await eventually(
      async () => {
        if (retry.status !== 200) retry = await postDlqRetry(apiBase, token, { limit: 10_000 });
        expect(retry.status).toBe(200);
      },
      120_000,
      2_000,
    );
    const pending = await postDlqRetry(apiBase, token, { dry_run: true, limit: 10_000 });
    const recoveredMs = Date.now() - restartedAt;
    const reads = await readAll(kafka, admin, [original], {
      atLeast: ids.length,
      timeoutMs: 120_000,
    });
    await stopLocalPlatform(second);
    const counts = new Map<string, number>();
    for (const { message } of reads) {
      const id = header(message, EventHeader.Id) ?? '(no id)';
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    // Lost: neither on its original topic nor still waiting in the DLQ.
    const waiting = new Set(pending.eventIds);
    const lost = ids.filter((id) => !counts.has(id) && !waiting.has(id));
    const twice = ids.filter((id) => (counts.get(id) ?? 0) > 1);
    recordFigures({
      scenario: 'Runtime SIGKILLed during a manual DLQ retry, restarted',
      load: `${LETTERS} dead letters, POST /dead-letter-queue/retry (transactions of 100)`,
      faults: `SIGKILL of npm start's runtime once ${killedAfter} records were sent, before the answer`,
      checked: `${ids.length} records after a restart and a second request: ${ids.filter((id) => counts.has(id)).length} on their original topic (read_committed), ${ids.filter((id) => waiting.has(id)).length} still in the DLQ; duplicates are records retried twice (at-least-once)`,
      lost: lost.length,
      duplicated: twice.length,
      recovery: `second request answered ${seconds(recoveredMs)} after the restart`,
    });
    expect(pending.status).toBe(200);
    expect(lost).toEqual([]);
  }, 600_000);
});
