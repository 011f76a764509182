import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { z } from 'zod';
import { UnprocessableEntityError } from '../http/errors';
import type { JsonBodyEvent } from '../http/json-body';

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
 * Validates the JSON body the HTTP layer parsed (`jsonBody`; 400, 413 and
 * 415 were answered there): 422 naming each failing field when it breaks
 * the schema.
 *
 * @example
 * ```ts
 * const request = parseJsonBody(event, createTopicRequestSchema);
 * ```
 */
export const parseJsonBody = <S extends z.ZodType>(
  event: Pick<JsonBodyEvent, 'jsonBody'>,
  schema: S,
): z.output<S> => {
  const parsed = schema.safeParse(event.jsonBody);
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
