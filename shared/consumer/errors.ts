import { XsevenError } from '../errors';
import type { XsevenErrorOptions } from '../errors';
import { FailureCategory } from '../platform/schema';

type Options = Omit<XsevenErrorOptions, 'retriable'>;

/** Options of a record failure. */
type RecordOptions = Options & {
  /** The envelope id, when the value could be read (labels the dead letter). */
  readonly eventId?: string | undefined;
  /** The envelope's correlation id, when the value could be read (labels its log line). */
  readonly correlationId?: string | undefined;
};

/**
 * A consumed record failed. Every subclass names its {@link FailureCategory};
 * whether it is retriable follows from the category (see classify.ts).
 *
 * @example
 * ```ts
 * if (error instanceof RecordFailureError) error.category; // 'timeout'
 * ```
 */
export class RecordFailureError extends XsevenError {
  public readonly category: FailureCategory;
  /** The envelope id, when the value could be read. */
  public readonly eventId: string | undefined;
  /** The envelope's correlation id, when the value could be read. */
  public readonly correlationId: string | undefined;

  public constructor(
    category: FailureCategory,
    code: string,
    message: string,
    retriable: boolean,
    options: RecordOptions = {},
  ) {
    const { eventId, correlationId, ...rest } = options;
    super(code, message, { ...rest, retriable });
    this.category = category;
    this.eventId = eventId;
    this.correlationId = correlationId;
  }
}

/**
 * The record's bytes are not a decodable event (not base64, not UTF-8 JSON,
 * too large). Never retriable: the same bytes fail the same way.
 *
 * @example
 * ```ts
 * throw new RecordDeserializationError('value is not valid JSON', { cause: err });
 * ```
 */
export class RecordDeserializationError extends RecordFailureError {
  public constructor(message: string, options: RecordOptions = {}) {
    super(FailureCategory.Deserialization, 'RECORD_DESERIALIZATION', message, false, options);
  }
}

/**
 * The record decodes but its envelope or data does not match the schema
 * (including an unknown event type; an unknown schema version is
 * {@link RecordUnknownVersionError}). Never retriable.
 *
 * @example
 * ```ts
 * throw new RecordSchemaError('data.user_id: Invalid input', { cause: validationError });
 * ```
 */
export class RecordSchemaError extends RecordFailureError {
  public constructor(message: string, options: RecordOptions = {}) {
    super(FailureCategory.SchemaValidation, 'RECORD_SCHEMA_INVALID', message, false, options);
  }
}

/**
 * The record names a schema version this consumer does not know: an unknown
 * major version, or a newer version of a known major whose data the newest
 * known version cannot read. Retriable: a newer consumer may be deployed.
 *
 * @example
 * ```ts
 * throw new RecordUnknownVersionError('major version 2 of "user.action" is unknown here', { cause: err });
 * ```
 */
export class RecordUnknownVersionError extends RecordFailureError {
  public constructor(message: string, options: RecordOptions = {}) {
    super(
      FailureCategory.UnknownSchemaVersion,
      'RECORD_SCHEMA_VERSION_UNKNOWN',
      message,
      true,
      options,
    );
  }
}

/**
 * A handler threw while processing a valid event. Retriable through the DLQ
 * (the handler may be fixed or the condition may pass).
 *
 * @example
 * ```ts
 * throw new HandlerProcessingError('conversation-log failed', { cause: err });
 * ```
 */
export class HandlerProcessingError extends RecordFailureError {
  public constructor(message: string, options: Options = {}) {
    super(FailureCategory.Processing, 'HANDLER_FAILED', message, true, options);
  }
}

/**
 * A handler did not finish within the record's time bound (derived from the
 * Lambda's remaining time). Retriable.
 *
 * @example
 * ```ts
 * throw new HandlerTimeoutError('handler "x" exceeded 2500 ms');
 * ```
 */
export class HandlerTimeoutError extends RecordFailureError {
  public constructor(message: string, options: Options = {}) {
    super(FailureCategory.Timeout, 'HANDLER_TIMEOUT', message, true, options);
  }
}

/**
 * A dependency of a handler (database, HTTP service, Kafka...) is
 * unavailable. Handlers throw it (or any error flagged `retriable`) to say
 * "not my bug, try again later". Retriable.
 *
 * @example
 * ```ts
 * throw new DependencyUnavailableError('analytics store unreachable', { cause: err });
 * ```
 */
export class DependencyUnavailableError extends RecordFailureError {
  public constructor(message: string, options: Options = {}) {
    super(FailureCategory.Dependency, 'DEPENDENCY_UNAVAILABLE', message, true, options);
  }
}

/**
 * A configuration of the consumer (handler factory or local ESM) is invalid.
 *
 * @example
 * ```ts
 * throw new ConsumerConfigError('consumer "x" is not in the platform definition');
 * ```
 */
export class ConsumerConfigError extends XsevenError {
  public constructor(message: string, options: Options = {}) {
    super('CONSUMER_CONFIG_INVALID', message, { ...options, retriable: false });
  }
}

/**
 * Some records of a batch were not processed before the Lambda's time ran
 * out; the invocation fails so the ESM delivers the batch again.
 *
 * @example
 * ```ts
 * throw new BatchIncompleteError('4 record(s) were not processed before the time ran out');
 * ```
 */
export class BatchIncompleteError extends XsevenError {
  public constructor(message: string, options: Options = {}) {
    super('BATCH_INCOMPLETE', message, { ...options, retriable: true });
  }
}
