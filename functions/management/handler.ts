import { createManagementHandler } from '../../shared/management/app';

/**
 * The management Lambda: API Gateway HTTP API (payload 2.0) handler of the
 * definition's management routes under /api/v1/kafka (health, status,
 * metrics, topics, consumers and offset reset, alerts, Prometheus metrics,
 * DLQ stats). Settings come from the environment (docs/management-api.md);
 * the Kafka connection is opened on first use and reused while warm.
 * `close` releases it (the local gateway calls it when it stops).
 *
 * @example
 * ```ts
 * import { handler } from './functions/management/handler';
 * const result = await handler(event, context);
 * ```
 */
export const { handler, close } = createManagementHandler();
