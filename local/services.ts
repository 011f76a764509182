import { apiGatewayService } from './gateway/service';
import { localEsmService } from './esm/service';
import { localEsmThreadService } from './esm/thread-service';
import { dlqRetrySchedulerService } from './scheduler/dlq-retry-scheduler';
import type { LocalService } from './runtime/service';

/**
 * The services `npm start` runs, in start order (stopped in reverse).
 * Each area registers its own here: the API gateway, the local event
 * source mappings (in their own worker thread), the local scheduler.
 */
export const localServices: readonly LocalService[] = [
  apiGatewayService,
  localEsmThreadService,
  dlqRetrySchedulerService,
];

/**
 * The same services, every one in the caller's thread: for benches that
 * observe the consumers' handlers and stores in process (soak, latency).
 */
export const inThreadLocalServices: readonly LocalService[] = [
  apiGatewayService,
  localEsmService,
  dlqRetrySchedulerService,
];
