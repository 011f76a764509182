import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { UnauthorizedError } from '../http/errors';
import type { HttpRequest } from '../http/problem-middleware';
import type { HttpRouteDefinition } from '../platform';
import type { ManagementConfig } from './config';
import { header, matchRoute } from './request';

/** The auth settings of {@link authorizeRequest}. */
export type AuthConfig = Pick<
  ManagementConfig,
  'apiToken' | 'allowUnauthenticatedMutations' | 'inAws'
>;

/** How a request was let in. */
export const AuthMethod = {
  /** API Gateway's IAM/JWT/Lambda authorizer already checked it (AWS). */
  Authorizer: 'authorizer',
  BearerToken: 'bearer-token',
  /** Local, no token configured, read-only route (or mutations explicitly allowed). */
  Open: 'open',
} as const;
export type AuthMethod = (typeof AuthMethod)[keyof typeof AuthMethod];

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

const hasAuthorizer = (event: APIGatewayProxyEventV2): boolean => {
  const context = event.requestContext as unknown as { authorizer?: unknown };
  return (
    typeof context.authorizer === 'object' &&
    context.authorizer !== null &&
    Object.keys(context.authorizer).length > 0
  );
};

/**
 * Decides whether a management request may run; throws a 401 otherwise.
 * - In AWS (Lambda): the HTTP API's authorizer ran when the request context
 *   carries `authorizer`; without it the request is refused unless it holds
 *   the configured bearer token.
 * - Locally: with XSEVEN_API_TOKEN set, every route needs
 *   `Authorization: Bearer <token>`; without it, read-only routes are open and
 *   mutating routes are refused unless XSEVEN_ALLOW_UNAUTHENTICATED_MUTATIONS=1.
 *   The request context's `authorizer` is never trusted locally.
 *
 * @example
 * ```ts
 * authorizeRequest(event, { apiToken: 's3cret-token-of-16+', allowUnauthenticatedMutations: false, inAws: false }, true);
 * ```
 */
export const authorizeRequest = (
  event: APIGatewayProxyEventV2,
  config: AuthConfig,
  mutating: boolean,
): AuthMethod => {
  if (config.inAws && hasAuthorizer(event)) return AuthMethod.Authorizer;
  if (config.apiToken !== undefined) {
    const given = /^Bearer\s+(.+)$/i.exec(header(event, 'authorization') ?? '')?.[1]?.trim();
    if (given === undefined) throw new UnauthorizedError('a bearer token is required');
    if (!timingSafeEqual(digest(given), digest(config.apiToken)))
      throw new UnauthorizedError('the bearer token is not valid');
    return AuthMethod.BearerToken;
  }
  if (config.inAws)
    throw new UnauthorizedError('no authorizer ran for this request and no token is configured');
  if (mutating && !config.allowUnauthenticatedMutations)
    throw new UnauthorizedError(
      'this route changes the cluster: set XSEVEN_API_TOKEN and send it as a bearer token, or set XSEVEN_ALLOW_UNAUTHENTICATED_MUTATIONS=1',
    );
  return AuthMethod.Open;
};

/**
 * Middy middleware enforcing {@link authorizeRequest} before the handler;
 * whether a route mutates comes from the platform definition (`mutating`).
 * Unknown routes are checked as mutating unless GET (and answered 404 afterwards).
 *
 * @example
 * ```ts
 * middy(dispatch).use(problemJsonErrors({ logger })).use(managementAuth({ config, routes: platform.httpRoutes }));
 * ```
 */
export const managementAuth = (options: {
  readonly config: AuthConfig;
  readonly routes: readonly HttpRouteDefinition[];
}): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> => {
  const managementAuthBefore = (request: HttpRequest): void => {
    const mutating =
      matchRoute(options.routes, request.event)?.route.mutating ??
      request.event.requestContext.http.method.toUpperCase() !== 'GET';
    authorizeRequest(request.event, options.config, mutating);
  };
  return { before: managementAuthBefore };
};
