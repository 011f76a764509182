import type { RecordMetadata } from 'kafkajs';
import { kafkajs } from './kafkajs';

/**
 * Whether the kafkajs in use has the project's patch of its produce path
 * (patches/kafkajs+2.2.4.patch, applied by the root postinstall when
 * `npm ci` or `npm install` runs): a request spanning several brokers
 * settles every broker's part before it fails or is retried, never re-sends
 * a partition a broker answered, and hands the answers it got to the caller
 * with the error. kafkajs 2.2.4 itself re-sends partitions a broker may
 * already have written, with new sequence numbers (records written twice),
 * so a produce request of several partitions is only safe with the patch
 * (docs/publishing.md, "One produce request per call"). An install that
 * skipped scripts (`--ignore-scripts`) lacks it: the producer then sends
 * one partition per request. The patch puts the mark on kafkajs' entry,
 * read from the patched module itself, since a Lambda loads kafkajs as one
 * file of its own built from that entry (infra/bundling.ts). Loads kafkajs:
 * call it at the first send, not at init.
 */
export const kafkajsSettlesEveryBrokerRequest = (): boolean =>
  (kafkajs() as { readonly settlesEveryBrokerRequest?: unknown }).settlesEveryBrokerRequest ===
  true;

const isRecordMetadata = (value: unknown): value is RecordMetadata =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Partial<RecordMetadata>).topicName === 'string' &&
  typeof (value as Partial<RecordMetadata>).partition === 'number';

/**
 * Kafka's answers, in a failed `sendBatch`, for the partitions a broker
 * wrote before the send failed (the patch puts them on the error as
 * `producedBeforeFailure`); none when the error carries none.
 */
export const producedBeforeFailure = (error: unknown): readonly RecordMetadata[] => {
  if (typeof error !== 'object' || error === null) return [];
  const answers: unknown = (error as { producedBeforeFailure?: unknown }).producedBeforeFailure;
  return Array.isArray(answers) ? answers.filter(isRecordMetadata) : [];
};
