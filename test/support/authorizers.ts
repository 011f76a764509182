import { authorizerContext } from '../../local/gateway/auth';
import type { LocalPrincipal } from '../../local/gateway/auth';
import { RouteAccess, platform } from '../../shared/platform';

const operator: LocalPrincipal = { name: 'operator', access: Object.values(RouteAccess) };
const publisher: LocalPrincipal = { name: 'publisher', access: [RouteAccess.Publish] };
const ISSUED = new Date('2026-12-01T00:00:00Z');

/** The authorizer contexts the local gateway builds, for tests that invoke a handler directly. */
export const authorizers = {
  /** JWT with every scope of the definition. */
  operatorJwt: authorizerContext(operator, 'jwt', platform.access, ISSUED),
  /** JWT with the publish scope only. */
  publisherJwt: authorizerContext(publisher, 'jwt', platform.access, ISSUED),
  /** IAM (the policy was evaluated by API Gateway). */
  operatorIam: authorizerContext(operator, 'iam', platform.access, ISSUED),
} as const;
