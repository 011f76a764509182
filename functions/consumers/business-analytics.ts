/**
 * Lambda `business-analytics`: aggregates business metrics (business.analytics).
 */
import { EventBus } from '../../shared/consumer/bus';
import { EventType } from '../../shared/events/event-types';
import { createConsumerHandler } from './create-consumer';
import { analyticsHandler, analyticsStore } from './handlers/business-analytics';

/** The consumer's event bus. */
export const bus = new EventBus().subscribe(
  EventType.BusinessAnalyticsUpdate,
  analyticsHandler(analyticsStore),
);

export { analyticsStore };
/**
 * The Lambda handler (MSK event source mapping; the local ESM locally).
 *
 * @example
 * ```ts
 * const { batchItemFailures } = await handler(mskEvent, context);
 * ```
 */
export const handler = createConsumerHandler({ consumer: 'business-analytics', bus });
