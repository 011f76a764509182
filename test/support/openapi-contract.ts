import Ajv2020 from 'ajv/dist/2020';
import type { ValidateFunction } from 'ajv';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { buildOpenApiDocument } from '../../functions/publish/openapi';
import { platform } from '../../shared/platform';

/**
 * The API's answers against its OpenAPI document (issue #11, item 7): the
 * integration tests pass every answer they receive to
 * {@link expectDocumented}, which fails on a status the operation does not
 * document, a required header missing, a media type or a body its schema
 * does not describe (answer schemas are strict: an extra field fails).
 * The document is the one GET /openapi.json serves (paths do not depend on
 * the topic namespace).
 */

interface MediaType {
  readonly schema?: object;
}
interface Response {
  readonly headers?: Readonly<Record<string, { readonly required?: boolean }>>;
  readonly content?: Readonly<Record<string, MediaType>>;
}
interface Operation {
  readonly operationId: string;
  readonly responses: Readonly<Record<string, Response>>;
}
interface Document {
  readonly paths: Readonly<Record<string, Readonly<Record<string, Operation>>>>;
  readonly components?: object;
}

let loaded: { doc: Document; paths: { template: string; pattern: RegExp }[] } | undefined;
const documentOf = (): NonNullable<typeof loaded> => {
  if (loaded === undefined) {
    const doc = buildOpenApiDocument(platform) as unknown as Document;
    const paths = Object.keys(doc.paths).map((template) => ({
      template,
      pattern: new RegExp(`^${template.replace(/[.]/g, '\\.').replace(/\{\w+\}/g, '[^/]+')}$`),
    }));
    // Exact segments win over parameters, as the router matches.
    paths.sort(
      (a, b) => (a.template.match(/\{/g)?.length ?? 0) - (b.template.match(/\{/g)?.length ?? 0),
    );
    loaded = { doc, paths };
  }
  return loaded;
};

// OpenAPI 3.1 schemas are JSON Schema 2020-12; `strict: false` lets OpenAPI's
// own keywords (`example`, ...) pass, formats are not checked (no ajv-formats).
const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
const validators = new Map<string, ValidateFunction>();
const validatorOf = (
  key: string,
  schema: object,
  components: object | undefined,
): ValidateFunction => {
  let validate = validators.get(key);
  if (validate === undefined) {
    // `#/components/schemas/X` resolves within the compiled schema: give it the document's components.
    validate = ajv.compile({ ...schema, components: components ?? {} });
    validators.set(key, validate);
  }
  return validate;
};

const mediaType = (value: string | undefined): string =>
  (value ?? '').split(';')[0]?.trim().toLowerCase() ?? '';

const isJson = (type: string): boolean => type === 'application/json' || type.endsWith('+json');

/**
 * Asserts that an answer is one the document describes for the operation:
 * its status, its required headers, its media type and its body.
 *
 * @example
 * ```ts
 * expectDocumented('POST', '/api/v1/kafka/topics', 201, result.headers, result.body);
 * ```
 */
export const expectDocumented = (
  method: string,
  path: string,
  status: number,
  headers: Readonly<Record<string, unknown>> | undefined,
  body: string | undefined,
): void => {
  const { doc, paths } = documentOf();
  const bare = path.split('?')[0] ?? path;
  const template = paths.find((p) => p.pattern.test(bare))?.template;
  const operation =
    template === undefined ? undefined : doc.paths[template]?.[method.toLowerCase()];
  if (operation === undefined) {
    // An unknown route or method: the answer any operation documents for it (404 / 405).
    if (status !== 404 && status !== 405)
      throw new Error(`${method} ${bare}: no documented operation, answered ${status}`);
    return;
  }
  const where = `${method} ${bare} (${operation.operationId}) answered ${status}`;
  const response = operation.responses[String(status)];
  if (response === undefined)
    throw new Error(
      `${where}: the status is not documented (${Object.keys(operation.responses).join(', ')})`,
    );
  const given = new Map(Object.entries(headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  for (const [name, header] of Object.entries(response.headers ?? {}))
    if (header.required === true && given.get(name.toLowerCase()) === undefined)
      throw new Error(`${where}: the documented header ${name} is missing`);
  if (response.content === undefined) return;
  const type = mediaType(String(given.get('content-type') ?? ''));
  const entry = Object.entries(response.content).find(
    ([documented]) => mediaType(documented) === type,
  );
  if (entry === undefined)
    throw new Error(
      `${where}: content-type "${type}" is not documented (${Object.keys(response.content).join(', ')})`,
    );
  const [documented, media] = entry;
  if (media.schema === undefined) return;
  const value: unknown = isJson(type) ? JSON.parse(body ?? 'null') : (body ?? '');
  const validate = validatorOf(
    `${template} ${method} ${status} ${documented}`,
    media.schema,
    doc.components,
  );
  if (!validate(value))
    throw new Error(
      `${where}: the body does not match its schema: ${ajv.errorsText(validate.errors, { separator: '; ' })}\n${String(body).slice(0, 2000)}`,
    );
};

/**
 * {@link expectDocumented} for a payload-2.0 request and the handler's result;
 * returns the result.
 *
 * @example
 * ```ts
 * const result = documented(event, await handler(event, context));
 * ```
 */
export const documented = <R extends APIGatewayProxyStructuredResultV2>(
  event: Pick<APIGatewayProxyEventV2, 'rawPath' | 'requestContext'>,
  result: R,
): R => {
  expectDocumented(
    event.requestContext.http.method,
    event.rawPath,
    result.statusCode ?? 200,
    result.headers,
    result.body,
  );
  return result;
};

/**
 * Invokes an HTTP handler and asserts its answer is documented ({@link documented}).
 *
 * @example
 * ```ts
 * const result = await invokeDocumented(handler, managementEvent('status'), lambdaContext());
 * ```
 */
export const invokeDocumented = async <
  E extends Pick<APIGatewayProxyEventV2, 'rawPath' | 'requestContext'>,
  C,
>(
  handler: (event: E, context: C) => Promise<APIGatewayProxyStructuredResultV2>,
  event: E,
  context: C,
): Promise<APIGatewayProxyStructuredResultV2> => documented(event, await handler(event, context));
