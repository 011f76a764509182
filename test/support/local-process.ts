import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** A TCP port free on 127.0.0.1 at the time of asking. */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

/** `npm start` as a child, with node itself as the process (tsx as a loader), so signals reach it. */
export const startLocalPlatform = (env: NodeJS.ProcessEnv): ChildProcess & { output: string[] } => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'INFO', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  return Object.assign(child, { output });
};

/** Waits until the child's output contains `text`; fails if it exits first or after `timeoutMs`. */
export const waitForOutput = (
  child: ChildProcess & { output: string[] },
  text: string,
  timeoutMs: number,
): Promise<void> =>
  new Promise((resolve, reject) => {
    const tail = () => child.output.join('').slice(-3000);
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`"${text}" not seen in ${timeoutMs} ms:\n${tail()}`));
    }, timeoutMs);
    const onData = (): void => {
      if (!child.output.join('').includes(text)) return;
      cleanup();
      resolve();
    };
    const onExit = (code: number | null): void => {
      cleanup();
      reject(new Error(`the process exited with ${code}:\n${tail()}`));
    };
    function cleanup(): void {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
    }
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
    onData();
  });

/** Stops the child with SIGINT and resolves with its exit code (at once if it has exited). */
export const stopLocalPlatform = async (
  child: ChildProcess | undefined,
): Promise<number | null> => {
  if (child === undefined) return null;
  if (child.exitCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  child.kill('SIGINT');
  return exited;
};
