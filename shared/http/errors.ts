import { XsevenError } from '../errors';
import type { FieldIssue, XsevenErrorOptions } from '../errors';

/**
 * An error with an HTTP status, rendered as application/problem+json.
 * 4xx are the caller's mistakes (message shown); 5xx never leak internals.
 *
 * @example
 * ```ts
 * throw new HttpError(404, 'NOT_FOUND', 'topic "x" does not exist');
 * ```
 */
export class HttpError extends XsevenError {
  public readonly status: number;
  public readonly issues: readonly FieldIssue[];
  public readonly headers: Readonly<Record<string, string>>;

  public constructor(
    status: number,
    code: string,
    message: string,
    options: XsevenErrorOptions & {
      readonly issues?: readonly FieldIssue[];
      readonly headers?: Record<string, string>;
    } = {},
  ) {
    super(code, message, options);
    this.status = status;
    this.issues = options.issues ?? [];
    this.headers = options.headers ?? {};
  }
}

/** 400: the request is malformed (e.g. not JSON). @example `throw new BadRequestError('body is not valid JSON')` */
export class BadRequestError extends HttpError {
  public constructor(message: string, options: XsevenErrorOptions = {}) {
    super(400, 'BAD_REQUEST', message, options);
  }
}

/** 401: no or wrong credentials. @example `throw new UnauthorizedError('bearer token required')` */
export class UnauthorizedError extends HttpError {
  public constructor(message = 'authorization required') {
    super(401, 'UNAUTHORIZED', message, { headers: { 'www-authenticate': 'Bearer' } });
  }
}

/** 403: authenticated, but not allowed on this route. @example `throw new ForbiddenError('requires scope x')` */
export class ForbiddenError extends HttpError {
  public constructor(message: string) {
    super(403, 'FORBIDDEN', message);
  }
}

/** 404. @example `throw new NotFoundError('topic "x" does not exist')` */
export class NotFoundError extends HttpError {
  public constructor(message: string) {
    super(404, 'NOT_FOUND', message);
  }
}

/**
 * 405: the path has routes, none for this method; `Allow` lists those it has (RFC 9110 §15.5.6).
 *
 * @example
 * ```ts
 * throw new MethodNotAllowedError('PUT', '/api/v1/kafka/topics', ['GET', 'POST']);
 * ```
 */
export class MethodNotAllowedError extends HttpError {
  public constructor(method: string, path: string, allowed: readonly string[]) {
    super(405, 'METHOD_NOT_ALLOWED', `${path} does not accept ${method}`, {
      headers: { allow: allowed.join(', ') },
    });
  }
}

/** 409: conflicts with the current state. @example `throw new ConflictError('topic exists')` */
export class ConflictError extends HttpError {
  public constructor(message: string, options: XsevenErrorOptions = {}) {
    super(409, 'CONFLICT', message, options);
  }
}

/** 413. @example `throw new PayloadTooLargeError('body exceeds 1048576 bytes')` */
export class PayloadTooLargeError extends HttpError {
  public constructor(message: string) {
    super(413, 'PAYLOAD_TOO_LARGE', message);
  }
}

/** 415. @example `throw new UnsupportedMediaTypeError('use application/json')` */
export class UnsupportedMediaTypeError extends HttpError {
  public constructor(message: string) {
    super(415, 'UNSUPPORTED_MEDIA_TYPE', message);
  }
}

/** 422: well-formed but violates the schema; names the failing paths. @example `throw new UnprocessableEntityError(issues)` */
export class UnprocessableEntityError extends HttpError {
  public constructor(
    issues: readonly FieldIssue[],
    message = 'request body does not match the schema',
  ) {
    super(422, 'SCHEMA_VIOLATION', message, { issues });
  }
}

/**
 * 503: a dependency (Kafka) is unreachable or did not answer in time;
 * retriable, with Retry-After. `code` tells the kinds apart (e.g.
 * `DELIVERY_TIMEOUT`: the write may or may not have happened).
 * @example `throw new ServiceUnavailableError('Kafka is unreachable', 5)`
 */
export class ServiceUnavailableError extends HttpError {
  public constructor(
    message: string,
    retryAfterSeconds = 5,
    options: XsevenErrorOptions & { readonly code?: string } = {},
  ) {
    super(503, options.code ?? 'SERVICE_UNAVAILABLE', message, {
      ...options,
      retriable: true,
      headers: { 'retry-after': String(retryAfterSeconds) },
    });
  }
}
