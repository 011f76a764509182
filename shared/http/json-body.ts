import { isUtf8 } from 'node:buffer';
import type { MiddlewareObj, Request } from '@middy/core';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import {
  BadRequestError,
  PayloadTooLargeError,
  UnprocessableEntityError,
  UnsupportedMediaTypeError,
} from './errors';
import { jsonTextProblem } from './json-text';

/** An HTTP API event whose JSON body was parsed by {@link jsonRequestBody}. */
export type JsonBodyEvent = APIGatewayProxyEventV2 & { jsonBody?: unknown };

/** Options of {@link jsonRequestBody}. */
export interface JsonRequestBodyOptions<E extends JsonBodyEvent = JsonBodyEvent> {
  /** Largest body in bytes for a request, by its route key. */
  readonly maxBytes: (event: E) => number;
}

/** Deepest nesting accepted: deeper JSON would overflow the stack when serialized again. */
export const MAX_JSON_DEPTH = 64;

const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;.*)?$/i;
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/**
 * Middy middleware reading the JSON body of POST/PUT/PATCH requests into
 * `event.jsonBody`, answering the caller's mistakes as the HTTP spec says:
 * 413 when larger than allowed, 415 when not `application/json` (or
 * `+json`), 400 when missing, not valid UTF-8, not valid JSON, nested
 * deeper than {@link MAX_JSON_DEPTH} or repeating a key in one object, 422
 * when a string holds a lone surrogate ({@link jsonTextProblem}). (middy's own
 * http-json-body-parser answers 415 for malformed JSON; RFC 9110 wants 400.)
 * Expects lower-cased headers (use @middy/http-header-normalizer before it).
 *
 * @example
 * ```ts
 * middy(handler).use(httpHeaderNormalizer()).use(jsonRequestBody({ maxBytes: () => 1_048_576 }));
 * ```
 */
export const jsonRequestBody = <E extends JsonBodyEvent>(
  options: JsonRequestBodyOptions<E>,
): MiddlewareObj<E, APIGatewayProxyStructuredResultV2> => {
  const jsonRequestBodyBefore = (
    request: Request<E, APIGatewayProxyStructuredResultV2, Error, Context>,
  ): void => {
    const { event } = request;
    if (!BODY_METHODS.has(event.requestContext?.http?.method ?? '')) return;
    const raw = event.body ?? '';
    // A text body is parsed as it is (no copy to bytes and back); only its UTF-8 size is counted.
    const decoded = event.isBase64Encoded ? Buffer.from(raw, 'base64') : undefined;
    const size = decoded === undefined ? Buffer.byteLength(raw, 'utf8') : decoded.length;
    const limit = options.maxBytes(event);
    if (size > limit)
      throw new PayloadTooLargeError(`the body is ${size} bytes; at most ${limit} are allowed`);
    const contentType = event.headers?.['content-type'];
    if (contentType === undefined || !JSON_MEDIA_TYPE.test(contentType.trim()))
      throw new UnsupportedMediaTypeError(
        `content-type must be application/json, not ${contentType === undefined ? 'missing' : `"${contentType}"`}`,
      );
    if (size === 0) throw new BadRequestError('the request body is empty; send a JSON object');
    if (decoded !== undefined && !isUtf8(decoded))
      throw new BadRequestError('the body is not valid UTF-8');
    const text = decoded === undefined ? raw : decoded.toString('utf8');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text) as unknown;
    } catch (error) {
      throw new BadRequestError(
        `the body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const problem = jsonTextProblem(text, MAX_JSON_DEPTH);
    if (problem?.kind === 'too-deep')
      throw new BadRequestError(`the body nests deeper than ${MAX_JSON_DEPTH} levels`);
    if (problem?.kind === 'duplicate-key')
      throw new BadRequestError(`the body repeats the key "${problem.key}" in one object`);
    if (problem?.kind === 'lone-surrogate')
      throw new UnprocessableEntityError(
        [{ path: '(body)', message: 'a string holds a lone UTF-16 surrogate (\\uD800-\\uDFFF)' }],
        'the body holds text no UTF-8 record can carry',
      );
    event.jsonBody = parsed;
  };
  return { before: jsonRequestBodyBefore };
};
