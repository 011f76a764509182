import type { Logger } from '@aws-lambda-powertools/logger';
import { createLogger } from '../observability/logger';
import { createKafka } from './client';
import { loadKafkaConnectionConfig } from './connection-config';
import { ProducerCompression } from '../platform/env';
import { loadProducerConfig } from './producer-config';
import type { ProducerConfig } from './producer-config';
import { KafkaProducer } from './producer';

let containerProducer: KafkaProducer | undefined;
let containerDlqProducer: KafkaProducer | undefined;

/**
 * Settings of the producers of dead letters (the consumers' DLQ writer,
 * the local ESM's on-failure destination, the DLQ moves): acks=all and
 * idempotent, whatever the environment asks for publishing, since a dead
 * letter must survive the loss of a broker; uncompressed, so a record is
 * judged by the broker's size limit as it was read (a move the broker
 * refuses for good is archived, see shared/dlq/move-plan.ts).
 *
 * @example
 * ```ts
 * dlqProducerConfig(loadProducerConfig({ KAFKA_PRODUCER_ACKS: '1' })).acks; // -1
 * ```
 */
export const dlqProducerConfig = (config: ProducerConfig): ProducerConfig => ({
  ...config,
  acks: -1,
  idempotent: true,
  compression: ProducerCompression.None,
});

/** A producer built from the environment (validated once), connecting on first send. */
const environmentProducer = (
  logger: Logger,
  adapt: (config: ProducerConfig) => ProducerConfig = (config) => config,
): KafkaProducer => {
  const connection = loadKafkaConnectionConfig();
  const config = adapt(loadProducerConfig());
  return new KafkaProducer({
    kafka: () =>
      createKafka({
        config: connection,
        logger,
        // Connecting to a dead cluster gives up fast: the publish path answers 503,
        // a consumer reports its dead letters for redelivery.
        retry: {
          retries: 1,
          initialRetryTime: config.retryBackoffMs,
          maxRetryTime: config.retryMaxBackoffMs,
        },
      }),
    config,
    logger,
  });
};

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
export const getProducer = (logger?: Logger): KafkaProducer => {
  // The default logger is made with the producer, not on each call (a call per publish).
  containerProducer ??= environmentProducer(logger ?? createLogger('xseven-producer'));
  return containerProducer;
};

/**
 * The container's producer of dead letters ({@link dlqProducerConfig}),
 * with the same retry policy and producer metrics as every other write.
 *
 * @example
 * ```ts
 * const writer = createDlqWriter({ producer: getDlqProducer(logger), dlq: platform.dlq });
 * ```
 */
export const getDlqProducer = (logger?: Logger): KafkaProducer => {
  containerDlqProducer ??= environmentProducer(
    logger ?? createLogger('xseven-dlq-producer'),
    dlqProducerConfig,
  );
  return containerDlqProducer;
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
 * Flushes and disconnects the container's producers, if built; they stay
 * usable (the next send reconnects). For local shutdown and tests.
 *
 * @example
 * ```ts
 * await closeProducer();
 * ```
 */
export const closeProducer = async (): Promise<void> => {
  await Promise.all([containerProducer?.disconnect(), containerDlqProducer?.disconnect()]);
};
