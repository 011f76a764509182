import type { Producer } from 'kafkajs';
import type { Logger } from '@aws-lambda-powertools/logger';
import { createKafka } from '../../shared/kafka/client';

let shared: Promise<Producer> | undefined;

/**
 * The container's DLQ producer: created and connected on first use, reused
 * by every warm invocation (idempotent, acks=all on each send). A failed
 * connect is forgotten so the next invocation tries again.
 *
 * @example
 * ```ts
 * const producer = await dlqProducer('conversation-log', logger);
 * ```
 */
export const dlqProducer = (clientId: string, logger: Logger): Promise<Producer> => {
  shared ??= (async () => {
    const producer = createKafka({ clientId, logger }).producer({
      idempotent: true,
      maxInFlightRequests: 1,
      retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2_000 },
    });
    await producer.connect();
    return producer;
  })();
  shared.catch(() => {
    shared = undefined;
  });
  return shared;
};
