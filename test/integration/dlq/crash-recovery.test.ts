import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { createDlqRetryHandler } from '../../../functions/dlq-retry/handler';
import { createLogger } from '../../../shared/observability/logger';
import { testKafka } from '../../support/kafka';
import { dlqPlatform, invocation, readAll, syntheticFailure, writeFailure } from './support';

const ROOT = path.resolve(__dirname, '../../..');
const CHILD = path.join(__dirname, 'kill-mover-child.ts');

/** Runs the child mover until it reports a sent-but-uncommitted transaction, then SIGKILLs it. */
const killBetweenProduceAndCommit = async (definitionJson: string, killAt: number, perTx: number) =>
  new Promise<string>((resolve, reject) => {
    // node itself runs the mover (tsx as a loader, not a wrapper process), so the kill hits the mover.
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', CHILD, definitionJson, String(killAt), String(perTx)],
      {
        cwd: ROOT,
        env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'ERROR' },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`child never reached the commit: ${out}`));
    }, 45_000);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const sent = /SENT (\d+)/.exec(out);
      if (sent) child.kill('SIGKILL');
    });
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL' && /SENT/.test(out)) resolve(out.trim());
      else
        reject(new Error(`child exited (${String(signal)}) without reaching the commit: ${out}`));
    });
  });

/** Reads `topic` read_uncommitted until `atLeast` records are seen (or 15 s pass); returns the count. */
const countUncommitted = async (kafka: Kafka, topic: string, atLeast: number): Promise<number> => {
  const consumer = kafka.consumer({
    groupId: `uncommitted-${randomUUID()}`,
    readUncommitted: true,
    maxWaitTimeInMs: 100,
  });
  let seen = 0;
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 15_000);
      void consumer.run({
        eachMessage: async () => {
          seen += 1;
          if (seen >= atLeast) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return seen;
};

describe('DLQ mover crash between produce and commit (real broker, transactions)', () => {
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;

  beforeAll(async () => {
    kafka = testKafka('dlq-crash-test');
    admin = kafka.admin();
    producer = kafka.producer({ idempotent: true });
    await Promise.all([admin.connect(), producer.connect()]);
  });
  afterAll(async () => {
    await Promise.all([admin.disconnect(), producer.disconnect()]);
  });

  it('after a restart no record is lost and none is republished twice', async () => {
    const def = await dlqPlatform(admin, {
      strategy: { kind: 'fixed', delayMs: 0 },
      maxRetries: 3,
    });
    const topic = def.topics[0]!.name;
    const ids = Array.from({ length: 10 }, (_, i) => `crash-${i}`);
    for (const id of ids) await writeFailure(producer, def, syntheticFailure(topic, id));

    // 4 records per transaction: the first commits, the second is sent and then the process dies.
    expect(await killBetweenProduceAndCommit(JSON.stringify(def), 2, 4)).toBe('SENT 4');
    // The killed transaction's records reached the log (a read_uncommitted reader sees them) ...
    expect(await countUncommitted(kafka, topic, 8)).toBe(8);

    // ... and the restarted run fences the dead producer, aborting them, then finishes the work.
    const summary = await createDlqRetryHandler({
      kafka,
      platform: def,
      idleMs: 1500,
      logger: createLogger('dlq-crash-test'),
    })({}, invocation());
    expect(summary).toMatchObject({ read: 6, retried: 6, complete: true });

    const republished = await readAll(kafka, admin, [topic], { atLeast: ids.length });
    const keys = republished.map((r) => r.message.key?.toString()).sort();
    expect(keys).toEqual(ids.map((id) => `key-${id}`).sort());
    const again = await createDlqRetryHandler({
      kafka,
      platform: def,
      idleMs: 1500,
      logger: createLogger('dlq-crash-test'),
    })({}, invocation());
    expect(again).toMatchObject({ read: 0, retried: 0 });
    expect(await readAll(kafka, admin, [topic], { atLeast: ids.length })).toHaveLength(ids.length);
  });
});
