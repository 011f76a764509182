import type { Producer, TopicOffsets } from 'kafkajs';
import { compressionCodec } from './producer-config';
import type { ProducerConfig } from './producer-config';
import { isTransientKafkaError, toProducerError, TransactionAbortedError } from './producer-errors';
import type { PartitionGroup } from './producer-lanes';
import { toMessage } from './producer-records';
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
  /** Places the records on partitions, as kafkajs' default partitioner would. */
  readonly group: (records: readonly OutgoingRecord[]) => Promise<PartitionGroup[]>;
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
  const { config } = support;
  let transaction;
  try {
    transaction = await producer.transaction();
  } catch (error) {
    await support.reset();
    throw toProducerError(error, 'transaction begin');
  }
  const tx: ProducerTransaction = {
    // One sendBatch per partition, and nothing left in flight when it throws: a
    // sendBatch spanning several brokers re-sends, when one broker's request
    // fails, every broker whose answer has not arrived yet, with new sequence
    // numbers (kafkajs 2.2.4 src/producer/sendMessages.js, `responsePerBroker`
    // read while requests are still in flight): the same records twice in one
    // transaction, both committed (seen in the manual-DLQ-retry fault scenario).
    send: async (records) => {
      const groups = await support.group(records);
      const answers = await Promise.allSettled(
        groups.map((group) =>
          transaction.sendBatch({
            topicMessages: [
              {
                topic: group.topic,
                messages: group.indexes.map((index) =>
                  toMessage(records[index] as OutgoingRecord, group.partition),
                ),
              },
            ],
            acks: -1,
            timeout: config.timeoutMs,
            compression: compressionCodec(config.compression),
          }),
        ),
      );
      const positions = new Array<RecordPosition>(records.length);
      answers.forEach((answer, g) => {
        if (answer.status === 'rejected') throw answer.reason;
        const group = groups[g] as PartitionGroup;
        const meta = answer.value.find(
          (m) => m.topicName === group.topic && m.partition === group.partition,
        );
        const base = BigInt(meta?.baseOffset ?? meta?.offset ?? '-1');
        group.indexes.forEach((index, i) => {
          positions[index] = {
            topic: group.topic,
            partition: group.partition,
            offset: (base < 0n ? -1n : base + BigInt(i)).toString(),
          };
        });
      });
      return positions;
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
