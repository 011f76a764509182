import { execFile } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import type { Admin } from 'kafkajs';
import { createTopicsAndWait } from '../../shared/kafka/topic-readiness';
import { platform, withNamespace } from '../../shared/platform';
import { eventually } from '../support/eventually';
import { uniquePrefix } from '../support/kafka';
import {
  freePort,
  startLocalPlatform,
  stopLocalPlatform,
  waitForOutput,
} from '../support/local-process';

const run = promisify(execFile);
const script = join(__dirname, '..', '..', 'local', 'kafka', 'kafka.sh');
const home = mkdtempSync(join(tmpdir(), 'xseven-kafka3-'));
const BOOTSTRAP = '127.0.0.1:19492,127.0.0.1:19494,127.0.0.1:19496';
const env: NodeJS.ProcessEnv = {
  ...process.env,
  KAFKA_BOOTSTRAP_SERVERS: '',
  XSEVEN_KAFKA_HOME: home,
  XSEVEN_KAFKA_PORT: '19492',
  XSEVEN_KAFKA_NO_DOCKER: '1',
  XSEVEN_KAFKA_HEAP: '384m',
};

describe('three-broker mode (fault tests)', () => {
  let started: { stderr: string };
  let kafka: Kafka;
  let admin: Admin;

  beforeAll(async () => {
    started = await run('bash', [script, 'start', '--brokers', '3'], { env });
    kafka = new Kafka({
      brokers: ['127.0.0.1:19492', '127.0.0.1:19494'],
      logLevel: logLevel.NOTHING,
    });
    admin = kafka.admin();
    await admin.connect();
  }, 180_000);

  afterAll(async () => {
    await admin?.disconnect();
    await run('bash', [script, 'stop'], { env });
  }, 60_000);

  it('npm start provisions the definition on the fresh cluster and runs (no exit on "unknown topic")', async () => {
    expect(started.stderr).toContain(BOOTSTRAP);
    const prefix = uniquePrefix('start3');
    let child: ChildProcess | undefined;
    try {
      const port = await freePort();
      const local = startLocalPlatform({
        KAFKA_BOOTSTRAP_SERVERS: BOOTSTRAP,
        XSEVEN_API_PORT: String(port),
        XSEVEN_TOPIC_PREFIX: prefix,
        XSEVEN_KAFKA_HOME: home,
        XSEVEN_ON_FAILURE_DIR: join(home, 'on-failure'),
      });
      child = local;
      await waitForOutput(local, 'xseven-events is running locally', 150_000);
      const health = await fetch(`http://localhost:${port}/api/v1/kafka/health`);
      expect(health.status).toBe(200);
      expect(local.output.join('')).not.toContain('"level":"ERROR"');
    } finally {
      expect(await stopLocalPlatform(child)).toBe(0);
    }
    // Every topic of the definition, three replicas each, served by every broker.
    const names = withNamespace(platform, prefix).topics.map((t) => t.name);
    const { topics } = await admin.fetchTopicMetadata({ topics: names });
    expect(topics.map((t) => t.name).sort()).toEqual([...names].sort());
    for (const t of topics) for (const p of t.partitions) expect(p.replicas).toHaveLength(3);
  }, 240_000);

  it('replicates with RF 3 and keeps accepting acks=all writes when one broker dies', async () => {
    await eventually(async () => expect((await admin.describeCluster()).brokers).toHaveLength(3));
    await createTopicsAndWait(admin, [{ topic: 'fault', numPartitions: 3 }]);
    const replicas = await eventually(async () => {
      const metadata = await admin.fetchTopicMetadata({ topics: ['fault'] });
      const partitions = metadata.topics[0]?.partitions ?? [];
      expect(partitions.map((p) => p.isr.length)).toEqual([3, 3, 3]);
      return partitions.map((p) => p.replicas.length);
    });
    expect(replicas).toEqual([3, 3, 3]);

    // Kill broker 3 hard (the script's SIGKILL of one node): leadership moves
    // to the survivors, and with min.insync.replicas=2 acks=all writes still succeed.
    const killed = await run('bash', [script, 'kill', '--node', '3'], { env });
    expect(killed.stderr).toContain('broker 3 stopped');
    expect(existsSync(join(home, 'node-3', 'pid'))).toBe(false);
    await eventually(async () => {
      const metadata = await admin.fetchTopicMetadata({ topics: ['fault'] });
      expect(metadata.topics[0]?.partitions.map((p) => p.leader)).not.toContain(3);
    }, 30_000);

    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    const sent = await producer.send({
      topic: 'fault',
      acks: -1,
      messages: Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })),
    });
    expect(sent.map((r) => r.errorCode)).toEqual(sent.map(() => 0));
    expect(sent).toHaveLength(3);

    // The same node comes back on its own storage and catches up.
    await run('bash', [script, 'start', '--node', '3'], { env });
    await eventually(async () => {
      const metadata = await admin.fetchTopicMetadata({ topics: ['fault'] });
      expect(metadata.topics[0]?.partitions.map((p) => p.isr.length)).toEqual([3, 3, 3]);
    }, 60_000);
    await expect(run('bash', [script, 'stop', '--node', '4'], { env })).rejects.toMatchObject({
      stderr: expect.stringContaining('--node must be between 1 and 3') as unknown,
    });
    await producer.disconnect();
  }, 180_000);
});
