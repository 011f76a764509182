import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { eventually } from '../support/eventually';

const run = promisify(execFile);
const script = join(__dirname, '..', '..', 'local', 'kafka', 'kafka.sh');
const home = mkdtempSync(join(tmpdir(), 'xseven-kafka3-'));
const env: NodeJS.ProcessEnv = {
  ...process.env,
  KAFKA_BOOTSTRAP_SERVERS: '',
  XSEVEN_KAFKA_HOME: home,
  XSEVEN_KAFKA_PORT: '19492',
  XSEVEN_KAFKA_NO_DOCKER: '1',
  XSEVEN_KAFKA_HEAP: '384m',
};

describe('three-broker mode (fault tests)', () => {
  afterAll(async () => {
    await run('bash', [script, 'stop'], { env });
  });

  it('replicates with RF 3 and keeps accepting acks=all writes when one broker dies', async () => {
    const started = await run('bash', [script, 'start', '--brokers', '3'], { env });
    expect(started.stderr).toContain('127.0.0.1:19492,127.0.0.1:19494,127.0.0.1:19496');

    const kafka = new Kafka({
      brokers: ['127.0.0.1:19492', '127.0.0.1:19494'],
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    await eventually(async () => expect((await admin.describeCluster()).brokers).toHaveLength(3));
    // kafkajs' own wait for leaders gives up on KRaft's brief "unknown topic"; poll instead.
    await admin.createTopics({
      topics: [{ topic: 'fault', numPartitions: 3 }],
      waitForLeaders: false,
    });
    const replicas = await eventually(async () => {
      const metadata = await admin.fetchTopicMetadata({ topics: ['fault'] });
      const partitions = metadata.topics[0]?.partitions ?? [];
      expect(partitions.map((p) => p.isr.length)).toEqual([3, 3, 3]);
      return partitions.map((p) => p.replicas.length);
    });
    expect(replicas).toEqual([3, 3, 3]);

    // Kill broker 3 hard: leadership moves to the survivors, and with
    // min.insync.replicas=2 acks=all writes still succeed.
    process.kill(Number(readFileSync(join(home, 'node-3', 'pid'), 'utf8')), 'SIGKILL');
    await eventually(async () => {
      const metadata = await admin.fetchTopicMetadata({ topics: ['fault'] });
      expect(metadata.topics[0]?.partitions.map((p) => p.leader)).not.toContain(3);
    }, 30_000);
    await admin.disconnect();

    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    const sent = await producer.send({
      topic: 'fault',
      acks: -1,
      messages: Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })),
    });
    expect(sent.map((r) => r.errorCode)).toEqual(sent.map(() => 0));
    expect(sent).toHaveLength(3);
    await producer.disconnect();
  }, 180_000);
});
