import { randomUUID } from 'node:crypto';
import type { Admin, Kafka, KafkaMessage } from 'kafkajs';
import { createKafka } from '../../shared/kafka/client';
import { loadKafkaConnectionConfig } from '../../shared/kafka/connection-config';
import { platform, withNamespace } from '../../shared/platform';
import type { PlatformDefinition } from '../../shared/platform';
import { provisionTopics } from '../../local/provision';

/** A kafkajs client on the test broker (KAFKA_BOOTSTRAP_SERVERS, default 127.0.0.1:9092). */
export const testKafka = (clientId = 'xseven-test'): Kafka =>
  createKafka({ config: loadKafkaConnectionConfig(), clientId });

/** A prefix unique to one test, so tests never share topics or groups. */
export const uniquePrefix = (label = 't'): string => `${label}-${randomUUID().slice(0, 8)}-`;

/**
 * The real platform definition under a unique namespace, provisioned on the
 * broker. Returns the namespaced definition.
 */
export const provisionedPlatform = async (
  admin: Admin,
  label = 't',
): Promise<PlatformDefinition> => {
  const def = withNamespace(platform, uniquePrefix(label));
  await provisionTopics(admin, def);
  return def;
};

/** A message read back from a topic. */
export interface ReadMessage {
  readonly topic: string;
  readonly partition: number;
  readonly message: KafkaMessage;
}

/**
 * Reads `count` messages from `topics` from the beginning with a fresh group,
 * or fails after `timeoutMs`.
 */
export const readMessages = async (
  kafka: Kafka,
  topics: readonly string[],
  count: number,
  timeoutMs = 20_000,
): Promise<ReadMessage[]> => {
  const consumer = kafka.consumer({ groupId: `reader-${randomUUID()}`, readUncommitted: false });
  const read: ReadMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `read ${read.length} of ${count} messages from ${topics.join(',')} in ${timeoutMs} ms`,
            ),
          ),
        timeoutMs,
      );
      void consumer.run({
        eachMessage: async ({ topic, partition, message }) => {
          read.push({ topic, partition, message });
          if (read.length >= count) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return read;
};
