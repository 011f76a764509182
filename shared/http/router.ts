import type { HttpRouteDefinition } from '../platform';
import { MethodNotAllowedError, NotFoundError } from './errors';

/** The route a request matched, with its path parameters. */
export interface RouteMatch {
  readonly route: HttpRouteDefinition;
  /** `DELETE /api/v1/kafka/topics/{name}`, as API Gateway names it. */
  readonly routeKey: string;
  readonly pathParameters: Readonly<Record<string, string>>;
}

/** No route for the path (404), or none for the method on that path (405, with the methods there are). */
export interface RouteMiss {
  readonly status: 404 | 405;
  readonly allowed: readonly string[];
}

interface CompiledRoute {
  readonly route: HttpRouteDefinition;
  readonly pattern: RegExp;
  readonly names: readonly string[];
}

const safeDecode = (text: string): string => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};

const escape = (text: string): string => text.replace(/[.*+?^$()|[\]\\]/g, '\\$&');

/** The route key API Gateway gives a request no route matched. */
export const DEFAULT_ROUTE_KEY = '$default';

/**
 * Compiles the definition's HTTP routes into a matcher, as API Gateway
 * matches them: exact segments win over `{param}` segments, which match
 * one path segment each. The one route matcher of the platform: the local
 * gateway and both HTTP Lambdas use it.
 *
 * @example
 * ```ts
 * const match = routeMatcher(platform.httpRoutes);
 * match('DELETE', '/api/v1/kafka/topics/orders'); // { routeKey: 'DELETE /api/v1/kafka/topics/{name}', pathParameters: { name: 'orders' }, ... }
 * ```
 */
export const routeMatcher = (routes: readonly HttpRouteDefinition[]) => {
  const compiled: CompiledRoute[] = routes
    .map((route) => {
      const names: string[] = [];
      const source = route.path
        .split(/(\{\w+\})/)
        .map((part) => {
          const param = /^\{(\w+)\}$/.exec(part);
          if (!param) return escape(part);
          names.push(param[1] as string);
          return '([^/]+)';
        })
        .join('');
      return { route, pattern: new RegExp(`^${source}$`), names };
    })
    // Routes with fewer parameters are more specific.
    .sort((a, b) => a.names.length - b.names.length);

  return (method: string, path: string): RouteMatch | RouteMiss => {
    const onPath = compiled.filter((c) => c.pattern.test(path));
    if (onPath.length === 0) return { status: 404, allowed: [] };
    const hit = onPath.find((c) => c.route.method === method.toUpperCase());
    if (!hit) return { status: 405, allowed: [...new Set(onPath.map((c) => c.route.method))] };
    const values = hit.pattern.exec(path)?.slice(1) ?? [];
    const pathParameters: Record<string, string> = {};
    hit.names.forEach((name, i) => {
      pathParameters[name] = safeDecode(values[i] ?? '');
    });
    return { route: hit.route, routeKey: `${hit.route.method} ${hit.route.path}`, pathParameters };
  };
};

/** What a Lambda's router needs of a payload-2.0 request. */
export interface RoutedRequest {
  readonly routeKey?: string;
  readonly rawPath?: string;
  readonly pathParameters?: Readonly<Record<string, string | undefined>>;
  readonly requestContext?: { readonly http?: { readonly method?: string } };
}

/**
 * Resolves the definition route of a request to an HTTP Lambda: by the
 * `routeKey` API Gateway set, else (the `$default` route, or a hand-made
 * event) by method and raw path against every route of the definition.
 * Throws the 404 API Gateway would give for an unknown path, and 405 with
 * `Allow` for a known path with another method; a route of another
 * function is a 404 here (API Gateway never sends one).
 *
 * @example
 * ```ts
 * const resolve = requestRouter(platform.httpRoutes, 'management');
 * resolve(event).routeKey; // 'GET /api/v1/kafka/health'
 * ```
 */
export const requestRouter = (routes: readonly HttpRouteDefinition[], fn: string) => {
  const byKey = new Map(routes.map((r) => [`${r.method} ${r.path}`, r]));
  const match = routeMatcher(routes);
  return (event: RoutedRequest): RouteMatch => {
    const keyed = event.routeKey === undefined ? undefined : byKey.get(event.routeKey);
    if (keyed !== undefined && keyed.function === fn) {
      const given = Object.entries(event.pathParameters ?? {}).filter(
        (e): e is [string, string] => e[1] !== undefined,
      );
      return {
        route: keyed,
        routeKey: event.routeKey as string,
        pathParameters: Object.fromEntries(given),
      };
    }
    const method = event.requestContext?.http?.method ?? 'GET';
    const path = event.rawPath ?? '/';
    const matched = match(method, path);
    if ('status' in matched) {
      if (matched.status === 405) throw new MethodNotAllowedError(method, path, matched.allowed);
      throw new NotFoundError(`no route for ${path}`);
    }
    if (matched.route.function !== fn) throw new NotFoundError(`no route for ${path}`);
    return matched;
  };
};
