import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Kafka } from 'kafkajs';
import { provisionTopics } from '../../local/provision';
import { createKafka } from '../../shared/kafka/client';
import { loadKafkaConnectionConfig } from '../../shared/kafka/connection-config';
import type { PlatformDefinition } from '../../shared/platform';

const run = promisify(execFile);
const script = join(__dirname, '..', '..', 'local', 'kafka', 'kafka.sh');

/** A one-broker cluster of a test's own, driven through `local/kafka/kafka.sh`. */
export interface PrivateBroker {
  /** Starts the broker. */
  readonly start: () => Promise<void>;
  /** Stops the broker (SIGTERM, then waits for it). */
  readonly stop: () => Promise<void>;
  /** The broker JVM's pid, from the pid file kafka.sh keeps in its data directory. */
  readonly pid: () => number;
  /** A client of this broker with the given connection settings, its definition's topics provisioned. */
  readonly provisioned: (
    def: PlatformDefinition,
    clientId: string,
    connection?: Readonly<Record<string, string>>,
  ) => Promise<Kafka>;
}

/**
 * A private broker on its own port and data directory, for tests that stop
 * or freeze it: the shared test broker is never touched. Each such test
 * file takes a port of its own (they may run in parallel).
 *
 * @example
 * ```ts
 * const broker = privateBroker(19392, 'publish-down');
 * beforeAll(() => broker.start());
 * afterAll(() => broker.stop());
 * ```
 */
export const privateBroker = (port: number, label: string): PrivateBroker => {
  const home = mkdtempSync(join(tmpdir(), `xseven-${label}-`));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KAFKA_BOOTSTRAP_SERVERS: '',
    XSEVEN_KAFKA_HOME: home,
    XSEVEN_KAFKA_PORT: String(port),
    XSEVEN_KAFKA_NO_DOCKER: '1',
    XSEVEN_KAFKA_HEAP: '384m',
  };
  return {
    start: async () => {
      await run('bash', [script, 'start'], { env });
    },
    stop: async () => {
      await run('bash', [script, 'stop'], { env });
    },
    pid: () => {
      const node = readdirSync(home).find((d) => d.startsWith('node-')) ?? '';
      return Number(readFileSync(join(home, node, 'pid'), 'utf8').trim());
    },
    provisioned: async (def, clientId, connection = {}) => {
      const kafka = createKafka({
        config: loadKafkaConnectionConfig({
          KAFKA_BOOTSTRAP_SERVERS: `127.0.0.1:${port}`,
          ...connection,
        }),
        clientId,
      });
      const admin = kafka.admin();
      await admin.connect();
      await provisionTopics(admin, def).finally(() => admin.disconnect());
      return kafka;
    },
  };
};
