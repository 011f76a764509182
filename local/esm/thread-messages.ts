import type { SeriesValue } from '../../shared/observability/metrics';
import type { PlatformDefinition } from '../../shared/platform';

/**
 * What the local runtime's main thread and its ESM worker thread
 * (local/esm/worker.ts, local/esm/thread-service.ts) say to each other.
 * Both ends are this repository's code in one process: the messages are
 * typed, not validated (nothing outside the process writes them).
 */

/** The worker's `workerData`. */
export interface EsmWorkerData {
  /** The definition the runtime provisioned (plain data: it crosses the thread boundary as a structured clone). */
  readonly platform: PlatformDefinition;
  /** The service name of the runtime's logger, so the worker's lines read as the runtime's. */
  readonly serviceName: string;
}

export const ToWorker = {
  Pause: 'pause',
  Resume: 'resume',
  Series: 'series',
  Stop: 'stop',
} as const;
export type ToWorker = (typeof ToWorker)[keyof typeof ToWorker];

/** A request to the worker; it answers each with a {@link Done} of the same `id`. */
export interface WorkerRequest {
  readonly kind: ToWorker;
  readonly id: number;
  /** The consumer group, for pause and resume. */
  readonly groupId?: string;
}

export const FromWorker = {
  /** The ESMs run: the consumer groups they own. */
  Started: 'started',
  /** The worker's metric series (answer to Series, and every second). */
  Series: 'series',
  /** A request done, or failed with `error`. */
  Done: 'done',
} as const;
export type FromWorker = (typeof FromWorker)[keyof typeof FromWorker];

export type WorkerMessage =
  | { readonly kind: typeof FromWorker.Started; readonly groups: readonly string[] }
  | {
      readonly kind: typeof FromWorker.Series;
      readonly id?: number;
      readonly series: readonly SeriesValue[];
    }
  | { readonly kind: typeof FromWorker.Done; readonly id: number; readonly error?: string };

/** Every how often the worker sends its series unasked (the alert window's samples read them). */
export const SERIES_PUSH_MS = 1_000;
