import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { registerCountersRefresh, registerEsmControl } from '../../shared/management/runtime-hooks';
import { setThreadSeries } from '../../shared/observability/metrics';
import type { LocalService } from '../runtime/service';
import { FromWorker, ToWorker } from './thread-messages';
import type { EsmWorkerData, WorkerMessage } from './thread-messages';

const WORKER = join(__dirname, 'worker.ts');
/** A stopped worker that has not exited by then is terminated. */
const EXIT_GRACE_MS = 5_000;
const THREAD = 'local-esm';

/**
 * The worker runs TypeScript as the runtime does, through tsx's require
 * hook, registered in the thread first: node 20 applies neither the main
 * thread's `--import tsx` nor a loader registered in the thread to a
 * worker's modules (so the worker requires the handler modules too).
 */
const bootstrap = `require(${JSON.stringify(require.resolve('tsx/cjs/api'))}).register();
require(${JSON.stringify(WORKER)});`;

/**
 * The local event source mappings of `npm start`, in their own worker thread
 * (local/esm/worker.ts): consuming and the consumers' handlers do not take
 * turns with the gateway on one event loop (issue #13, item 2). A thread, not
 * a child process: it dies with the runtime, even on SIGKILL. The main thread
 * keeps what the management API reaches in process: the ESM control (a
 * group's pause and resume are requests to the thread) and the thread's
 * metric series (sent every second, and on each read of the counters). The
 * thread's log lines go to the runtime's stdout. If the thread fails, the
 * runtime exits (1), as it did when an error escaped the ESMs in one thread.
 *
 * @example
 * ```ts
 * const running = await localEsmThreadService.start(context);
 * await running.stop();
 * ```
 */
export const localEsmThreadService: LocalService = {
  name: 'local-esm',
  start: async ({ platform, logger, env }) => {
    const workerData: EsmWorkerData = { platform, serviceName: 'xseven-local' };
    const worker = new Worker(bootstrap, { eval: true, workerData, env: { ...env } });
    let nextId = 0;
    const pending = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
    const request = (kind: ToWorker, groupId?: string): Promise<void> =>
      new Promise((resolve, reject) => {
        nextId += 1;
        pending.set(nextId, { resolve, reject });
        worker.postMessage({ kind, id: nextId, ...(groupId === undefined ? {} : { groupId }) });
      });
    let stopping = false;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    const started = new Promise<readonly string[]>((resolve, reject) => {
      worker.on('message', (message: WorkerMessage) => {
        switch (message.kind) {
          case FromWorker.Started:
            resolve(message.groups);
            return;
          case FromWorker.Series:
            setThreadSeries(THREAD, message.series);
            if (message.id !== undefined) pending.get(message.id)?.resolve();
            return;
          case FromWorker.Done: {
            const waiting = pending.get(message.id);
            pending.delete(message.id);
            if (message.error === undefined) waiting?.resolve();
            else waiting?.reject(new Error(message.error));
            return;
          }
        }
      });
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the local ESM thread exited with ${code}`)));
    });
    const groups = await started;
    const failed = (error: unknown): void => {
      if (stopping) return;
      logger.error('the local ESM thread failed; the runtime stops', { error });
      process.exit(1);
    };
    worker.on('error', failed);
    worker.once('exit', (code) => failed(new Error(`the local ESM thread exited with ${code}`)));
    registerEsmControl({
      owns: (groupId) => groups.includes(groupId),
      pause: (groupId) => request(ToWorker.Pause, groupId),
      resume: (groupId) => request(ToWorker.Resume, groupId),
    });
    registerCountersRefresh(() => request(ToWorker.Series));
    return {
      stop: async () => {
        registerEsmControl(undefined);
        registerCountersRefresh(undefined);
        stopping = true;
        await request(ToWorker.Stop).catch((error: unknown) =>
          logger.error('the local ESMs failed to stop', { error }),
        );
        const grace = setTimeout(() => void worker.terminate(), EXIT_GRACE_MS);
        await exited;
        clearTimeout(grace);
        setThreadSeries(THREAD, undefined);
      },
    };
  },
};
