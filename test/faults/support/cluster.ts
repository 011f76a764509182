import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const script = join(__dirname, '..', '..', '..', 'local', 'kafka', 'kafka.sh');

/** A private three-broker JVM cluster, driven through `local/kafka/kafka.sh` (`--node N` for one broker). */
export interface FaultCluster {
  readonly home: string;
  readonly bootstrap: string;
  readonly start: () => Promise<void>;
  readonly stop: () => Promise<void>;
  /** `kill` = SIGKILL (a crash), `stop` = SIGTERM, `start` = relaunch on its own storage. */
  readonly node: (action: 'kill' | 'stop' | 'start', node: number) => Promise<void>;
}

/**
 * A three-broker cluster on `basePort`..`basePort + 5` with its own data
 * directory; the fault tests use ports 28100-28199 so they never meet
 * another engineer's broker or the integration suite's.
 */
export const faultCluster = (basePort: number, label: string): FaultCluster => {
  const home = mkdtempSync(join(tmpdir(), `xseven-${label}-`));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KAFKA_BOOTSTRAP_SERVERS: '',
    XSEVEN_KAFKA_HOME: home,
    XSEVEN_KAFKA_PORT: String(basePort),
    XSEVEN_KAFKA_NO_DOCKER: '1',
    XSEVEN_KAFKA_HEAP: '384m',
    XSEVEN_KAFKA_READY_TIMEOUT: '150',
  };
  const kafka = async (...args: string[]): Promise<void> => {
    await run('bash', [script, ...args], { env });
  };
  return {
    home,
    bootstrap: [0, 2, 4].map((d) => `127.0.0.1:${basePort + d}`).join(','),
    start: () => kafka('start', '--brokers', '3'),
    stop: () => kafka('stop'),
    node: (action, node) => kafka(action, '--node', String(node)),
  };
};
