import { apiGatewayService } from './gateway/service';
import { localEsmService } from './esm/service';
import { dlqRetrySchedulerService } from './scheduler/dlq-retry-scheduler';
import type { LocalService } from './runtime/service';

/**
 * The services `npm start` runs, in start order (stopped in reverse).
 * Each area registers its own here: the API gateway, the local event
 * source mappings, the local scheduler.
 */
export const localServices: readonly LocalService[] = [
  apiGatewayService,
  localEsmService,
  dlqRetrySchedulerService,
];
