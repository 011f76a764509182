import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/**
 * How much lower than the runtime's the local ESMs' thread runs, in nice
 * steps (nice goes from -20, the highest, to 19): on a busy machine the
 * gateway answers first and the consumers catch up when a core is free,
 * as in AWS, where the consumers run in Lambda containers of their own and
 * never take the publish function's CPU. On an idle core the thread runs
 * as fast as before.
 */
export const ESM_THREAD_NICE = 10;

/**
 * Lowers the calling thread's scheduling priority by {@link ESM_THREAD_NICE}
 * (to nice 19 at most).
 * Linux only: there `setpriority(2)` with a thread's id applies to that
 * thread alone, and `/proc/thread-self` names it. Elsewhere nothing changes
 * (a process id would lower the gateway too). Returns whether it applied.
 *
 * @example
 * ```ts
 * lowerThreadPriority(); // in local/esm/worker.ts, before the mappings start
 * ```
 */
export const lowerThreadPriority = (): boolean => {
  if (process.platform !== 'linux') return false;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0) return false;
    setPriority(tid, Math.min(19, getPriority(tid) + ESM_THREAD_NICE));
    return true;
  } catch {
    // No /proc (a container without it) or not permitted: the thread keeps the default priority.
    return false;
  }
};
