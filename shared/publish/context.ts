import { getProducer } from '../kafka/producer-instance';
import { loadKafkaConnectionConfig } from '../kafka/connection-config';
import type { KafkaProducer } from '../kafka/producer';
import { platform, withNamespace } from '../platform';
import type { PlatformDefinition } from '../platform';

/** Where events go: the definition that routes them and the producer that writes them. */
export interface PublishContext {
  readonly platform: PlatformDefinition;
  readonly producer: KafkaProducer;
  /** Largest record value accepted, in bytes. @default 1_000_000 (under Kafka's 1 MiB default) */
  readonly maxRecordBytes?: number;
}

/** Records at most this large are accepted by default (the broker's default limit is 1 MiB with overhead). */
export const DEFAULT_MAX_RECORD_BYTES = 1_000_000;

let containerContext: PublishContext | undefined;

/**
 * The publish context of this container: the platform definition under
 * `XSEVEN_TOPIC_PREFIX`, and the container's producer. Built once.
 *
 * @example
 * ```ts
 * const { platform, producer } = defaultPublishContext();
 * ```
 */
export const defaultPublishContext = (): PublishContext => {
  containerContext ??= {
    platform: withNamespace(platform, loadKafkaConnectionConfig().XSEVEN_TOPIC_PREFIX),
    producer: getProducer(),
  };
  return containerContext;
};
