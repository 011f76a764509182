import { KafkaUnavailableError, XsevenError } from '../errors';
import type { XsevenErrorOptions } from '../errors';

/**
 * Kafka refused the records for a reason a retry cannot fix (record too
 * large, authorization, invalid topic...). Not retriable.
 *
 * @example
 * ```ts
 * throw new ProducerSendError('MESSAGE_TOO_LARGE', { cause: err });
 * ```
 */
export class ProducerSendError extends XsevenError {
  public constructor(message: string, options: Omit<XsevenErrorOptions, 'retriable'> = {}) {
    super('PRODUCER_SEND_FAILED', message, { ...options, retriable: false });
  }
}

/**
 * The transaction was aborted: none of its records is visible to
 * read_committed consumers. Retriable when its cause is.
 *
 * @example
 * ```ts
 * throw new TransactionAbortedError('work failed', { cause: err, retriable: false });
 * ```
 */
export class TransactionAbortedError extends XsevenError {
  public constructor(message: string, options: XsevenErrorOptions = {}) {
    super('TRANSACTION_ABORTED', message, options);
  }
}

/**
 * Kafka answered a send without an offset for some of its records: kafkajs
 * 2.2.4's in-session retry of `sendBatch` re-sends only to brokers that have
 * not answered yet, so the records of a partition whose new leader (after a
 * broker loss) had already answered are never sent, yet the call resolves
 * (src/producer/sendMessages.js `brokersWithoutResponse`; the project's
 * patch sends them, but a partition missing from kafkajs' metadata is still
 * skipped). Retriable: a new attempt writes them; nothing is reported as
 * written.
 *
 * @example
 * ```ts
 * throw new UnacknowledgedRecordsError(3);
 * ```
 */
export class UnacknowledgedRecordsError extends Error {
  public readonly retriable = true;

  public constructor(count: number) {
    super(`Kafka acknowledged no offset for ${count} record(s) of the send`);
    this.name = 'UnacknowledgedRecordsError';
  }
}

/**
 * A partition of a shared produce request (shared/kafka/producer-requests.ts)
 * that failed without an answer for it, and whose delivery deadline has
 * passed, so it is not sent again alone to learn its own outcome. The
 * request's error (`requestError`) is the first failing broker's, maybe
 * another partition's: a refusal there proves nothing about this
 * partition, whose own broker may have written it. So this counts as "may
 * have been written" ({@link mayHaveWritten}: no Kafka error type of its
 * own): the send ends as "may or may not", and the partition's next
 * records go on a new session.
 *
 * @example
 * ```ts
 * throw new SharedRequestFailedError(2, requestError);
 * ```
 */
export class SharedRequestFailedError extends Error {
  public readonly retriable = true;
  public readonly requestError: unknown;

  public constructor(count: number, requestError: unknown) {
    super(
      `the produce request shared with other partitions failed (${requestError instanceof Error ? requestError.message : 'unknown'}) without an answer for these ${count} record(s)`,
    );
    this.name = 'SharedRequestFailedError';
    this.requestError = requestError;
  }
}

/**
 * Kafka errors refusing the idempotent producer's session (producer id,
 * epoch, per-partition sequence numbers): the batch was not written, and
 * every later batch of this session would be refused too. Only a new
 * producer id (a new kafkajs producer) recovers; kafkajs asks for one only
 * at connect (src/producer/eosManager `initProducerId`).
 */
const SESSION_ERROR_TYPES = new Set([
  'OUT_OF_ORDER_SEQUENCE_NUMBER',
  'UNKNOWN_PRODUCER_ID',
  'INVALID_PRODUCER_EPOCH',
  'INVALID_PRODUCER_ID_MAPPING',
  'PRODUCER_FENCED',
]);

/**
 * Whether Kafka refused the producer's session (see
 * {@link SESSION_ERROR_TYPES}): a re-send on a new producer writes the batch.
 *
 * @example
 * ```ts
 * refusedProducerSession(outOfOrderSequenceError); // true
 * refusedProducerSession(new KafkaJSConnectionError('refused')); // false
 * ```
 */
export const refusedProducerSession = (error: unknown): boolean =>
  SESSION_ERROR_TYPES.has(kafkaErrorType(error) ?? '');

const TRANSIENT_NAMES = new Set(['KafkaJSTimeout', 'KafkaJSLockTimeout']);

/**
 * Whether a kafkajs error is transient: retriable itself, or retries ran out
 * on a retriable cause (connection lost, broker down, leader moving).
 *
 * @example
 * ```ts
 * isTransientKafkaError(new KafkaJSConnectionError('refused')); // true
 * ```
 */
export const isTransientKafkaError = (error: unknown, depth = 0): boolean => {
  if (!(error instanceof Error) || depth > 5) return false;
  if ((error as { retriable?: unknown }).retriable === true) return true;
  if (TRANSIENT_NAMES.has(error.name)) return true;
  return isTransientKafkaError(error.cause, depth + 1);
};

/**
 * Maps a failed send to the platform's errors: our own as they are,
 * transient Kafka failures to {@link KafkaUnavailableError} (HTTP 503),
 * anything else to {@link ProducerSendError}.
 *
 * @example
 * ```ts
 * catch (error) { throw toProducerError(error, 'send'); }
 * ```
 */
export const toProducerError = (error: unknown, operation: string): XsevenError => {
  if (error instanceof XsevenError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  if (isTransientKafkaError(error))
    return new KafkaUnavailableError(`Kafka is unavailable (${operation}): ${reason}`, {
      cause: error,
    });
  return new ProducerSendError(`Kafka refused the ${operation}: ${reason}`, { cause: error });
};

/**
 * The Kafka protocol error type (`MESSAGE_TOO_LARGE`, `INVALID_PRODUCER_EPOCH`...)
 * of a failure, found on the error or along its causes (our errors wrap
 * kafkajs' ones).
 *
 * @example
 * ```ts
 * kafkaErrorType(new TransactionAbortedError('aborted', { cause: kafkajsError })); // 'MESSAGE_TOO_LARGE'
 * ```
 */
export const kafkaErrorType = (error: unknown, depth = 0): string | undefined => {
  if (typeof error !== 'object' || error === null || depth > 5) return undefined;
  const type = (error as { type?: unknown }).type;
  if (typeof type === 'string') return type;
  return kafkaErrorType((error as { cause?: unknown }).cause, depth + 1);
};

/** The error and its causes, outermost first (kafkajs wraps the failure of its last try). */
const causeChain = (error: unknown): unknown[] => {
  const chain: unknown[] = [];
  let current: unknown = error;
  while (current !== undefined && current !== null && chain.length < 8) {
    chain.push(current);
    current = current instanceof Error ? current.cause : undefined;
  }
  return chain;
};

/**
 * Whether a failed produce attempt may have written its records: false
 * only when the failure proves they were not. kafkajs hides most proof:
 * its idempotent producer must retry at least once inside `sendBatch`
 * (src/producer/index.js refuses `retries` < 1) and reports only the last
 * try's failure, and after a failed request it refreshes the cluster's
 * metadata, whose own failure (a refused connection) replaces the
 * request's (src/producer/sendMessages.js). So a refused connection, a
 * leader that moved or too few replicas may follow a first try the leader
 * appended. What is proof: the producer could not be opened (nothing was
 * sent: our KafkaUnavailableError), or Kafka refused the records with an
 * error kafkajs does not retry (record too large, authorization, a refused
 * producer session): such a refusal answers the records themselves, and
 * any try of them would have been refused alike (a refused session too:
 * a leader holding an earlier try of the same sequence numbers answers it
 * as a duplicate, and a former leader's copy is truncated when it follows
 * the new one). Kafka's DUPLICATE_SEQUENCE_NUMBER says the batch is there.
 *
 * @example
 * ```ts
 * mayHaveWritten(new KafkaJSRequestTimeoutError('timeout')); // true
 * mayHaveWritten(messageTooLargeError); // false
 * ```
 */
export const mayHaveWritten = (error: unknown): boolean => {
  const chain = causeChain(error);
  if (chain.some((e) => e instanceof KafkaUnavailableError)) return false;
  const innermost = chain[chain.length - 1];
  if (!(innermost instanceof Error)) return true;
  const { type, retriable } = innermost as { type?: unknown; retriable?: unknown };
  if (type === 'DUPLICATE_SEQUENCE_NUMBER') return true;
  return !(typeof type === 'string' && retriable === false);
};
