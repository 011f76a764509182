import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** Stops the broker if (and only if) the global setup started it. */
export default function globalTeardown(): void {
  if (process.env.XSEVEN_TEST_STARTED_BROKER !== '1') return;
  execFileSync('bash', [join(__dirname, '..', '..', 'local', 'kafka', 'kafka.sh'), 'stop'], {
    stdio: 'inherit',
  });
}
