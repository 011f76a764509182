/**
 * Lambda `system-monitoring`: counts errors, health checks, user actions and
 * workflows (system.monitoring, user.actions, workflow.events).
 */
import { EventBus } from '../../shared/consumer/bus';
import { EventType } from '../../shared/events/event-types';
import { createConsumerHandler } from './create-consumer';
import {
  errorCounterHandler,
  healthHandler,
  monitoringStore,
  userActionHandler,
  workflowHandler,
} from './handlers/system-monitoring';

const workflows = workflowHandler(monitoringStore);

/** The consumer's event bus. */
export const bus = new EventBus()
  .subscribe(EventType.SystemError, errorCounterHandler(monitoringStore))
  .subscribe(EventType.HealthCheck, healthHandler(monitoringStore))
  .subscribe(EventType.UserAction, userActionHandler(monitoringStore))
  .subscribe(EventType.WorkflowStarted, workflows)
  .subscribe(EventType.WorkflowCompleted, workflows)
  .subscribe(EventType.WorkflowFailed, workflows);

export { monitoringStore };
/**
 * The Lambda handler (MSK event source mapping; the local ESM locally).
 *
 * @example
 * ```ts
 * const { batchItemFailures } = await handler(mskEvent, context);
 * ```
 */
export const handler = createConsumerHandler({ consumer: 'system-monitoring', bus });
