import middy from '@middy/core';
import httpEventNormalizer from '@middy/http-event-normalizer';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { MiddlewareObj, MiddyfiedHandler } from '@middy/core';
import type { Logger } from '@aws-lambda-powertools/logger';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { authorizeRoutes } from '../../shared/http/authorization';
import { NotFoundError } from '../../shared/http/errors';
import { problemJsonErrors } from '../../shared/http/problem-middleware';
import { requestLogContext } from '../../shared/http/request-log-context';
import { createLogger } from '../../shared/observability/logger';
import { checkEnvironment, FUNCTION_ENV_VARIABLES } from '../../shared/platform/env';
import { flushMetricsAfter } from '../../shared/observability/metrics-middleware';
import { closeProducer } from '../../shared/kafka/producer-instance';
import { routeScopes } from '../../shared/platform';
import { defaultPublishContext } from '../../shared/publish/context';
import type { PublishContext } from '../../shared/publish/context';
import { jsonRequestBody } from './json-body';
import type { JsonBodyEvent } from './json-body';
import { BATCH_ROUTE, publishRoute } from './routes';

/** Largest body of a single-event request (a record may not exceed 1 MB anyway). */
export const MAX_EVENT_BODY_BYTES = 1024 * 1024;
/** Largest body of a batch request (Lambda's synchronous payload limit is 6 MB). */
export const MAX_BATCH_BODY_BYTES = 5 * 1024 * 1024;

/** Options of {@link createPublishHandler}. */
export interface PublishHandlerOptions {
  /** @default the container's context (definition under XSEVEN_TOPIC_PREFIX, container producer) */
  readonly context?: () => PublishContext;
  readonly logger?: Logger;
}

const routeOf = (event: APIGatewayProxyEventV2, basePath: string): string => {
  const key =
    event.routeKey && event.routeKey !== '$default'
      ? event.routeKey
      : `${event.requestContext?.http?.method ?? 'GET'} ${event.rawPath ?? ''}`;
  const [method = '', path = ''] = key.split(' ');
  return `${method} ${path.startsWith(basePath) ? path.slice(basePath.length) : path}`;
};

/**
 * Builds the publish Lambda (API Gateway HTTP API, payload format 2.0):
 * the publish routes of the platform definition and the OpenAPI document.
 * Errors are application/problem+json; the caller's mistakes are 4xx,
 * Kafka being unreachable is 503 with Retry-After.
 *
 * @example
 * ```ts
 * export const handler = createPublishHandler({ context: () => ({ platform, producer }) });
 * ```
 */
export const createPublishHandler = (
  options: PublishHandlerOptions = {},
): MiddyfiedHandler<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, Context> => {
  const logger = options.logger ?? createLogger('xseven-publish');
  const context = options.context ?? defaultPublishContext;
  if (options.context === undefined) {
    // At init, not at the first request: a bad setting fails the init, naming the variable.
    checkEnvironment(FUNCTION_ENV_VARIABLES);
    defaultPublishContext();
  }
  let openApiDocument: Promise<unknown> | undefined;
  const openApi = (): Promise<unknown> => {
    // Loaded on first request only: keeps the publish path's cold start small.
    openApiDocument ??= import('./openapi').then(({ buildOpenApiDocument }) =>
      buildOpenApiDocument(context().platform),
    );
    return openApiDocument;
  };
  const basePath = (): string => context().platform.apiBasePath;
  const requiredScopes = (event: APIGatewayProxyEventV2): readonly string[] | undefined => {
    const { platform } = context();
    const key = routeOf(event, '');
    const route = platform.httpRoutes.find(
      (r) => r.function === 'publish' && `${r.method} ${r.path}` === key,
    );
    return route === undefined ? undefined : routeScopes(platform, route);
  };

  const route = async (event: JsonBodyEvent): Promise<APIGatewayProxyStructuredResultV2> => {
    const key = routeOf(event, basePath());
    const implementation = publishRoute(key);
    if (implementation === undefined) throw new NotFoundError(`no route ${key}`);
    return implementation(event, { context, logger, openApi });
  };

  return middy<JsonBodyEvent, APIGatewayProxyStructuredResultV2, Error, Context>()
    .use(
      requestLogContext({ logger }) as MiddlewareObj<
        JsonBodyEvent,
        APIGatewayProxyStructuredResultV2
      >,
    )
    .use(
      problemJsonErrors({ logger }) as MiddlewareObj<
        JsonBodyEvent,
        APIGatewayProxyStructuredResultV2
      >,
    )
    .use(flushMetricsAfter())
    .use(httpHeaderNormalizer())
    .use(httpEventNormalizer())
    .use(authorizeRoutes({ requiredScopes }))
    .use(
      jsonRequestBody({
        maxBytes: (event) =>
          routeOf(event, basePath()) === BATCH_ROUTE ? MAX_BATCH_BODY_BYTES : MAX_EVENT_BODY_BYTES,
      }),
    )
    .handler(route) as unknown as MiddyfiedHandler<
    APIGatewayProxyEventV2,
    APIGatewayProxyStructuredResultV2,
    Error,
    Context
  >;
};

/** The publish Lambda's entry point. */
export const handler = createPublishHandler();

/**
 * Releases the container's producer (the local gateway calls it on
 * shutdown; Lambda never does: the connection lives as long as the container).
 *
 * @example
 * ```ts
 * await close();
 * ```
 */
export const close = (): Promise<void> => closeProducer();
