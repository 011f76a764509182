import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { z } from 'zod';
import {
  BadRequestError,
  UnprocessableEntityError,
  UnsupportedMediaTypeError,
} from '../http/errors';
import type { HttpRouteDefinition } from '../platform';

/** A definition route matched against a request, with its path parameters. */
export interface MatchedRoute {
  readonly route: HttpRouteDefinition;
  /** `GET /api/v1/kafka/topics/{name}`, as API Gateway names it. */
  readonly routeKey: string;
  readonly pathParameters: Readonly<Record<string, string>>;
}

const templateRegex = (path: string): RegExp =>
  new RegExp(
    `^${path
      .split('/')
      .map((part) =>
        /^\{[A-Za-z0-9_]+\}$/.test(part) ? '([^/]+)' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
      )
      .join('/')}/?$`,
  );

const paramNames = (path: string): string[] =>
  [...path.matchAll(/\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1] ?? '');

/**
 * Finds the definition route of a payload-2.0 request: by `routeKey` as API
 * Gateway sets it, else (a `$default` route) by method and raw path.
 *
 * @example
 * ```ts
 * matchRoute(platform.httpRoutes, event)?.pathParameters.name;
 * ```
 */
export const matchRoute = (
  routes: readonly HttpRouteDefinition[],
  event: Pick<APIGatewayProxyEventV2, 'routeKey' | 'rawPath' | 'pathParameters' | 'requestContext'>,
): MatchedRoute | undefined => {
  const byKey = routes.find((r) => `${r.method} ${r.path}` === event.routeKey);
  if (byKey) {
    const given = Object.entries(event.pathParameters ?? {}).filter(
      (e): e is [string, string] => e[1] !== undefined,
    );
    return { route: byKey, routeKey: event.routeKey, pathParameters: Object.fromEntries(given) };
  }
  const method = event.requestContext.http.method.toUpperCase();
  for (const route of routes) {
    if (route.method !== method) continue;
    const match = templateRegex(route.path).exec(event.rawPath);
    if (!match) continue;
    const names = paramNames(route.path);
    const pathParameters = Object.fromEntries(
      names.map((n, i) => [n, decodeURIComponent(match[i + 1] ?? '')]),
    );
    return { route, routeKey: `${route.method} ${route.path}`, pathParameters };
  }
  return undefined;
};

/**
 * A header of the request, case-insensitively.
 *
 * @example
 * ```ts
 * header(event, 'Authorization'); // 'Bearer ...'
 * ```
 */
export const header = (
  event: Pick<APIGatewayProxyEventV2, 'headers'>,
  name: string,
): string | undefined => {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {}))
    if (key.toLowerCase() === wanted) return value;
  return undefined;
};

const issuesOf = (error: z.ZodError): { path: string; message: string }[] =>
  error.issues.map((i) => ({ path: i.path.join('.') || '(body)', message: i.message }));

/**
 * Parses and validates a JSON body: 415 when it is not JSON, 400 when it
 * does not parse, 422 naming each failing field when it breaks the schema.
 * An absent body is validated as `{}`.
 *
 * @example
 * ```ts
 * const request = parseJsonBody(event, createTopicRequestSchema);
 * ```
 */
export const parseJsonBody = <S extends z.ZodType>(
  event: Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded' | 'headers'>,
  schema: S,
): z.output<S> => {
  let raw: unknown = {};
  if (event.body !== undefined && event.body !== '') {
    const type = header(event, 'content-type') ?? 'application/json';
    if (!/^application\/([a-z0-9.+-]+\+)?json\b/i.test(type))
      throw new UnsupportedMediaTypeError(`content-type must be application/json, not ${type}`);
    const text = event.isBase64Encoded
      ? Buffer.from(event.body, 'base64').toString('utf8')
      : event.body;
    try {
      raw = JSON.parse(text);
    } catch {
      throw new BadRequestError('body is not valid JSON');
    }
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new UnprocessableEntityError(issuesOf(parsed.error));
  return parsed.data;
};

/**
 * Validates query-string parameters; 422 names the failing parameter.
 *
 * @example
 * ```ts
 * const { force } = parseQuery(event, z.object({ force: booleanFlagSchema.default(false) }));
 * ```
 */
export const parseQuery = <S extends z.ZodType>(
  event: Pick<APIGatewayProxyEventV2, 'queryStringParameters'>,
  schema: S,
): z.output<S> => {
  const parsed = schema.safeParse(event.queryStringParameters ?? {});
  if (!parsed.success)
    throw new UnprocessableEntityError(
      parsed.error.issues.map((i) => ({
        path: `query.${i.path.join('.')}`,
        message: i.message,
      })),
      'query parameters are invalid',
    );
  return parsed.data;
};
