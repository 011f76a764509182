import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ResourceNotFoundError, ValidationError, XsevenError } from '../errors';
import type { FieldIssue } from '../errors';
import { HttpError, NotFoundError, ServiceUnavailableError } from './errors';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** RFC 9457 problem details, plus the failing fields of a 422. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly instance?: string;
  readonly code: string;
  readonly errors?: readonly FieldIssue[];
}

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/**
 * Maps any thrown value to an {@link HttpError}: our HTTP errors as they are,
 * validation errors to 422, missing resources to 404, retriable platform errors to 503, anything else
 * to a generic 500 (its message is never shown).
 *
 * @example
 * ```ts
 * const httpError = toHttpError(new KafkaUnavailableError('down')); // 503
 * ```
 */
export const toHttpError = (error: unknown): HttpError => {
  if (error instanceof HttpError) return error;
  if (error instanceof ResourceNotFoundError) return new NotFoundError(error.message);
  if (error instanceof ValidationError) {
    const issues = (error.details.issues as FieldIssue[] | undefined) ?? [];
    return new HttpError(422, error.code, error.message, { issues, cause: error });
  }
  if (error instanceof XsevenError && error.retriable)
    return new ServiceUnavailableError('a dependency is unavailable, retry later', 5, {
      cause: error,
    });
  return new HttpError(500, 'INTERNAL', 'internal error', { cause: error });
};

/**
 * The problem details of an HTTP error (5xx details replaced by a generic
 * message), e.g. for one failed item of a batch answer.
 *
 * @example
 * ```ts
 * problemOf(new NotFoundError('no such topic')).status; // 404
 * ```
 */
export const problemOf = (httpError: HttpError, instance?: string): Problem => {
  const status = httpError.status;
  return {
    type: `urn:xseven:problem:${httpError.code.toLowerCase().replace(/_/g, '-')}`,
    title: TITLES[status] ?? (status >= 500 ? 'Server Error' : 'Client Error'),
    status,
    detail: status >= 500 && status !== 503 ? 'internal error' : httpError.message,
    code: httpError.code,
    ...(instance ? { instance } : {}),
    ...(httpError.issues.length > 0 ? { errors: httpError.issues } : {}),
  };
};

/**
 * Renders an error as an application/problem+json API Gateway v2 result.
 * 5xx details are replaced by a generic message.
 *
 * @example
 * ```ts
 * return problemResponse(new NotFoundError('no such topic'), '/api/v1/kafka/topics/x');
 * ```
 */
export const problemResponse = (
  error: unknown,
  instance?: string,
): APIGatewayProxyStructuredResultV2 => {
  const httpError = toHttpError(error);
  return {
    statusCode: httpError.status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE, ...httpError.headers },
    body: JSON.stringify(problemOf(httpError, instance)),
  };
};

/**
 * A JSON API Gateway v2 result.
 *
 * @example
 * ```ts
 * return jsonResponse(201, { eventId, topic, partition, offset });
 * ```
 */
export const jsonResponse = (
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});
