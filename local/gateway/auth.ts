import { createHash, timingSafeEqual } from 'node:crypto';
import { ApiAuthMode, RouteAccess, routeAccess } from '../../shared/platform';
import type { AccessDefinition, HttpRouteDefinition } from '../../shared/platform';

/** How the local gateway authenticates callers (XSEVEN_API_AUTH, XSEVEN_API_TOKEN, ...). */
export interface GatewayAuth {
  /** The authorizer context built: AWS's for `apiAuth` iam or jwt. */
  readonly mode: ApiAuthMode;
  /** Bearer token of the operator principal (every access). */
  readonly operatorToken?: string;
  /** Bearer token of the publisher principal (publish routes only). */
  readonly publishToken?: string;
  /** Without tokens, the developer principal may also operate. */
  readonly allowUnauthenticatedMutations: boolean;
}

/** A local caller and what its policy (IAM) or its scopes (JWT) allow. */
export interface LocalPrincipal {
  readonly name: 'operator' | 'publisher' | 'developer';
  readonly access: readonly RouteAccess[];
}

/** The gateway's default: no tokens, IAM contexts, a developer who publishes and reads. */
export const OPEN_LOCAL_AUTH: GatewayAuth = {
  mode: ApiAuthMode.Iam,
  allowUnauthenticatedMutations: false,
};

const ALL_ACCESS = Object.values(RouteAccess);
const digest = (text: string): Buffer => createHash('sha256').update(text).digest();
const sameToken = (given: string, expected: string): boolean =>
  timingSafeEqual(digest(given), digest(expected));

/**
 * The principal of a request from its `Authorization` header:
 * - no token configured: the `developer` (publish and read; operate too with
 *   XSEVEN_ALLOW_UNAUTHENTICATED_MUTATIONS=1), whatever the request sends;
 * - tokens configured: `Bearer <XSEVEN_API_TOKEN>` is the `operator` (every
 *   access), `Bearer <XSEVEN_API_PUBLISH_TOKEN>` the `publisher` (publish
 *   only); anything else has no principal, and the function answers 401.
 * Tokens are compared in constant time.
 *
 * @example
 * ```ts
 * localPrincipal('Bearer publish-token-0123456789', auth)?.name; // 'publisher'
 * ```
 */
export const localPrincipal = (
  authorization: string | undefined,
  auth: GatewayAuth,
): LocalPrincipal | undefined => {
  if (auth.operatorToken === undefined)
    return {
      name: 'developer',
      access: auth.allowUnauthenticatedMutations
        ? ALL_ACCESS
        : [RouteAccess.Publish, RouteAccess.Read],
    };
  const given = /^Bearer\s+(.+)$/i.exec(authorization ?? '')?.[1]?.trim();
  if (given === undefined) return undefined;
  if (sameToken(given, auth.operatorToken)) return { name: 'operator', access: ALL_ACCESS };
  if (auth.publishToken !== undefined && sameToken(given, auth.publishToken))
    return { name: 'publisher', access: [RouteAccess.Publish] };
  return undefined;
};

const LOCAL_ACCOUNT = '000000000000';
const LOCAL_ROLE_ID = 'AROAXSEVENLOCAL00000';
const LOCAL_ISSUER = 'http://localhost/xseven-local';

/**
 * The `requestContext.authorizer` API Gateway's HTTP API builds for the
 * principal, in the shapes of AWS's sample events (see
 * shared/http/authorization.ts): IAM as an assumed role of the local account
 * (`arn:aws:sts::000000000000:assumed-role/xseven-local-<name>/<name>`), JWT
 * with the scopes of the principal's access (the definition's `access.scopes`)
 * in `scopes` and in the `scope` claim, claims as strings as API Gateway passes them.
 *
 * @example
 * ```ts
 * authorizerContext({ name: 'publisher', access: ['publish'] }, 'jwt', platform.access, new Date());
 * // { jwt: { claims: { sub: 'publisher', scope: 'xseven-events/publish', ... }, scopes: ['xseven-events/publish'] } }
 * ```
 */
export const authorizerContext = (
  principal: LocalPrincipal,
  mode: ApiAuthMode,
  access: AccessDefinition,
  now: Date,
): Record<string, unknown> => {
  if (mode === ApiAuthMode.Iam) {
    const callerId = `${LOCAL_ROLE_ID}:${principal.name}`;
    return {
      iam: {
        accessKey: 'ASIAXSEVENLOCAL00000',
        accountId: LOCAL_ACCOUNT,
        callerId,
        cognitoIdentity: null,
        principalOrgId: null,
        userArn: `arn:aws:sts::${LOCAL_ACCOUNT}:assumed-role/xseven-local-${principal.name}/${principal.name}`,
        userId: callerId,
      },
    };
  }
  const scopes = principal.access.map((a) => access.scopes[a]);
  const issuedAt = Math.floor(now.getTime() / 1000);
  return {
    jwt: {
      claims: {
        iss: LOCAL_ISSUER,
        sub: principal.name,
        client_id: `xseven-local-${principal.name}`,
        token_use: 'access',
        scope: scopes.join(' '),
        iat: String(issuedAt),
        exp: String(issuedAt + 3600),
      },
      scopes,
    },
  };
};

/**
 * What API Gateway decides before invoking in IAM mode: the caller's IAM
 * policy allows `execute-api:Invoke` on the route's ARN. The stack's policies
 * follow `routeAccess` (`publisher`: the publish routes; `operator`: the
 * management routes); a local principal's policy allows the routes of its
 * access. (JWT scopes are checked by the function itself, from the context.)
 *
 * @example
 * ```ts
 * iamPolicyAllows({ name: 'publisher', access: ['publish'] }, route); // false on DELETE /topics/{name}
 * ```
 */
export const iamPolicyAllows = (
  principal: LocalPrincipal,
  route: Pick<HttpRouteDefinition, 'function' | 'mutating'>,
): boolean => principal.access.includes(routeAccess(route));
