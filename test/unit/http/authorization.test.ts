import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { authorizerContext, iamPolicyAllows, localPrincipal } from '../../../local/gateway/auth';
import type { GatewayAuth } from '../../../local/gateway/auth';
import { loadGatewayConfig } from '../../../local/gateway/config';
import { ConfigError } from '../../../shared/errors';
import { authorize, principalOf } from '../../../shared/http/authorization';
import { HttpError } from '../../../shared/http/errors';
import { RouteAccess, platform, routeScopes } from '../../../shared/platform';
import type { HttpRouteDefinition } from '../../../shared/platform';

/** `requestContext.authorizer` of aws-lambda-go events/testdata/apigw-v2-request-iam.json (verbatim). */
const AWS_IAM = {
  iam: {
    accessKey: 'ARIA2ZJZYVUEREEIHAKY',
    accountId: '1234567890',
    callerId: 'AROA7ZJZYVRE7C3DUXHH6:CognitoIdentityCredentials',
    cognitoIdentity: {
      amr: ['foo'],
      identityId: 'us-east-1:3f291106-8703-466b-8f2b-3ecee1ca56ce',
      identityPoolId: 'us-east-1:4f291106-8703-466b-8f2b-3ecee1ca56ce',
    },
    principalOrgId: 'AwsOrgId',
    userArn: 'arn:aws:iam::1234567890:user/Admin',
    userId: 'AROA2ZJZYVRE7Y3TUXHH6',
  },
};
/** aws-lambda-go events/testdata/apigw-v2-request-jwt-authorizer.json's shape, with the definition's scopes. */
const awsJwt = (scopes: string[] | null, claims: Record<string, string> = {}) => ({
  jwt: { claims: { claim1: 'value1', claim2: 'value2', ...claims }, scopes },
});

const eventWith = (authorizer?: unknown): Pick<APIGatewayProxyEventV2, 'requestContext'> =>
  ({
    requestContext: authorizer === undefined ? {} : { authorizer },
  }) as unknown as Pick<APIGatewayProxyEventV2, 'requestContext'>;

const routeOf = (method: string, suffix: string): HttpRouteDefinition => {
  const route = platform.httpRoutes.find(
    (r) => r.method === method && r.path === `${platform.apiBasePath}${suffix}`,
  );
  if (!route) throw new Error(`no route ${method} ${suffix}`);
  return route;
};
const publishRoute = routeOf('POST', '/events/generic');
const readRoute = routeOf('GET', '/topics');
const operateRoute = routeOf('DELETE', '/topics/{name}');
const scopesOf = (route: HttpRouteDefinition): string[] => routeScopes(platform, route);
const { scopes } = platform.access;

const statusOf = (run: () => unknown): number | 'allowed' => {
  try {
    run();
    return 'allowed';
  } catch (error) {
    if (error instanceof HttpError) return error.status;
    throw error;
  }
};

describe('authorization from the request context (AWS sample shapes)', () => {
  it('refuses a request without a principal with 401: missing, {}, {"lambda": null}, null contexts', () => {
    for (const authorizer of [undefined, null, {}, { lambda: null }, { iam: null }, { jwt: null }])
      expect({
        authorizer,
        status: statusOf(() => authorize(eventWith(authorizer), scopesOf(readRoute))),
      }).toEqual({
        authorizer,
        status: 401,
      });
    // Also on a route the function does not know (answered 404 only after authentication).
    expect(statusOf(() => authorize(eventWith({ lambda: null }), undefined))).toBe(401);
  });

  it('reads the IAM principal of AWS sample event, which API Gateway already held against the route policy', () => {
    expect(principalOf(eventWith(AWS_IAM))).toEqual({
      kind: 'iam',
      id: 'arn:aws:iam::1234567890:user/Admin',
    });
    for (const route of [publishRoute, readRoute, operateRoute])
      expect(statusOf(() => authorize(eventWith(AWS_IAM), scopesOf(route)))).toBe('allowed');
    expect(statusOf(() => authorize(eventWith({ iam: { ...AWS_IAM.iam, userArn: '' } }), []))).toBe(
      401,
    );
  });

  it('lets a JWT through only with one of the route’s scopes (403 otherwise)', () => {
    const publishOnly = eventWith(awsJwt([scopes.publish]));
    expect(statusOf(() => authorize(publishOnly, scopesOf(publishRoute)))).toBe('allowed');
    expect(statusOf(() => authorize(publishOnly, scopesOf(readRoute)))).toBe(403);
    expect(statusOf(() => authorize(publishOnly, scopesOf(operateRoute)))).toBe(403);

    const operate = eventWith(awsJwt([scopes.operate]));
    expect(statusOf(() => authorize(operate, scopesOf(readRoute)))).toBe('allowed');
    expect(statusOf(() => authorize(operate, scopesOf(operateRoute)))).toBe('allowed');
    expect(statusOf(() => authorize(operate, scopesOf(publishRoute)))).toBe(403);

    const read = eventWith(awsJwt([scopes.read]));
    expect(statusOf(() => authorize(read, scopesOf(readRoute)))).toBe('allowed');
    expect(statusOf(() => authorize(read, scopesOf(operateRoute)))).toBe(403);

    // The sample's own scopes are none of ours.
    expect(
      statusOf(() => authorize(eventWith(awsJwt(['scope1', 'scope2'])), scopesOf(readRoute))),
    ).toBe(403);
    expect(() => authorize(publishOnly, scopesOf(operateRoute))).toThrow(scopes.operate);
  });

  it('takes the scopes from the `scope` claim when API Gateway passes `scopes: null`', () => {
    const event = eventWith(awsJwt(null, { sub: 'svc', scope: `openid ${scopes.operate}` }));
    expect(principalOf(event)).toEqual({
      kind: 'jwt',
      id: 'svc',
      scopes: ['openid', scopes.operate],
    });
    expect(statusOf(() => authorize(event, scopesOf(operateRoute)))).toBe('allowed');
    expect(statusOf(() => authorize(eventWith(awsJwt(null)), scopesOf(publishRoute)))).toBe(403);
  });
});

describe('the local gateway’s principals and authorizer contexts', () => {
  const tokens: GatewayAuth = {
    mode: 'jwt',
    operatorToken: 'operator-token-0123456789',
    publishToken: 'publish-token-0123456789',
    allowUnauthenticatedMutations: false,
  };

  it('maps XSEVEN_API_TOKEN to the operator and XSEVEN_API_PUBLISH_TOKEN to the publisher', () => {
    expect(localPrincipal('Bearer operator-token-0123456789', tokens)?.name).toBe('operator');
    expect(localPrincipal('bearer publish-token-0123456789', tokens)).toEqual({
      name: 'publisher',
      access: [RouteAccess.Publish],
    });
    for (const header of [
      undefined,
      '',
      'Bearer nope',
      'Basic b3BlcmF0b3I=',
      'Bearer operator-token-0123456789x',
    ])
      expect(localPrincipal(header, tokens)).toBeUndefined();
  });

  it('without tokens, lets the developer publish and read, and operate only when explicitly allowed', () => {
    const open: GatewayAuth = { mode: 'iam', allowUnauthenticatedMutations: false };
    expect(localPrincipal(undefined, open)?.access).toEqual([
      RouteAccess.Publish,
      RouteAccess.Read,
    ]);
    expect(
      localPrincipal('Bearer anything', { ...open, allowUnauthenticatedMutations: true })?.access,
    ).toEqual(Object.values(RouteAccess));
  });

  it('builds contexts of AWS’s shapes that the functions’ one check accepts as AWS’s own', () => {
    const now = new Date('2026-12-01T00:00:00Z');
    const publisher = localPrincipal('Bearer publish-token-0123456789', tokens);
    if (!publisher) throw new Error('no publisher');
    const jwt = authorizerContext(publisher, 'jwt', platform.access, now);
    expect(jwt).toEqual({
      jwt: {
        claims: expect.objectContaining({
          sub: 'publisher',
          scope: scopes.publish,
          iat: '1796083200',
        }),
        scopes: [scopes.publish],
      },
    });
    expect(statusOf(() => authorize(eventWith(jwt), scopesOf(publishRoute)))).toBe('allowed');
    expect(statusOf(() => authorize(eventWith(jwt), scopesOf(operateRoute)))).toBe(403);

    const iam = authorizerContext(publisher, 'iam', platform.access, now) as typeof AWS_IAM;
    expect(Object.keys(iam.iam).sort()).toEqual(Object.keys(AWS_IAM.iam).sort());
    expect(iam.iam.userArn).toBe(
      'arn:aws:sts::000000000000:assumed-role/xseven-local-publisher/publisher',
    );
    // In IAM mode the route decision is the policy's (API Gateway's, the local gateway's here).
    expect(iamPolicyAllows(publisher, publishRoute)).toBe(true);
    expect(iamPolicyAllows(publisher, readRoute)).toBe(false);
    expect(iamPolicyAllows(publisher, operateRoute)).toBe(false);
  });

  it('reads its settings from the environment and refuses inconsistent tokens', () => {
    expect(loadGatewayConfig({}).auth).toEqual({
      mode: 'iam',
      allowUnauthenticatedMutations: false,
    });
    expect(
      loadGatewayConfig({
        XSEVEN_API_AUTH: 'jwt',
        XSEVEN_API_TOKEN: tokens.operatorToken,
        XSEVEN_API_PUBLISH_TOKEN: tokens.publishToken,
      }).auth,
    ).toEqual(tokens);
    const bad = (env: Record<string, string>) => () => loadGatewayConfig(env);
    expect(bad({ XSEVEN_API_PUBLISH_TOKEN: tokens.publishToken ?? '' })).toThrow(
      /XSEVEN_API_TOKEN/,
    );
    expect(
      bad({
        XSEVEN_API_TOKEN: tokens.publishToken ?? '',
        XSEVEN_API_PUBLISH_TOKEN: tokens.publishToken ?? '',
      }),
    ).toThrow(/must differ/);
    expect(bad({ XSEVEN_API_TOKEN: 'short' })).toThrow(ConfigError);
    expect(bad({ XSEVEN_API_AUTH: 'lambda' })).toThrow(/XSEVEN_API_AUTH/);
  });
});
