import { ConflictError, HttpError, NotFoundError } from '../http/errors';
import { kafkaErrorType } from '../kafka/producer-errors';

/**
 * Kafka protocol error codes that name the caller's mistake (Kafka's
 * `org.apache.kafka.common.protocol.Errors`), and the status each gets.
 * Anything else kafkajs throws (connection, timeouts, NOT_CONTROLLER,
 * leader elections...) is an availability error: 503. The authorization
 * failures are what MSK IAM answers (AWS) for a topic or group outside the
 * management role's grants (infra `managementKafkaAccess`): retrying cannot
 * help, so 403 rather than 503.
 */
const CALLER_ERROR_STATUS: Readonly<Record<string, 403 | 404 | 409 | 422>> = {
  TOPIC_AUTHORIZATION_FAILED: 403,
  GROUP_AUTHORIZATION_FAILED: 403,
  CLUSTER_AUTHORIZATION_FAILED: 403,
  TOPIC_ALREADY_EXISTS: 409,
  UNKNOWN_TOPIC_OR_PARTITION: 404,
  GROUP_ID_NOT_FOUND: 404,
  NON_EMPTY_GROUP: 409,
  INVALID_TOPIC_EXCEPTION: 422,
  INVALID_PARTITIONS: 422,
  INVALID_REPLICATION_FACTOR: 422,
  INVALID_REPLICA_ASSIGNMENT: 422,
  INVALID_CONFIG: 422,
  INVALID_REQUEST: 422,
  INVALID_TIMESTAMP: 422,
  INVALID_GROUP_ID: 422,
  INVALID_COMMIT_OFFSET_SIZE: 422,
  OFFSET_OUT_OF_RANGE: 422,
  POLICY_VIOLATION: 422,
  UNSUPPORTED_COMPRESSION_TYPE: 422,
  RECORD_LIST_TOO_LARGE: 422,
  MESSAGE_TOO_LARGE: 422,
};

/**
 * The Kafka code of an error, also of a kafkajs `KafkaJSAggregateError`
 * (CreateTopics answers one per topic): the first of its errors with a
 * code of {@link CALLER_ERROR_STATUS}.
 */
const callerErrorType = (error: unknown): string | undefined => {
  const type = kafkaErrorType(error);
  if (type !== undefined) return type;
  const errors =
    typeof error === 'object' && error !== null
      ? (error as { errors?: unknown }).errors
      : undefined;
  if (!Array.isArray(errors)) return undefined;
  return errors
    .map((e) => kafkaErrorType(e))
    .find((t) => t !== undefined && CALLER_ERROR_STATUS[t] !== undefined);
};

/**
 * The HTTP error of a Kafka error the caller caused, if it is one (the
 * broker's code is kept in `details.kafkaCode`).
 *
 * @example
 * ```ts
 * kafkaCallerError(Object.assign(new Error('exists'), { type: 'TOPIC_ALREADY_EXISTS' }))?.status; // 409
 * ```
 */
export const kafkaCallerError = (error: unknown): HttpError | undefined => {
  const type = callerErrorType(error);
  const status = type === undefined ? undefined : CALLER_ERROR_STATUS[type];
  if (type === undefined || status === undefined) return undefined;
  const message = `Kafka refused the request: ${type}`;
  if (status === 403)
    return new HttpError(
      403,
      'FORBIDDEN',
      `${message}: the management function's Kafka rights cover the definition's topics and groups and the topics under access.apiTopicPrefix`,
      { cause: error, details: { kafkaCode: type } },
    );
  if (status === 404) return new NotFoundError(message);
  if (status === 409)
    return new ConflictError(message, { cause: error, details: { kafkaCode: type } });
  return new HttpError(422, 'KAFKA_REFUSED', message, {
    cause: error,
    details: { kafkaCode: type },
    issues: [{ path: '(body)', message: type }],
  });
};
