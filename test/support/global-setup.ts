import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const script = join(__dirname, '..', '..', 'local', 'kafka', 'kafka.sh');

/**
 * Integration tests need a real broker: start the project's own (idempotent;
 * an already running or external one is reused). Remember whether we started
 * it so that teardown stops only what it started.
 */
export default function globalSetup(): void {
  // Tests (workers inherit this env) talk to the broker the script manages.
  process.env.KAFKA_BOOTSTRAP_SERVERS ||= `127.0.0.1:${process.env.XSEVEN_KAFKA_PORT ?? '9092'}`;
  let running = true;
  try {
    execFileSync('bash', [script, 'status'], { stdio: 'ignore' });
  } catch {
    running = false;
  }
  if (!running) execFileSync('bash', [script, 'start'], { stdio: 'inherit' });
  process.env.XSEVEN_TEST_STARTED_BROKER = running ? '0' : '1';
}
