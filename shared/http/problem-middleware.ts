import type { MiddlewareObj, Request } from '@middy/core';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import type { Logger } from '@aws-lambda-powertools/logger';
import { problemResponse, toHttpError } from './problem';

/** A middy request of an API Gateway HTTP API (payload 2.0) handler. */
export type HttpRequest = Request<
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Error,
  Context
>;

/**
 * Middy middleware rendering every error as application/problem+json.
 * Put it first (outermost) so it sees errors of every other middleware.
 * 4xx are logged at debug, 5xx at error with their cause; bodies are never logged.
 *
 * @example
 * ```ts
 * middy(handler).use(problemJsonErrors({ logger }));
 * ```
 */
export const problemJsonErrors = (options: {
  readonly logger: Logger;
}): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> => {
  const problemJsonErrorsOnError = (request: HttpRequest): void => {
    if (request.response !== undefined && request.error === null) return;
    const httpError = toHttpError(request.error);
    const context = { status: httpError.status, code: httpError.code, path: request.event.rawPath };
    if (httpError.status >= 500)
      options.logger.error('request failed', { ...context, error: request.error ?? undefined });
    // A refused request is the caller's business (its answer says why, the
    // metrics count it): one debug line, not INFO noise per bad request.
    else options.logger.debug('request rejected', { ...context, detail: httpError.message });
    request.response = problemResponse(httpError, request.event.rawPath);
  };
  return { onError: problemJsonErrorsOnError };
};
