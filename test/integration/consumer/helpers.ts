import type { Kafka, Message } from 'kafkajs';
import { EventBus } from '../../../shared/consumer/bus';
import type { EventHandler } from '../../../shared/consumer/bus';
import { createDlqWriter } from '../../../shared/dlq/writer';
import { KafkaProducer } from '../../../shared/kafka/producer';
import { loadProducerConfig } from '../../../shared/kafka/producer-config';
import { dlqProducerConfig } from '../../../shared/kafka/producer-instance';
import { createEnvelope } from '../../../shared/events/envelope';
import type { EventType } from '../../../shared/events/event-types';
import { toEventRecord } from '../../../shared/events/record';
import { validateEvent } from '../../../shared/events/validate';
import type { EventDataInput } from '../../../shared/events/schemas';
import type { PlatformDefinition } from '../../../shared/platform';
import { createConsumerHandler } from '../../../functions/consumers/create-consumer';
import type { LambdaHandler } from '../../../local/esm/delivery';
import { logger } from '../esm/helpers';

/** A handler recording the events it receives (and failing those `fail` selects). */
export const eventRecorder = (fail: (id: string) => boolean = () => false) => {
  const received: { id: string; event: unknown; partition: number }[] = [];
  const handler: EventHandler = {
    name: 'recorder',
    canHandle: () => true,
    handle: (event, { record }) => {
      if (fail(String(event.id))) throw new Error(`handler refuses ${String(event.id)}`);
      received.push({ id: String(event.id), event, partition: record.partition });
    },
  };
  return { handler, received };
};

/** A bus sending every event type to `handler`. */
export const busFor = (handler: EventHandler, types: readonly EventType[]): EventBus => {
  const bus = new EventBus();
  for (const type of types) bus.subscribe(type, handler as EventHandler<typeof type>);
  return bus;
};

/** The real consumer handler of `consumer` on `def`, with a real DLQ writer. */
export const realConsumer = (
  kafka: Kafka,
  def: PlatformDefinition,
  consumer: string,
  bus: EventBus,
  maxRecordBytes?: number,
): { handler: LambdaHandler; close: () => Promise<void> } => {
  const producer = new KafkaProducer({
    kafka,
    config: dlqProducerConfig(loadProducerConfig({})),
  });
  const handler = createConsumerHandler({
    consumer,
    bus,
    platform: def,
    dlqWriter: createDlqWriter({ producer, dlq: def.dlq }),
    logger,
    env: {},
    ...(maxRecordBytes === undefined ? {} : { maxRecordBytes }),
  });
  return {
    handler: handler as unknown as LambdaHandler,
    close: async () => {
      await producer.disconnect();
    },
  };
};

/** An event as the publish path writes it (shared/events/record.ts): keyed, CloudEvents headers. */
export const eventMessage = <T extends EventType>(
  type: T,
  data: EventDataInput<T>,
  extra: Partial<Message> = {},
): { envelope: ReturnType<typeof createEnvelope<T>>; message: Message } => {
  const envelope = createEnvelope({ type, data });
  const record = toEventRecord(validateEvent(envelope), 'unused');
  return {
    envelope,
    message: { key: record.key, value: record.value, headers: { ...record.headers }, ...extra },
  };
};
