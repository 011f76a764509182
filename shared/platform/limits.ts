/**
 * The largest record the platform writes or accepts, in bytes: 1,000,000.
 *
 * Kafka's broker (and topic) default limit, `message.max.bytes`, is
 * 1,048,588 bytes (1 MiB + 12) for a whole record batch, framing included.
 * The publish API counts a record's key, value and headers against this
 * limit and answers 413 above it, so a record always fits a batch of its own;
 * the consumers dead-letter larger values (a deserialization failure), so a
 * record can always be written to the DLQ with its failure headers (a few
 * KiB) without the broker refusing the dead letter, which would block its
 * partition. One value for both sides: a record the platform publishes is a
 * record its consumers accept.
 */
export const MAX_RECORD_BYTES = 1_000_000;

/** Kafka's longest topic name (its `Topic.MAX_NAME_LENGTH`): 249 characters. */
export const TOPIC_NAME_MAX_LENGTH = 249;
