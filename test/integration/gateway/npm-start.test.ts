import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { uniquePrefix } from '../../support/kafka';
import { startTestSchemaRegistry } from '../../support/schema-registry';
import type { TestSchemaRegistry } from '../../support/schema-registry';

const ROOT = join(__dirname, '..', '..', '..');

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

/** Waits until the child's output contains `text`, or fails after `timeoutMs`. */
const waitFor = (child: ChildProcess, text: string, timeoutMs: number): Promise<void> =>
  new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => reject(new Error(`"${text}" not seen in ${timeoutMs} ms:\n${output.slice(-2000)}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes(text)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited with ${code}:\n${output.slice(-2000)}`));
    });
  });

describe('npm start', () => {
  let child: ChildProcess | undefined;
  let registry: TestSchemaRegistry | undefined;

  afterAll(async () => {
    await registry?.close();
    if (child?.exitCode === null) {
      const exited = new Promise((resolve) => child?.once('exit', resolve));
      child.kill('SIGINT');
      await exited;
    }
  }, 60_000);

  it("registers the committed schemas, then serves the seed's publish example through the local API gateway", async () => {
    const port = await freePort();
    registry = await startTestSchemaRegistry();
    const prefix = uniquePrefix('start');
    child = spawn(
      // What `npm start` runs, with node itself as the process (tsx as a loader), so
      // the signal below reaches it and nothing is left behind.
      process.execPath,
      ['--import', 'tsx', 'local/main.ts'],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          XSEVEN_API_PORT: String(port),
          XSEVEN_TOPIC_PREFIX: prefix,
          SCHEMA_REGISTRY_URL: registry.url,
          POWERTOOLS_LOG_LEVEL: 'INFO',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    await waitFor(child, 'API gateway listening', 120_000);
    // registered at topics provisioning time, before the services start
    expect(registry.subjects.get(`${prefix}conversation-started-v1`)).toHaveLength(1);
    expect(registry.config.get(`${prefix}conversation-started-v1`)).toBe('BACKWARD');
    expect(registry.subjects.size).toBe(12);
    const response = await fetch(`http://localhost:${port}/api/v1/kafka/events/conversation`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        conversation_id: 'conv_123',
        user_id: 'user_456',
        action: 'started',
        metadata: { conversation_type: 'support' },
      }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      status: 'published',
      event_type: 'conversation.started',
      key: 'conv_123',
    });
    const openapi = await fetch(`http://localhost:${port}/api/v1/kafka/openapi.json`);
    expect(openapi.status).toBe(200);
  }, 180_000);
});
