import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const script = join(__dirname, '..', '..', 'local', 'kafka', 'kafka.sh');

/** A second, private broker on other ports, so the shared test broker is untouched. */
const env = (home: string): NodeJS.ProcessEnv => ({
  ...process.env,
  KAFKA_BOOTSTRAP_SERVERS: '',
  XSEVEN_KAFKA_HOME: home,
  XSEVEN_KAFKA_PORT: '19192',
  XSEVEN_KAFKA_NO_DOCKER: '1',
  XSEVEN_KAFKA_HEAP: '384m',
});

const processAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('kafka.sh (the project-managed broker)', () => {
  const home = mkdtempSync(join(tmpdir(), 'xseven-kafka-'));

  afterAll(async () => {
    await run('bash', [script, 'stop'], { env: env(home) });
  });

  it('starts, reuses on a second start, and stops leaving no process', async () => {
    const first = await run('bash', [script, 'start'], { env: env(home) });
    expect(first.stderr).toContain('ready: KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:19192');
    const pid = Number(readFileSync(join(home, 'node-1', 'pid'), 'utf8'));
    expect(processAlive(pid)).toBe(true);

    const second = await run('bash', [script, 'start'], { env: env(home) });
    expect(second.stderr).toContain('already running');
    expect(Number(readFileSync(join(home, 'node-1', 'pid'), 'utf8'))).toBe(pid);

    const status = await run('bash', [script, 'status'], { env: env(home) });
    expect(status.stdout).toContain('running (jvm, 1 broker(s)');

    await run('bash', [script, 'stop'], { env: env(home) });
    expect(processAlive(pid)).toBe(false);
    await expect(run('bash', [script, 'status'], { env: env(home) })).rejects.toMatchObject({
      code: 3,
    });
  }, 120_000);

  it('refuses to start on a taken port with a clear error', async () => {
    const { createServer } = await import('node:net');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(19292, '127.0.0.1', resolve));
    try {
      const other = mkdtempSync(join(tmpdir(), 'xseven-kafka-'));
      await expect(
        run('bash', [script, 'start'], { env: { ...env(other), XSEVEN_KAFKA_PORT: '19292' } }),
      ).rejects.toMatchObject({ stderr: expect.stringContaining('port 19292 is taken') });
    } finally {
      server.close();
    }
  });
});
