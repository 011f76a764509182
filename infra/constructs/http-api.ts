import { ArnFormat, Stack } from 'aws-cdk-lib';
import {
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpRoute,
  HttpRouteKey,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import type { IHttpRouteAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer, HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import type { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import {
  DEFAULT_ROUTE_FUNCTION,
  RouteAccess,
  RouteAuth,
  routeAccess,
  routeScopes,
} from '../../shared/platform';
import type { HttpFunction, HttpRouteDefinition, PlatformDefinition } from '../../shared/platform';
import type { InfraConfig } from '../config';
import { accept, acceptWildcardResource } from '../nag-suppressions';
import { platformLogGroup } from './log-groups';
import type { LogSettings } from './log-groups';

/** Properties of {@link PlatformHttpApi}. */
export interface PlatformHttpApiProps {
  /** The routes to expose and the access settings (JWT scopes) of the definition. */
  readonly definition: Pick<PlatformDefinition, 'httpRoutes' | 'access'>;
  /** The function behind each kind of route. */
  readonly handlers: Readonly<Record<HttpFunction, IFunction>>;
  readonly config: Pick<
    InfraConfig,
    'apiAuth' | 'jwtIssuer' | 'jwtAudience' | 'throttleRateLimit' | 'throttleBurstLimit'
  >;
  readonly logs: LogSettings;
}

/** One JSON object per request (HTTP API context variables; no bodies, no headers). */
const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  time: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  caller: '$context.identity.userArn',
  method: '$context.httpMethod',
  route: '$context.routeKey',
  path: '$context.path',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatencyMs: '$context.responseLatency',
  integrationLatencyMs: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
} as const;

const authorizerFor = (config: PlatformHttpApiProps['config']): IHttpRouteAuthorizer =>
  config.apiAuth === 'jwt'
    ? new HttpJwtAuthorizer('JwtAuthorizer', config.jwtIssuer ?? '', {
        jwtAudience: [...(config.jwtAudience ?? [])],
      })
    : new HttpIamAuthorizer();

/** The IAM managed policies of IAM mode: who may publish, who may operate. */
export const ApiRole = { Publisher: 'publisher', Operator: 'operator' } as const;
export type ApiRole = (typeof ApiRole)[keyof typeof ApiRole];

/** Which policy lets a caller use a route: operators read and operate. */
export const apiRoleOf = (route: HttpRouteDefinition): ApiRole =>
  routeAccess(route) === RouteAccess.Publish ? ApiRole.Publisher : ApiRole.Operator;

/**
 * The execute-api ARN of one route of `api`, as aws-cdk-lib's
 * `HttpRoute.grantInvoke` writes it (its integ test integ.iam.ts calls a
 * `/books/{book}` route signed with such a grant):
 * `arn:<partition>:execute-api:<region>:<account>:<api-id>/<stage>/<METHOD><path>`
 * with `*` for the stage and for each `{param}` (CDK widens the rest of the
 * path after the first parameter; here only the parameter is).
 *
 * @example
 * ```ts
 * routeArn(api, { method: 'DELETE', path: '/api/v1/kafka/topics/{name}' }); // ends with '/DELETE/api/v1/kafka/topics/*'
 * ```
 */
export const routeArn = (
  api: HttpApi,
  route: Pick<HttpRouteDefinition, 'method' | 'path'>,
): string =>
  Stack.of(api).formatArn({
    service: 'execute-api',
    resource: api.apiId,
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    resourceName: `*/${route.method}${route.path.replace(/\{[^}]+\}/g, '*')}`,
  });

/**
 * The HTTP API (API Gateway v2, payload 2.0) with exactly the definition's
 * routes, each integrated with the publish or the management function; stage
 * throttling and JSON access logs. Publishing and operating are authorized
 * separately: with IAM (the default) every route needs SigV4 and the
 * `publisher` and `operator` managed policies each allow `execute-api:Invoke`
 * on exactly their routes; with JWT each route requires its scope from the
 * definition (`access.scopes`: publish, read, or operate).
 *
 * @example
 * ```ts
 * new PlatformHttpApi(this, 'Api', { definition: platform, handlers: { publish, management }, config, logs });
 * ```
 */
export class PlatformHttpApi extends Construct {
  public readonly api: HttpApi;
  public readonly stage: HttpStage;
  public readonly accessLogs: LogGroup;
  /** The `publisher` and `operator` policies (IAM mode only). */
  public readonly policies: Readonly<Record<ApiRole, ManagedPolicy>> | undefined;

  public constructor(scope: Construct, id: string, props: PlatformHttpApiProps) {
    super(scope, id);
    this.api = new HttpApi(this, 'Api', {
      description: 'xseven-events publish and management API',
      createDefaultStage: false,
      defaultAuthorizer: authorizerFor(props.config),
    });
    this.accessLogs = platformLogGroup(this, 'AccessLogs', props.logs);
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: {
        rateLimit: props.config.throttleRateLimit,
        burstLimit: props.config.throttleBurstLimit,
      },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });

    const integrations = {
      publish: new HttpLambdaIntegration('Publish', props.handlers.publish),
      management: new HttpLambdaIntegration('Management', props.handlers.management),
    } as const;
    const jwt = props.config.apiAuth === 'jwt';
    for (const route of props.definition.httpRoutes) {
      const open = route.auth === RouteAuth.None;
      const added = this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: integrations[route.function],
        // An open route (liveness: a probe carries no credentials) has no authorizer.
        ...(open ? { authorizer: new HttpNoneAuthorizer() } : {}),
        // API Gateway accepts a token holding at least one of the route's scopes.
        ...(jwt && !open ? { authorizationScopes: routeScopes(props.definition, route) } : {}),
      });
      if (open)
        accept(added, [
          {
            id: 'AwsSolutions-APIG4',
            reason: `${route.method} ${route.path} is open by the definition (auth: none): a liveness probe carries no credentials, and the answer names no data`,
          },
        ]);
    }
    // Requests no route matches (unknown path, or a known path with another
    // method) reach the platform's own 404/405 problem+json instead of API
    // Gateway's `{"message":"Not Found"}`. The route runs no operation, so it
    // needs no authorizer: API Gateway itself answers such requests unauthenticated.
    const fallback = new HttpRoute(this, 'DefaultRoute', {
      httpApi: this.api,
      routeKey: HttpRouteKey.DEFAULT,
      integration: integrations[DEFAULT_ROUTE_FUNCTION],
      authorizer: new HttpNoneAuthorizer(),
    });
    accept(
      [fallback],
      [
        {
          id: 'AwsSolutions-APIG4',
          reason:
            'the $default route only answers 404/405 problem+json for requests no route matches; every route that reads or changes anything is authorized',
        },
      ],
    );
    this.policies = jwt ? undefined : this.invokePolicies(props.definition.httpRoutes);
  }

  private invokePolicies(routes: readonly HttpRouteDefinition[]): Record<ApiRole, ManagedPolicy> {
    const policy = (role: ApiRole, description: string): ManagedPolicy => {
      // Open routes need no invoke permission: API Gateway evaluates no policy on them.
      const arns = routes
        .filter((r) => r.auth !== RouteAuth.None && apiRoleOf(r) === role)
        .map((r) => routeArn(this.api, r));
      const created = new ManagedPolicy(this, `${role}Policy`, {
        description,
        statements: [new PolicyStatement({ actions: ['execute-api:Invoke'], resources: arns })],
      });
      for (const arn of arns)
        acceptWildcardResource(
          created,
          arn,
          'one route of this API: "*" stands for the stage (the API has only $default) and for path parameters',
        );
      return created;
    };
    return {
      publisher: policy(
        ApiRole.Publisher,
        'xseven-events: call the publish routes of the HTTP API',
      ),
      operator: policy(
        ApiRole.Operator,
        'xseven-events: call the management routes of the HTTP API (read and operate)',
      ),
    };
  }

  /** The base URL of the API (`https://<id>.execute-api.<region>.amazonaws.com/`). */
  public get url(): string {
    return this.stage.url;
  }
}
