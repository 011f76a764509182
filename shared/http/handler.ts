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
import { flushMetricsAfter } from '../observability/metrics-middleware';
import { RouteAuth, routeScopes } from '../platform';
import type { HttpFunction, PlatformDefinition } from '../platform';
import { authorize } from './authorization';
import { NotFoundError } from './errors';
import { jsonRequestBody } from './json-body';
import type { JsonBodyEvent } from './json-body';
import { problemJsonErrors } from './problem-middleware';
import { requestLogContext } from './request-log-context';
import { xrayTracing } from '../tracing/xray';
import { requestRouter } from './router';
import type { RouteMatch } from './router';

/** A request once routed (and its JSON body parsed, for POST/PUT/PATCH). */
export type RoutedEvent = JsonBodyEvent & { route?: RouteMatch };

/** One route's implementation in an HTTP Lambda. */
export type HttpRouteHandler = (
  event: RoutedEvent,
  route: RouteMatch,
) => Promise<APIGatewayProxyStructuredResultV2>;

/** The HTTP API handler type of both HTTP Lambdas. */
export type HttpApiHandler = MiddyfiedHandler<
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Error,
  Context
>;

/** Options of {@link createHttpHandler}. */
export interface HttpHandlerOptions {
  /** Which function of the definition this Lambda is. */
  readonly fn: HttpFunction;
  /**
   * The definition served, read on the first request: every route (404 and
   * 405 are decided against all of them) and the API base path (stripped
   * from a route's path to key `table`).
   */
  readonly platform: () => Pick<PlatformDefinition, 'httpRoutes' | 'apiBasePath' | 'access'>;
  /** The function's routes by key below the base path (`'DELETE /topics/{name}'`); type it with `HttpRouteKey`. */
  readonly table: Readonly<Record<string, HttpRouteHandler>>;
  /** Largest body in bytes of a route, by its key below the base path. */
  readonly maxBodyBytes: (key: string) => number;
  readonly logger: Logger;
}

type Middleware = MiddlewareObj<RoutedEvent, APIGatewayProxyStructuredResultV2>;

/** The route key below the base path: `'DELETE /topics/{name}'`. */
export const relativeKey = (route: RouteMatch, basePath: string): string =>
  `${route.route.method} ${route.route.path.startsWith(basePath) ? route.route.path.slice(basePath.length) : route.route.path}`;

/**
 * Builds an HTTP Lambda (API Gateway HTTP API, payload 2.0) with the one
 * middleware order of the platform, outermost first: the request's log
 * context (correlation and trace ids on every line), problem+json errors,
 * metrics flush, header (and event) normalisation, routing (404, 405 with
 * `Allow`), authorization, JSON body parsing (413, 415, 400), then the
 * route, which validates its input with its zod schemas (422) and runs.
 *
 * @example
 * ```ts
 * const handler = createHttpHandler({ fn: 'publish', platform: () => platform, table, maxBodyBytes: () => 1_048_576, logger });
 * ```
 */
export const createHttpHandler = (options: HttpHandlerOptions): HttpApiHandler => {
  let resolve: ReturnType<typeof requestRouter> | undefined;
  const basePath = (): string => options.platform().apiBasePath;
  const routing: Middleware = {
    before: (request) => {
      resolve ??= requestRouter(options.platform().httpRoutes, options.fn);
      request.event.route = resolve(request.event);
    },
  };
  const routeOf = (event: RoutedEvent): RouteMatch => {
    if (event.route === undefined) throw new NotFoundError(`no route for ${event.rawPath}`);
    return event.route;
  };
  // The one authorization check (authorization.ts): the request's authorizer context against the
  // route's scopes; an open route (`auth: 'none'`, liveness) asks for none.
  const authorization: Middleware = {
    before: (request) => {
      const { route } = routeOf(request.event);
      if (route.auth === RouteAuth.None) return;
      authorize(request.event, routeScopes(options.platform(), route));
    },
  };
  const dispatch = (event: RoutedEvent): Promise<APIGatewayProxyStructuredResultV2> => {
    const route = routeOf(event);
    const implementation = options.table[relativeKey(route, basePath())];
    if (implementation === undefined) throw new NotFoundError(`no route for ${event.rawPath}`);
    return implementation(event, route);
  };
  return middy<RoutedEvent, APIGatewayProxyStructuredResultV2, Error, Context>()
    .use(xrayTracing() as Middleware)
    .use(requestLogContext({ logger: options.logger }) as Middleware)
    .use(problemJsonErrors({ logger: options.logger }) as Middleware)
    .use(flushMetricsAfter())
    .use(httpHeaderNormalizer())
    .use(httpEventNormalizer())
    .use(routing)
    .use(authorization)
    .use(
      jsonRequestBody({
        maxBytes: (event) => options.maxBodyBytes(relativeKey(routeOf(event), basePath())),
      }),
    )
    .handler(dispatch) as unknown as HttpApiHandler;
};
