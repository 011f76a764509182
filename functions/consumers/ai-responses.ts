/**
 * Lambda `ai-responses`: aggregates AI usage per model (ai.responses).
 */
import { EventBus } from '../../shared/consumer/bus';
import { EventType } from '../../shared/events/event-types';
import { createConsumerHandler } from './create-consumer';
import { aiUsageHandler, aiUsageStore, modelSwitchHandler } from './handlers/ai-usage';

/** The consumer's event bus. */
export const bus = new EventBus()
  .subscribe(EventType.AiResponseGenerated, aiUsageHandler(aiUsageStore))
  .subscribe(EventType.AiModelSwitched, modelSwitchHandler(aiUsageStore));

export { aiUsageStore };
/**
 * The Lambda handler (MSK event source mapping; the local ESM locally).
 *
 * @example
 * ```ts
 * const { batchItemFailures } = await handler(mskEvent, context);
 * ```
 */
export const handler = createConsumerHandler({ consumer: 'ai-responses', bus });
