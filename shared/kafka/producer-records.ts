import { Partitioners } from 'kafkajs';
import type { IHeaders, Message, PartitionerArgs, RecordMetadata } from 'kafkajs';
import type { OutgoingRecord, RecordPosition } from './records';

/** Records the kafkajs default (murmur2) partitioner assigned, keyed by message object. */
export type PartitionLog = WeakMap<Message, number>;

/**
 * A partitioner factory: the kafkajs default (murmur2, as the Java client)
 * that also notes in `log` which partition each message got.
 *
 * @example
 * ```ts
 * kafka.producer({ createPartitioner: trackingPartitioner(new WeakMap()) });
 * ```
 */
export const trackingPartitioner = (log: PartitionLog) => () => {
  const partitioner = Partitioners.DefaultPartitioner();
  return function trackPartition(args: PartitionerArgs): number {
    const partition = partitioner(args);
    log.set(args.message, partition);
    return partition;
  };
};

/**
 * A partitioner factory for messages placed beforehand (the producer's
 * per-partition delivery sets every message's partition): the message's own
 * partition, at once; kafkajs' default for any other. Unlike
 * {@link trackingPartitioner} it notes nothing (a WeakMap entry per record
 * costs the garbage collector more than the send it serves).
 *
 * @example
 * ```ts
 * kafka.producer({ createPartitioner: placedPartitioner });
 * ```
 */
export const placedPartitioner = () => {
  const partitioner = Partitioners.DefaultPartitioner();
  return function placedPartition(args: PartitionerArgs): number {
    return args.message.partition ?? partitioner(args);
  };
};

/**
 * The kafkajs message of a record; `partition` places it (the record's own wins).
 *
 * @example
 * ```ts
 * const message = toMessage({ topic: 't', key: 'k', value: '{}' }, 2);
 * ```
 */
export const toMessage = (record: OutgoingRecord, partition?: number): Message => {
  const message: Message = { key: record.key, value: record.value };
  // kafkajs only reads headers: the record's own object is passed, not a copy.
  if (record.headers) message.headers = record.headers as IHeaders;
  const placed = record.partition ?? partition;
  if (placed !== undefined) message.partition = placed;
  if (record.timestamp !== undefined) message.timestamp = record.timestamp;
  return message;
};

/**
 * Converts records to kafkajs messages grouped by topic, keeping input order.
 *
 * @example
 * ```ts
 * const { topicMessages, messages } = toTopicMessages([{ topic: 't', key: 'k', value: '{}' }]);
 * ```
 */
export const toTopicMessages = (records: readonly OutgoingRecord[]) => {
  const byTopic = new Map<string, Message[]>();
  const messages = records.map((record) => {
    const message = toMessage(record);
    const list = byTopic.get(record.topic);
    if (list) list.push(message);
    else byTopic.set(record.topic, [message]);
    return message;
  });
  const topicMessages = [...byTopic].map(([topic, list]) => ({ topic, messages: list }));
  return { topicMessages, messages };
};

/**
 * The position of each record, in input order: Kafka returns the base
 * offset of each partition's batch; records of one partition follow it in order.
 *
 * @example
 * ```ts
 * const positions = positionsOf(records, messages, await producer.sendBatch(...), log);
 * ```
 */
export const positionsOf = (
  records: readonly OutgoingRecord[],
  messages: readonly Message[],
  metadata: readonly RecordMetadata[],
  partitions: PartitionLog,
): RecordPosition[] => {
  const next = new Map<string, bigint>();
  for (const m of metadata)
    next.set(`${m.topicName}\u0000${m.partition}`, BigInt(m.baseOffset ?? m.offset ?? '-1'));
  return records.map((record, index) => {
    const message = messages[index] as Message;
    const partition = partitions.get(message) ?? message.partition ?? -1;
    const key = `${record.topic}\u0000${partition}`;
    const offset = next.get(key) ?? -1n;
    if (offset >= 0n) next.set(key, offset + 1n);
    return { topic: record.topic, partition, offset: offset.toString() };
  });
};
