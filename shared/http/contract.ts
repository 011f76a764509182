import type { ZodType } from 'zod';
import type { HttpFunction, HttpRouteKey } from '../platform';

/**
 * The contract of one HTTP route: what it accepts (its body, query and path
 * parameters, as the zod schemas the route is served with, see
 * serve-route.ts) and what it answers (each status with its body schema and
 * headers). The one description of a route: the handler validates its input
 * with these schemas and the OpenAPI document (openapi.ts) is generated from
 * them, so the two cannot drift. Summary and authentication come from the
 * route of the platform definition (`summary`, `auth`).
 */

/** A response header of an answer. */
export interface HeaderContract {
  readonly description: string;
  /** JSON Schema type of the value. */
  readonly type: 'string' | 'integer';
  /** The answer always carries it (the integration tests check it). */
  readonly required: boolean;
}

/** One answer of a route. */
export interface AnswerContract {
  readonly description: string;
  /**
   * The body; answers of 400 and above without one are problem+json
   * (`Problem`). `z.strictObject` where the shape is ours: an extra field
   * then fails the integration tests' validation.
   */
  readonly body?: ZodType;
  /** @default 'application/json' (problem+json for errors without `body`) */
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, HeaderContract>>;
}

/** A route's answers by status. */
export type AnswerContracts = Readonly<Record<number, AnswerContract>>;

/**
 * A route's contract. The schemas of its input are used at every request;
 * its answers are built only when asked for (`answers()`: the OpenAPI
 * document, tests), so their schemas cost nothing at a cold start (#13).
 */
export interface RouteContract<
  B extends ZodType | undefined = ZodType | undefined,
  Q extends ZodType | undefined = ZodType | undefined,
  P extends ZodType | undefined = ZodType | undefined,
  H extends ZodType | undefined = ZodType | undefined,
> {
  /** Unique in the API, snake_case (e.g. `create_topic`). */
  readonly operationId: string;
  /** Longer than the definition's summary, when it helps. */
  readonly description?: string;
  /** The JSON request body (required when given), named with `.meta({ id })` for the document. */
  readonly body?: B;
  /**
   * For a body documented as a union (`z.union([flat, nested])`), the one of
   * its options a request is validated with, chosen by its shape: its 422
   * then names the fields of that form, not "no option matched".
   */
  readonly bodyVariant?: (body: unknown) => ZodType;
  /** Query parameters: a `z.object` of optional string-encoded fields. */
  readonly query?: Q;
  /** Path parameters: a `z.object` with one string per `{param}` of the path. */
  readonly path?: P;
  /** Request headers the route reads: a `z.object` keyed by lower-case name (all optional). */
  readonly headers?: H;
  /**
   * Route-specific answers (its successes and the errors only it gives);
   * the answers every route shares (401, 403, 404, 405, 503, and 400, 413,
   * 415, 422 of a body or parameters) are added by the generator
   * (`commonAnswers`), a route's own description taking precedence.
   */
  readonly answers: () => AnswerContracts;
}

/**
 * The contracts of a function's routes, keyed as its route table
 * (`'DELETE /topics/{name}'`): a missing or an extra route fails to compile.
 */
export type ContractTable<Fn extends HttpFunction> = {
  readonly [K in HttpRouteKey<Fn>]: RouteContract;
};

/**
 * A contract, its schema types kept (what `serveRoute` parses to).
 *
 * @example
 * ```ts
 * const deleteTopic = routeContract({
 *   operationId: 'delete_topic',
 *   path: z.object({ name: z.string() }),
 *   answers: () => ({ 200: { description: 'deleted', body: deletedTopicSchema } }),
 * });
 * ```
 */
export const routeContract = <
  B extends ZodType | undefined = undefined,
  Q extends ZodType | undefined = undefined,
  P extends ZodType | undefined = undefined,
  H extends ZodType | undefined = undefined,
>(
  contract: RouteContract<B, Q, P, H>,
): TypedContract<B, Q, P, H> => contract as TypedContract<B, Q, P, H>;

/** A contract whose schemas' types are known (absent ones `undefined`). */
export type TypedContract<
  B extends ZodType | undefined,
  Q extends ZodType | undefined,
  P extends ZodType | undefined,
  H extends ZodType | undefined,
> = RouteContract<B, Q, P, H> & {
  readonly body: B;
  readonly query: Q;
  readonly path: P;
  readonly headers: H;
};

/**
 * An answer's headers, as {@link HeaderContract}s.
 *
 * @example
 * ```ts
 * header('the created topic', 'string'); // { description: 'the created topic', type: 'string', required: true }
 * ```
 */
export const header = (
  description: string,
  type: HeaderContract['type'] = 'string',
  required = true,
): HeaderContract => ({ description, type, required });
