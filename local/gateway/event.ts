import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyResultV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';

/** An HTTP request as the gateway received it. */
export interface GatewayRequest {
  readonly method: string;
  /** Path and query, as on the request line (`/api/v1/kafka/topics?x=1`). */
  readonly url: string;
  /** Header name to value(s), any case. */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly body: Buffer;
  readonly routeKey: string;
  readonly pathParameters?: Readonly<Record<string, string>>;
  readonly sourceIp?: string;
  readonly requestId?: string;
  readonly now?: Date;
  /** `requestContext.authorizer` (local/gateway/auth.ts); absent: a route without authorizer. */
  readonly authorizer?: Readonly<Record<string, unknown>>;
  /** `url` already split by {@link requestTarget} (the gateway routes by it first). @default split here */
  readonly target?: RequestTarget;
}

/** An HTTP response to write back. */
export interface GatewayResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly cookies: readonly string[];
  readonly body: Buffer;
}

const TEXT_TYPES =
  /^(text\/|application\/(?:[\w.+-]+\+)?(?:json|xml)|application\/(?:javascript|x-www-form-urlencoded))/i;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number): string => String(n).padStart(2, '0');
/** API Gateway's requestContext.time format: `27/Nov/2026:02:49:12 +0000`. */
const clfTime = (d: Date): string =>
  `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;

/**
 * A request target of plain path segments (unreserved characters, none `.`
 * or `..`) and no query or fragment: WHATWG URL parsing gives such a path
 * back unchanged, so it is not parsed (twice per request, it was a large
 * part of the gateway's own time; a unit test compares the two).
 * Each segment starts with its `/`: no backtracking on a long target.
 */
const PLAIN_PATH = /^(?=\/)(?:\/(?!\.\.?(?:\/|$))[\w.~-]+)*\/?$/;

/** The path and query of a request target, as WHATWG URL parsing (and API Gateway) gives them. */
export interface RequestTarget {
  readonly path: string;
  /** Without the `?`. */
  readonly rawQuery: string;
  readonly query: URLSearchParams | undefined;
}

/**
 * The path and query of a request target (`request.url` of node:http).
 *
 * @example
 * ```ts
 * requestTarget('/api/v1/kafka/topics?limit=5').path; // '/api/v1/kafka/topics'
 * ```
 */
export const requestTarget = (target: string): RequestTarget => {
  if (PLAIN_PATH.test(target)) return { path: target, rawQuery: '', query: undefined };
  // An origin-form target (RFC 9112: `/` and a path, `//x` included) is the
  // path of the request's own origin, not a URL reference (resolved, `//x`
  // would name the host x); anything else (absolute-form, `*`) is parsed as
  // a URL and may be refused (a TypeError the gateway answers 400).
  const url = target.startsWith('/')
    ? new URL(`http://localhost${target}`)
    : new URL(target, 'http://localhost');
  return { path: url.pathname, rawQuery: url.search.replace(/^\?/, ''), query: url.searchParams };
};

/**
 * Builds the API Gateway HTTP API (payload format 2.0) event of a request,
 * as AWS does: lower-case headers with repeated values joined by commas,
 * cookies apart, query parameters joined by commas, the body as text for
 * textual content types and base64 otherwise.
 *
 * @example
 * ```ts
 * const event = toHttpApiEvent({
 *   method: 'POST', url: '/api/v1/kafka/events/generic', routeKey: 'POST /api/v1/kafka/events/generic',
 *   headers: { 'content-type': 'application/json' }, body: Buffer.from('{}'),
 * });
 * event.version; // '2.0'
 * ```
 */
export const toHttpApiEvent = (request: GatewayRequest): APIGatewayProxyEventV2 => {
  const target = request.target ?? requestTarget(request.url);
  const headers: Record<string, string> = {};
  let cookies: string[] = [];
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    const joined = typeof value === 'string' ? value : value.join(',');
    if (lower === 'cookie')
      cookies = joined
        .split(';')
        .map((c) => c.trim())
        .filter(Boolean);
    else headers[lower] = headers[lower] === undefined ? joined : `${headers[lower]},${joined}`;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of target.query ?? [])
    query[name] = query[name] === undefined ? value : `${query[name]},${value}`;
  const now = request.now ?? new Date();
  const requestId = request.requestId ?? randomUUID();
  const hasBody = request.body.length > 0;
  // Bytes that are not UTF-8 travel base64-encoded, intact: the function decides (400).
  const textual = TEXT_TYPES.test(headers['content-type'] ?? '') && isUtf8(request.body);
  return {
    version: '2.0',
    routeKey: request.routeKey,
    rawPath: target.path,
    rawQueryString: target.rawQuery,
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    ...(request.pathParameters && Object.keys(request.pathParameters).length > 0
      ? { pathParameters: { ...request.pathParameters } }
      : {}),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: (headers.host ?? 'localhost').split('.')[0] ?? 'localhost',
      http: {
        method: request.method.toUpperCase(),
        path: target.path,
        protocol: 'HTTP/1.1',
        sourceIp: request.sourceIp ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: request.routeKey,
      stage: '$default',
      time: clfTime(now),
      timeEpoch: now.getTime(),
      ...(request.authorizer === undefined ? {} : { authorizer: request.authorizer }),
    } as APIGatewayProxyEventV2['requestContext'],
    ...(hasBody
      ? {
          body: textual ? request.body.toString('utf8') : request.body.toString('base64'),
          isBase64Encoded: !textual,
        }
      : { isBase64Encoded: false }),
  };
};

/**
 * Maps a handler's result back to HTTP as API Gateway does for payload 2.0:
 * a structured result (`statusCode` present) as given; anything else is a
 * 200 JSON response of the value.
 *
 * @example
 * ```ts
 * fromHttpApiResult({ statusCode: 201, body: '{}' }).statusCode; // 201
 * fromHttpApiResult({ hello: 'world' }).headers['content-type']; // 'application/json'
 * ```
 */
export const fromHttpApiResult = (result: APIGatewayProxyResultV2 | undefined): GatewayResponse => {
  if (typeof result === 'object' && result !== null && 'statusCode' in result) {
    const structured = result as APIGatewayProxyStructuredResultV2;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(structured.headers ?? {}))
      headers[name.toLowerCase()] = String(value);
    const body = structured.body ?? '';
    return {
      statusCode: structured.statusCode ?? 200,
      headers,
      cookies: structured.cookies ?? [],
      body: structured.isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8'),
    };
  }
  const body = typeof result === 'string' ? result : JSON.stringify(result ?? null);
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    cookies: [],
    body: Buffer.from(body, 'utf8'),
  };
};

/**
 * A Lambda context for a local invocation.
 *
 * @example
 * ```ts
 * await handler(event, lambdaContext('publish', 30_000));
 * ```
 */
export const lambdaContext = (functionName: string, timeoutMs: number): Context => {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};
