/**
 * The one error hierarchy of xseven-events.
 *
 * Every error the platform raises extends {@link XsevenError}: it carries a
 * stable `code`, a `retriable` flag (may the same operation succeed if tried
 * again?) and the underlying `cause`. Each area adds its own `errors.ts` with
 * subclasses ending in `Error`.
 */

/**
 * One failing field of an input (HTTP body, event, record), e.g.
 * `{ path: 'data.user_id', message: 'Required' }`. Validation errors of every
 * area carry a list of them; HTTP renders them in a 422's `errors`.
 */
export interface FieldIssue {
  readonly path: string;
  readonly message: string;
}

/** Options accepted by every {@link XsevenError}. */
export interface XsevenErrorOptions {
  /** The error that caused this one. */
  readonly cause?: unknown;
  /** Whether retrying the same operation may succeed. @default false */
  readonly retriable?: boolean;
  /** Structured, non-sensitive details (safe to log and to return to callers). */
  readonly details?: Readonly<Record<string, unknown>>;
}

/**
 * Base class of every platform error.
 *
 * @example
 * ```ts
 * throw new XsevenError('KAFKA_UNAVAILABLE', 'broker unreachable', { retriable: true, cause: err });
 * ```
 */
export class XsevenError extends Error {
  public readonly code: string;
  public readonly retriable: boolean;
  public readonly details: Readonly<Record<string, unknown>>;

  public constructor(code: string, message: string, options: XsevenErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retriable = options.retriable ?? false;
    this.details = options.details ?? {};
  }
}

/**
 * Input from outside (HTTP body, Kafka record, env var, definition) failed validation.
 * Never retriable: the same input fails the same way.
 *
 * @example
 * ```ts
 * throw new ValidationError('body.data.userId: Required', { details: { issues } });
 * ```
 */
export class ValidationError extends XsevenError {
  public constructor(message: string, options: Omit<XsevenErrorOptions, 'retriable'> = {}) {
    super('VALIDATION_FAILED', message, { ...options, retriable: false });
  }
}

/**
 * Something a caller named does not exist (an event type's schema, a
 * topic...): HTTP answers 404. Lets areas below `shared/http` raise a 404
 * without importing the HTTP layer.
 *
 * @example
 * ```ts
 * throw new ResourceNotFoundError('no schema for event type "x"');
 * ```
 */
export class ResourceNotFoundError extends XsevenError {
  public readonly status = 404;

  public constructor(message: string, options: Omit<XsevenErrorOptions, 'retriable'> = {}) {
    super('NOT_FOUND', message, { ...options, retriable: false });
  }
}

/**
 * Configuration (environment variables) is missing or invalid.
 *
 * @example
 * ```ts
 * throw new ConfigError('KAFKA_BOOTSTRAP_SERVERS: Required');
 * ```
 */
export class ConfigError extends XsevenError {
  public constructor(message: string, options: Omit<XsevenErrorOptions, 'retriable'> = {}) {
    super('CONFIG_INVALID', message, { ...options, retriable: false });
  }
}

/**
 * Kafka could not be reached or refused the operation for a transient reason.
 *
 * @example
 * ```ts
 * throw new KafkaUnavailableError('producer could not connect', { cause: err });
 * ```
 */
export class KafkaUnavailableError extends XsevenError {
  public constructor(message: string, options: Omit<XsevenErrorOptions, 'retriable'> = {}) {
    super('KAFKA_UNAVAILABLE', message, { ...options, retriable: true });
  }
}

/**
 * Tells whether an unknown thrown value is retriable: our own errors say so,
 * kafkajs errors carry `retriable` too; anything else is not.
 *
 * @example
 * ```ts
 * if (isRetriable(err)) await retry();
 * ```
 */
export const isRetriable = (error: unknown): boolean =>
  typeof error === 'object' &&
  error !== null &&
  'retriable' in error &&
  (error as { retriable: unknown }).retriable === true;
