import { RemovalPolicy } from 'aws-cdk-lib';
import {
  HttpApi,
  HttpMethod,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import type { IHttpRouteAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer, HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { HttpFunction, HttpRouteDefinition } from '../../shared/platform';
import type { InfraConfig } from '../config';

/** Properties of {@link PlatformHttpApi}. */
export interface PlatformHttpApiProps {
  readonly routes: readonly HttpRouteDefinition[];
  /** The function behind each kind of route. */
  readonly handlers: Readonly<Record<HttpFunction, IFunction>>;
  readonly config: Pick<
    InfraConfig,
    'apiAuth' | 'jwtIssuer' | 'jwtAudience' | 'throttleRateLimit' | 'throttleBurstLimit'
  >;
  readonly logRetention: RetentionDays;
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

/**
 * The HTTP API (API Gateway v2, payload 2.0) with exactly the definition's
 * routes, each integrated with the publish or the management function; IAM
 * authorization on every route by default (JWT as an option), stage
 * throttling, and JSON access logs.
 *
 * @example
 * ```ts
 * new PlatformHttpApi(this, 'Api', { routes: platform.httpRoutes, handlers: { publish, management }, config, logRetention });
 * ```
 */
export class PlatformHttpApi extends Construct {
  public readonly api: HttpApi;
  public readonly stage: HttpStage;
  public readonly accessLogs: LogGroup;

  public constructor(scope: Construct, id: string, props: PlatformHttpApiProps) {
    super(scope, id);
    this.api = new HttpApi(this, 'Api', {
      description: 'xseven-events publish and management API',
      createDefaultStage: false,
      defaultAuthorizer: authorizerFor(props.config),
    });
    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
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
    for (const route of props.routes) {
      this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: integrations[route.function],
      });
    }
  }

  /** The base URL of the API (`https://<id>.execute-api.<region>.amazonaws.com/`). */
  public get url(): string {
    return this.stage.url;
  }
}
