import { getPriority } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { ESM_THREAD_NICE } from '../../../local/esm/thread-priority';

const MODULE = join(__dirname, '../../../local/esm/thread-priority.ts');

/** Runs lowerThreadPriority in a worker thread (as local/esm/worker.ts does) and reads the priorities there. */
const inWorker = (): Promise<{ applied: boolean; thread: number; main: number }> => {
  const code = `require(${JSON.stringify(require.resolve('tsx/cjs/api'))}).register();
const { readlinkSync } = require('node:fs');
const { getPriority } = require('node:os');
const { lowerThreadPriority } = require(${JSON.stringify(MODULE)});
const applied = lowerThreadPriority();
const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
require('node:worker_threads').parentPort.postMessage({
  applied, thread: getPriority(tid), main: getPriority(process.pid),
});`;
  const worker = new Worker(code, { eval: true });
  return new Promise((resolve, reject) => {
    worker.once('message', (m: { applied: boolean; thread: number; main: number }) => {
      void worker.terminate();
      resolve(m);
    });
    worker.once('error', reject);
  });
};

describe("the local ESMs' thread priority", () => {
  it('lowers the calling thread alone: the ESM thread yields the CPU, the gateway thread keeps its priority', async () => {
    const before = getPriority(process.pid);
    const seen = await inWorker();
    expect(seen).toEqual({
      applied: true,
      thread: Math.min(19, before + ESM_THREAD_NICE),
      main: before,
    });
    expect(getPriority(process.pid)).toBe(before);
  });
});
