/**
 * Header names of records in the dead-letter queue and its archive.
 *
 * The contract shared by the consumers (which write the DLQ), the DLQ-retry
 * function (which republishes or archives) and the management API (which
 * analyses). Values are UTF-8 strings; times are ISO-8601; numbers are
 * decimal. The original record's key, value and headers are kept untouched
 * beside these. Naming follows Spring Kafka's `kafka_dlt-*` and Karafka's
 * `source_*` prior art, under one `xseven-dlq-` prefix.
 * See docs/dead-letter-queue.md.
 */
export const DlqHeader = {
  OriginalTopic: 'xseven-dlq-original-topic',
  OriginalPartition: 'xseven-dlq-original-partition',
  OriginalOffset: 'xseven-dlq-original-offset',
  OriginalTimestamp: 'xseven-dlq-original-timestamp',
  ConsumerGroup: 'xseven-dlq-consumer-group',
  FunctionName: 'xseven-dlq-function',
  Handler: 'xseven-dlq-handler',
  Category: 'xseven-dlq-category',
  Retriable: 'xseven-dlq-retriable',
  ErrorMessage: 'xseven-dlq-error-message',
  ErrorStack: 'xseven-dlq-error-stack',
  /** Number of failed attempts so far (1 after the first failure). */
  Attempt: 'xseven-dlq-attempt',
  FirstFailureTime: 'xseven-dlq-first-failure-time',
  LastFailureTime: 'xseven-dlq-last-failure-time',
  NextRetryTime: 'xseven-dlq-next-retry-time',
  /** Event id of the envelope, when the record could be decoded. */
  EventId: 'xseven-dlq-event-id',
  /** JSON array of earlier failures, written on archive. */
  History: 'xseven-dlq-history',
} as const;
export type DlqHeader = (typeof DlqHeader)[keyof typeof DlqHeader];

/**
 * Header carried by a record republished from the DLQ to its original topic:
 * which delivery attempt this is (absent on the first delivery = 1).
 */
export const DELIVERY_ATTEMPT_HEADER = 'xseven-attempt';

/**
 * Prefix of every DLQ header. A consumer dead-lettering a record again
 * (after a DLQ retry) replaces the `xseven-dlq-*` headers the record carries
 * and keeps every other header untouched. A republished record carries
 * {@link DELIVERY_ATTEMPT_HEADER} and may carry
 * {@link DlqHeader.FirstFailureTime}, which the consumer keeps.
 */
export const DLQ_HEADER_PREFIX = 'xseven-dlq-';

/**
 * Header carried by a record republished from the DLQ to its original topic:
 * a JSON array of the failures so far ({@link FailureHistoryEntry} of
 * shared/dlq/record.ts). The DLQ writer keeps it among the original headers,
 * so the full history reaches the archive.
 */
export const RETRY_HISTORY_HEADER = 'xseven-retry-history';
