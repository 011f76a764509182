import type { HttpRouteDefinition, PlatformDefinition } from '../../shared/platform';

/** The route a request matched, with its path parameters. */
export interface RouteMatch {
  readonly route: HttpRouteDefinition;
  readonly routeKey: string;
  readonly pathParameters: Readonly<Record<string, string>>;
}

/** No route for the path (404), or none for the method on that path (405). */
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

/**
 * Compiles the definition's HTTP routes into a matcher, as API Gateway
 * matches them: exact segments win over `{param}` segments, which match
 * one path segment each.
 *
 * @example
 * ```ts
 * const match = routeMatcher(platform);
 * match('DELETE', '/api/v1/kafka/topics/orders'); // { routeKey: 'DELETE /api/v1/kafka/topics/{name}', pathParameters: { name: 'orders' }, ... }
 * ```
 */
export const routeMatcher = (def: PlatformDefinition) => {
  const compiled: CompiledRoute[] = def.httpRoutes
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
