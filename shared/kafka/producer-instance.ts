import type { Logger } from '@aws-lambda-powertools/logger';
import { createLogger } from '../observability/logger';
import { createKafka } from './client';
import { loadKafkaConnectionConfig } from './connection-config';
import { loadProducerConfig } from './producer-config';
import { KafkaProducer } from './producer';

let containerProducer: KafkaProducer | undefined;

/**
 * The producer of this container (Lambda execution environment or local
 * process): built on first use from the environment (validated once), kept
 * in module scope so warm invocations reuse its connection. It connects on
 * its first send, not at import time.
 *
 * @example
 * ```ts
 * const positions = await getProducer().send(records);
 * ```
 */
export const getProducer = (logger: Logger = createLogger('xseven-producer')): KafkaProducer => {
  if (containerProducer === undefined) {
    const connection = loadKafkaConnectionConfig();
    const config = loadProducerConfig();
    containerProducer = new KafkaProducer({
      kafka: () =>
        createKafka({
          config: connection,
          logger,
          // Connecting to a dead cluster gives up fast: the publish path answers 503.
          retry: {
            retries: 1,
            initialRetryTime: config.retryBackoffMs,
            maxRetryTime: config.retryMaxBackoffMs,
          },
        }),
      config,
      logger,
    });
  }
  return containerProducer;
};

/**
 * Replaces (or, with `undefined`, forgets) the container's producer, e.g. to
 * point the local runtime or a test at another broker. The previous producer
 * is returned, not disconnected.
 *
 * @example
 * ```ts
 * const previous = setProducer(new KafkaProducer({ kafka, config }));
 * await previous?.disconnect();
 * ```
 */
export const setProducer = (producer: KafkaProducer | undefined): KafkaProducer | undefined => {
  const previous = containerProducer;
  containerProducer = producer;
  return previous;
};

/**
 * Flushes and disconnects the container's producer, if one was built; it
 * stays usable (the next send reconnects). For local shutdown and tests.
 *
 * @example
 * ```ts
 * await closeProducer();
 * ```
 */
export const closeProducer = async (): Promise<void> => {
  await containerProducer?.disconnect();
};
