import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const script = join(__dirname, '..', 'kafka', 'kafka.sh');

/**
 * Ensures a broker is running (reusing a running or external one) through
 * local/kafka/kafka.sh, streaming its progress to stderr.
 *
 * @example
 * ```ts
 * await ensureBroker();
 * ```
 */
export const ensureBroker = async (): Promise<void> => {
  const child = execFile('bash', [script, 'start']);
  child.stderr?.pipe(process.stderr);
  await new Promise<void>((resolve, reject) => {
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`kafka.sh start exited with ${code}`)),
    );
    child.on('error', reject);
  });
};

/**
 * Stops the project-managed broker.
 *
 * @example
 * ```ts
 * await stopBroker();
 * ```
 */
export const stopBroker = async (): Promise<void> => {
  await promisify(execFile)('bash', [script, 'stop']);
};
