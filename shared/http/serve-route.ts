import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { z, ZodType } from 'zod';
import type { FieldIssue } from '../errors';
import type { RouteContract } from './contract';
import { UnprocessableEntityError } from './errors';
import type { JsonBodyEvent } from './json-body';

/** The output of an optional schema of a contract; `undefined` when the contract has none. */
type Parsed<S> = [NonNullable<S>] extends [never]
  ? undefined
  : NonNullable<S> extends ZodType
    ? z.output<NonNullable<S>>
    : undefined;

/** A request's input, parsed with its route's contract. */
export interface RouteInput<C extends RouteContract> {
  readonly body: Parsed<C['body']>;
  readonly query: Parsed<C['query']>;
  readonly path: Parsed<C['path']>;
  readonly headers: Parsed<C['headers']>;
  /** The request (headers, request context). */
  readonly event: JsonBodyEvent;
}

/** A route implementation: its parsed input and its function's dependencies (`D`). */
export type ContractHandler<C extends RouteContract, D> = (
  input: RouteInput<C>,
  deps: D,
) => Promise<APIGatewayProxyStructuredResultV2>;

/** A route served from its contract: the table entry of an HTTP function. */
export interface ServedRoute<D> {
  readonly contract: RouteContract;
  readonly handle: (
    event: JsonBodyEvent,
    pathParameters: Readonly<Record<string, string>>,
    deps: D,
  ) => Promise<APIGatewayProxyStructuredResultV2>;
}

/**
 * The failing fields of a zod error, `prefix` first (`query.deep`); the
 * root is `(root)`.
 *
 * @example
 * ```ts
 * issuesOf(schema.safeParse(body).error, 'query'); // [{ path: 'query.deep', message: '...' }]
 * ```
 */
export const issuesOf = (error: z.ZodError, prefix = ''): FieldIssue[] =>
  error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter((p) => p !== '').join('.') || '(root)',
    message: issue.message,
  }));

/**
 * Validates a value with a schema: its output, or a 422 naming each failing
 * field (below `prefix`).
 *
 * @example
 * ```ts
 * const body = parseWith(createTopicRequestSchema, event.jsonBody);
 * ```
 */
export const parseWith = <S extends ZodType>(
  schema: S,
  value: unknown,
  prefix = '',
  message?: string,
): z.output<S> => {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new UnprocessableEntityError(issuesOf(parsed.error, prefix), message);
  return parsed.data;
};

const parseOptional = (
  schema: ZodType | undefined,
  value: unknown,
  prefix: string,
  message: string,
): unknown => (schema === undefined ? undefined : parseWith(schema, value, prefix, message));

/**
 * Serves a route from its contract: its path parameters, query and JSON
 * body (parsed by the HTTP layer: 400, 413, 415 answered there) are
 * validated with the contract's schemas (422 naming each failing field,
 * `query.` / `path.` prefixed) before `handler` runs, with their outputs.
 * What the document says a route accepts is thus what it accepts.
 *
 * @example
 * ```ts
 * const routes = { 'DELETE /topics/{name}': serveRoute(contracts['DELETE /topics/{name}'], removeTopic) };
 * ```
 */
export const serveRoute = <C extends RouteContract, D>(
  contract: C | (() => C),
  handler: ContractHandler<C, D>,
): ServedRoute<D> => {
  const resolve = typeof contract === 'function' ? contract : () => contract;
  return {
    get contract() {
      return resolve();
    },
    handle: (event, pathParameters, deps) =>
      handleWith(resolve(), handler, event, pathParameters, deps),
  };
};

const handleWith = async <C extends RouteContract, D>(
  contract: C,
  handler: ContractHandler<C, D>,
  event: JsonBodyEvent,
  pathParameters: Readonly<Record<string, string>>,
  deps: D,
): Promise<APIGatewayProxyStructuredResultV2> => {
  const body =
    contract.body === undefined || contract.bodyVariant === undefined
      ? contract.body
      : contract.bodyVariant(event.jsonBody);
  // Each output is its schema's (RouteInput's types say the same, per schema).
  const input = {
    path: parseOptional(contract.path, pathParameters, 'path', 'path parameters are invalid'),
    query: parseOptional(
      contract.query,
      event.queryStringParameters ?? {},
      'query',
      'query parameters are invalid',
    ),
    // Lower-case names: the HTTP layer normalised them.
    headers: parseOptional(
      contract.headers,
      event.headers ?? {},
      'headers',
      'request headers are invalid',
    ),
    body: parseOptional(body, event.jsonBody, '', 'request body does not match the schema'),
    event,
  } as RouteInput<C>;
  return handler(input, deps);
};

/**
 * Serves every route of a contract table with its handler (one per key,
 * typed by its contract): a function's route table. The table may be given
 * as a factory (`lazy`): its schemas are then built on the first request,
 * not at the function's init (issue #13 item 6).
 *
 * @example
 * ```ts
 * export const routes = serveRoutes(publishContracts, { 'POST /events/generic': generic, ... });
 * ```
 */
export const serveRoutes = <C extends Readonly<Record<string, RouteContract>>, D>(
  contracts: C | (() => C),
  handlers: { readonly [K in keyof C]: ContractHandler<C[K], D> },
): { readonly [K in keyof C]: ServedRoute<D> } => {
  const table = typeof contracts === 'function' ? contracts : () => contracts;
  return Object.fromEntries(
    Object.keys(handlers).map((key) => [
      key,
      serveRoute(
        () => table()[key] as RouteContract,
        handlers[key] as ContractHandler<RouteContract, D>,
      ),
    ]),
  ) as { readonly [K in keyof C]: ServedRoute<D> };
};
