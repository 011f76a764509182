import { getProducer } from '../kafka/producer-instance';
import type { KafkaProducer } from '../kafka/producer';
import { loadPlatform } from '../platform';
import type { PlatformDefinition } from '../platform';

/** Where events go: the definition that routes them and the producer that writes them. */
export interface PublishContext {
  readonly platform: PlatformDefinition;
  readonly producer: KafkaProducer;
  /** Largest record accepted, in bytes (key, value and headers). @default MAX_RECORD_BYTES (shared/platform/limits.ts) */
  readonly maxRecordBytes?: number;
}

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
    platform: loadPlatform().platform,
    // Built on the first send, not at init (its settings are checked at
    // init by checkFunctionEnvironment): the OpenAPI route never needs it.
    get producer(): KafkaProducer {
      return getProducer();
    },
  };
  return containerContext;
};
