import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod';
import { lazy } from '../lazy';
import { ForbiddenError, UnauthorizedError } from './errors';
import type { HttpRequest } from './problem-middleware';

/*
 * `requestContext.authorizer` of an HTTP API (payload 2.0) event, as AWS's
 * sample events show it:
 * - IAM: aws-lambda-go events/testdata/apigw-v2-request-iam.json and
 *   Powertools' packages/parser/tests/events/apigw-http/iam-auth.json:
 *   `{ iam: { accessKey, accountId, callerId, cognitoIdentity, principalOrgId, userArn, userId } }`
 *   (`cognitoIdentity` and `principalOrgId` null outside Cognito / Organizations);
 * - JWT: aws-lambda-go events/testdata/apigw-v2-request-jwt-authorizer.json:
 *   `{ jwt: { claims: { ... }, scopes: [ ... ] } }` (`scopes` null when the
 *   token has none; the `scope` claim then holds them space-separated).
 * A route without an authorizer carries no `authorizer`, or
 * `{ "lambda": null }` (a capture of such a route in AWS): never a principal.
 */
const nonEmpty = lazy(() => z.string().min(1));
const iamContext = lazy(() =>
  z.object({
    accessKey: z.string().nullish(),
    accountId: z.string().nullish(),
    callerId: z.string().nullish(),
    cognitoIdentity: z.unknown().nullish(),
    principalOrgId: z.string().nullish(),
    userArn: nonEmpty(),
    userId: z.string().nullish(),
  }),
);
const jwtContext = lazy(() =>
  z.object({
    claims: z.record(z.string(), z.unknown()),
    scopes: z.array(z.string()).nullish(),
  }),
);
const iamAuthorizer = lazy(() => z.object({ iam: iamContext() }));
const jwtAuthorizer = lazy(() => z.object({ jwt: jwtContext() }));

type Authorizer =
  z.output<ReturnType<typeof iamAuthorizer>> | z.output<ReturnType<typeof jwtAuthorizer>>;

const has = (value: unknown, key: string): boolean =>
  typeof value === 'object' && value !== null && key in value;

/**
 * The authorizer context as the union of both shapes parses it (IAM first),
 * each shape tried only when its key is there: a JWT request no longer
 * builds the IAM branch's failure first (this runs per request).
 */
const parseAuthorizer = (authorizer: unknown): Authorizer | undefined => {
  if (has(authorizer, 'iam')) {
    const iam = iamAuthorizer().safeParse(authorizer);
    if (iam.success) return iam.data;
  }
  if (has(authorizer, 'jwt')) {
    const jwt = jwtAuthorizer().safeParse(authorizer);
    if (jwt.success) return jwt.data;
  }
  return undefined;
};

/** IAM: `iam`; JWT: `jwt` (the `apiAuth` modes of the stack and of the local gateway). */
export const PrincipalKind = { Iam: 'iam', Jwt: 'jwt' } as const;
export type PrincipalKind = (typeof PrincipalKind)[keyof typeof PrincipalKind];

/** Who called, as the HTTP API's authorizer established it. */
export type Principal =
  | { readonly kind: typeof PrincipalKind.Iam; readonly id: string }
  | {
      readonly kind: typeof PrincipalKind.Jwt;
      readonly id: string;
      readonly scopes: readonly string[];
    };

/**
 * The caller of a request from its `requestContext.authorizer`; throws a 401
 * when there is none (no authorizer, `{}`, `{"lambda": null}`, an IAM
 * context without a user ARN, ...).
 *
 * @example
 * ```ts
 * principalOf(event); // { kind: 'jwt', id: 'ops-user', scopes: ['xseven-events/operate'] }
 * ```
 */
export const principalOf = (event: Pick<APIGatewayProxyEventV2, 'requestContext'>): Principal => {
  const context = event.requestContext as unknown as { authorizer?: unknown };
  const parsed = parseAuthorizer(context.authorizer);
  if (parsed === undefined)
    throw new UnauthorizedError('the request carries no IAM or JWT principal (no authorizer ran)');
  if ('iam' in parsed) return { kind: PrincipalKind.Iam, id: parsed.iam.userArn };
  const { claims, scopes } = parsed.jwt;
  const fromClaim = typeof claims.scope === 'string' ? claims.scope.split(' ') : [];
  return {
    kind: PrincipalKind.Jwt,
    id: typeof claims.sub === 'string' ? claims.sub : 'unknown',
    scopes: [...new Set([...(scopes ?? []), ...fromClaim].filter((s) => s !== ''))],
  };
};

/**
 * The one authorization decision of the HTTP functions, the same in AWS and
 * locally (the local gateway builds the authorizer context AWS would):
 * - no principal: 401;
 * - JWT: the token must hold one of the route's scopes (the caller passes
 *   `routeScopes` of shared/platform: the definition's `access` block), else
 *   403 naming them;
 * - IAM: API Gateway already evaluated the caller's policy on the route's ARN
 *   (the stack's `publisher` / `operator` policies, derived from the same
 *   `routeAccess`); the local gateway evaluates its principals' policies the
 *   same way before invoking (local/gateway/auth.ts). A signed principal passes.
 * An unknown route (undefined) needs a principal only: it is answered 404 next.
 *
 * @example
 * ```ts
 * authorize(event, routeScopes(platform, route)); // the principal, or throws 401/403
 * ```
 */
export const authorize = (
  event: Pick<APIGatewayProxyEventV2, 'requestContext'>,
  required: readonly string[] | undefined,
): Principal => {
  const principal = principalOf(event);
  if (required === undefined || principal.kind === PrincipalKind.Iam) return principal;
  if (!required.some((scope) => principal.scopes.includes(scope)))
    throw new ForbiddenError(`this route requires one of the scopes ${required.join(', ')}`);
  return principal;
};

/**
 * Middy middleware running {@link authorize} before body parsing and the
 * route; `requiredScopes` gives the scopes of the request's route from the
 * definition (undefined for a route it does not know).
 *
 * @example
 * ```ts
 * middy(route)
 *   .use(problemJsonErrors({ logger }))
 *   .use(authorizeRoutes({ requiredScopes: (event) => routeScopes(def, findRoute(event)) }));
 * ```
 */
export const authorizeRoutes = (options: {
  readonly requiredScopes: (event: APIGatewayProxyEventV2) => readonly string[] | undefined;
}): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> => {
  const authorizeRoutesBefore = (request: HttpRequest): void => {
    authorize(request.event, options.requiredScopes(request.event));
  };
  return { before: authorizeRoutesBefore };
};
