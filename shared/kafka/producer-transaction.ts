import type { Producer, TopicOffsets } from 'kafkajs';
import { COMPRESSION_CODEC } from './producer-config';
import type { ProducerConfig } from './producer-config';
import { isTransientKafkaError, toProducerError, TransactionAbortedError } from './producer-errors';
import { positionsOf, toTopicMessages } from './producer-records';
import type { PartitionLog } from './producer-records';
import type { OutgoingRecord, RecordPosition } from './records';

/** What the work of a transaction can do. */
export interface ProducerTransaction {
  /** Writes records inside the transaction; positions in input order. */
  readonly send: (records: readonly OutgoingRecord[]) => Promise<RecordPosition[]>;
  /** Commits consumer offsets with the transaction (consume-transform-produce). */
  readonly sendOffsets: (offsets: {
    readonly consumerGroupId: string;
    readonly topics: TopicOffsets[];
  }) => Promise<void>;
}

/** Internals {@link openTransaction} needs from the producer. */
export interface TransactionSupport {
  readonly config: ProducerConfig;
  readonly partitions: PartitionLog;
  /** Drops the transactional producer after a failure it may not survive. */
  readonly reset: () => Promise<void>;
}

/**
 * Runs `work` in one Kafka transaction on a connected transactional
 * producer: commit when it resolves, abort when it throws (the error is
 * rethrown as a {@link TransactionAbortedError} carrying the cause).
 *
 * @example
 * ```ts
 * await openTransaction(producer, async (tx) => tx.send(records), support);
 * ```
 */
export const openTransaction = async <T>(
  producer: Producer,
  work: (tx: ProducerTransaction) => Promise<T>,
  support: TransactionSupport,
): Promise<T> => {
  const { config, partitions } = support;
  let transaction;
  try {
    transaction = await producer.transaction();
  } catch (error) {
    await support.reset();
    throw toProducerError(error, 'transaction begin');
  }
  const tx: ProducerTransaction = {
    send: async (records) => {
      const { topicMessages, messages } = toTopicMessages(records);
      const metadata = await transaction.sendBatch({
        topicMessages,
        acks: -1,
        timeout: config.timeoutMs,
        compression: COMPRESSION_CODEC[config.compression],
      });
      return positionsOf(records, messages, metadata, partitions);
    },
    sendOffsets: async (offsets) => {
      await transaction.sendOffsets({ ...offsets, topics: offsets.topics });
    },
  };
  try {
    const result = await work(tx);
    await transaction.commit();
    return result;
  } catch (error) {
    if (transaction.isActive()) await transaction.abort().catch(() => support.reset());
    else await support.reset();
    throw new TransactionAbortedError(
      `transaction aborted: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error, retriable: isTransientKafkaError(error) },
    );
  }
};
