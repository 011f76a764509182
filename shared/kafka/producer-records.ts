import type { IHeaders, Message, PartitionerArgs } from 'kafkajs';
import { kafkajs } from './kafkajs';
import type { OutgoingRecord } from './records';

/**
 * A partitioner factory for messages placed beforehand (the producer places
 * every record itself, transactions included): the message's own
 * partition, at once; kafkajs' default for any other.
 *
 * @example
 * ```ts
 * kafka.producer({ createPartitioner: placedPartitioner });
 * ```
 */
export const placedPartitioner = () => {
  const partitioner = kafkajs().Partitioners.DefaultPartitioner();
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
