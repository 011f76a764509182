import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { BadRequestError, ForbiddenError } from '../../shared/http/errors';
import { problemResponse } from '../../shared/http/problem';
import { DEFAULT_ROUTE_KEY, routeMatcher } from '../../shared/http/router';
import {
  ApiAuthMode,
  DEFAULT_ROUTE_FUNCTION,
  FunctionEntry,
  RouteAuth,
} from '../../shared/platform';
import type { HttpFunction, PlatformDefinition } from '../../shared/platform';
import { OPEN_LOCAL_AUTH, authorizerContext, iamPolicyAllows, localPrincipal } from './auth';
import type { GatewayAuth } from './auth';
import {
  API_GATEWAY_MAX_BODY_BYTES,
  API_GATEWAY_TIMEOUT_MS,
  defaultConnectionLimits,
} from './config';
import type { ConnectionLimits } from './config';
import { fromHttpApiResult, lambdaContext, requestTarget, toHttpApiEvent } from './event';
import type { GatewayResponse, RequestTarget } from './event';
import { withRequestScope } from '../../shared/observability/request-scope';

/** An HTTP API handler (payload 2.0). */
export type HttpApiHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyResultV2>;

/** A loaded function module: its handler and, optionally, how to release its connections. */
export interface LoadedFunction {
  readonly handler: HttpApiHandler;
  /** Exported by a module as `close`; called when the gateway stops. */
  readonly close?: () => Promise<void>;
}

/** Options of {@link startGateway}. */
export interface GatewayOptions {
  readonly platform: PlatformDefinition;
  readonly port: number;
  readonly host: string;
  readonly logger: Logger;
  /** Loads a function's handler. @default imports FunctionEntry[fn] from the repository, on first use */
  readonly loadHandler?: (fn: HttpFunction) => Promise<LoadedFunction>;
  /** @default API Gateway's 10 MB */
  readonly maxBodyBytes?: number;
  /** @default API Gateway's 30 s */
  readonly timeoutMs?: number;
  /** Local credentials and the authorizer context built. @default no tokens, IAM, a developer who publishes and reads */
  readonly auth?: GatewayAuth;
  /** Header, request and keep-alive timeouts and the connection limit. @default the environment contract's defaults */
  readonly limits?: ConnectionLimits;
}

/** A running gateway. */
export interface RunningGateway {
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  readonly stop: () => Promise<void>;
}

const ROOT = join(__dirname, '..', '..');

/**
 * Imports a function's module by its path in the definition, as Lambda
 * loads only its own bundle: a route loads only its function. A module may
 * also export `close()` to release its connections when the gateway stops.
 *
 * @example
 * ```ts
 * const { handler } = await importHandler('publish');
 * ```
 */
export const importHandler = async (fn: HttpFunction): Promise<LoadedFunction> => {
  const module = (await import(join(ROOT, FunctionEntry[fn]))) as {
    handler?: unknown;
    close?: unknown;
  };
  if (typeof module.handler !== 'function')
    throw new Error(`${FunctionEntry[fn]} does not export a handler function`);
  return {
    handler: module.handler as HttpApiHandler,
    ...(typeof module.close === 'function' ? { close: module.close as () => Promise<void> } : {}),
  };
};

/** API Gateway's own error answers (`{"message": ...}`), which it gives before any Lambda runs. */
const gatewayError = (
  statusCode: number,
  message: string,
  headers: Record<string, string> = {},
): GatewayResponse => ({
  statusCode,
  headers: { 'content-type': 'application/json', ...headers },
  cookies: [],
  body: Buffer.from(JSON.stringify({ message })),
});

/** Reads a request body, or reports that it exceeds `limit` bytes. */
const readBody = (request: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> =>
  new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length'] ?? '0');
    if (declared > limit) {
      request.resume();
      resolve('too-large');
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      else chunks.push(chunk);
    });
    request.on('end', () => resolve(tooLarge ? 'too-large' : Buffer.concat(chunks)));
    request.on('error', reject);
  });

const writeAs = (response: ServerResponse, result: GatewayResponse): void => {
  response.statusCode = result.statusCode;
  for (const [name, value] of Object.entries(result.headers)) response.setHeader(name, value);
  if (result.cookies.length > 0) response.setHeader('set-cookie', [...result.cookies]);
  response.setHeader('content-length', result.body.length);
  response.end(result.body);
};

/** Writes a result; one HTTP cannot carry (e.g. a header with a newline) is a 500, as API Gateway answers a malformed integration response. */
const write = (response: ServerResponse, result: GatewayResponse, logger: Logger): void => {
  try {
    writeAs(response, result);
  } catch (error) {
    logger.error('the function returned a response HTTP cannot carry', { error });
    for (const name of response.getHeaderNames()) response.removeHeader(name);
    writeAs(response, gatewayError(500, 'Internal Server Error'));
  }
};

/**
 * Starts the local API gateway: a node HTTP server that matches the
 * definition's HTTP routes, turns each request into an API Gateway HTTP API
 * payload-2.0 event, invokes the route's function handler (the very module
 * Lambda runs) and maps its result back. It builds the request's
 * `requestContext.authorizer` from local credentials as API Gateway does for
 * the configured auth mode (local/gateway/auth.ts); a request without a
 * known principal goes without one, and the function refuses it (401).
 * Like API Gateway it sends a request no route matches to the `$default`
 * route's function (`DEFAULT_ROUTE_FUNCTION`: 404, or 405 with Allow), and
 * answers 413 above 10 MB, 503 after 30 s, and 500 when the function fails;
 * a request target that is no URL path is answered 400 (problem+json).
 *
 * @example
 * ```ts
 * const gateway = await startGateway({ platform, port: 8000, host: '127.0.0.1', logger });
 * // curl http://localhost:8000/api/v1/kafka/openapi.json
 * await gateway.stop();
 * ```
 */
export const startGateway = async (options: GatewayOptions): Promise<RunningGateway> => {
  const match = routeMatcher(options.platform.httpRoutes);
  const load = options.loadHandler ?? importHandler;
  const limit = options.maxBodyBytes ?? API_GATEWAY_MAX_BODY_BYTES;
  const timeoutMs = options.timeoutMs ?? API_GATEWAY_TIMEOUT_MS;
  const auth = options.auth ?? OPEN_LOCAL_AUTH;
  const { logger } = options;
  // Successful loads are kept (a warm container); a failed load is tried again next time.
  const handlers = new Map<HttpFunction, Promise<LoadedFunction>>();
  const handlerFor = (fn: HttpFunction): Promise<LoadedFunction> => {
    let loading = handlers.get(fn);
    if (loading === undefined) {
      loading = load(fn);
      handlers.set(fn, loading);
      loading.catch(() => handlers.delete(fn));
    }
    return loading;
  };

  const invoke = async (request: IncomingMessage): Promise<GatewayResponse> => {
    const method = request.method ?? 'GET';
    let target: RequestTarget;
    try {
      target = requestTarget(request.url ?? '/');
    } catch {
      return fromHttpApiResult(
        problemResponse(new BadRequestError('the request target is not a URL path')),
      );
    }
    const { path } = target;
    const found = match(method, path);
    // As API Gateway does: a request no route matches goes to the `$default`
    // route's function (which answers 404, or 405 with Allow).
    const matched =
      'status' in found
        ? {
            routeKey: DEFAULT_ROUTE_KEY,
            pathParameters: {},
            route: { function: DEFAULT_ROUTE_FUNCTION },
          }
        : found;
    const body = await readBody(request, limit);
    if (body === 'too-large') return gatewayError(413, 'Request Entity Too Large');
    const now = new Date();
    const principal = localPrincipal(request.headers.authorization, auth);
    // In IAM mode API Gateway refuses a principal whose policy does not allow
    // the route before any function runs (AWS answers {"message":"Forbidden"};
    // locally problem+json, the API's one error format). An open route
    // (`auth: 'none'`) has no authorizer there: any caller passes.
    if (
      principal &&
      auth.mode === ApiAuthMode.Iam &&
      !('status' in found) &&
      found.route.auth !== RouteAuth.None &&
      !iamPolicyAllows(principal, found.route)
    )
      return fromHttpApiResult(
        problemResponse(
          new ForbiddenError(`the ${principal.name} principal's policy does not allow this route`),
          path,
        ),
      );
    const event = toHttpApiEvent({
      method,
      url: request.url ?? '/',
      target,
      headers: request.headers,
      body,
      routeKey: matched.routeKey,
      pathParameters: matched.pathParameters,
      sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
      now,
      ...(principal === undefined
        ? {}
        : {
            authorizer: authorizerContext(principal, auth.mode, options.platform.access, now),
          }),
    });
    const fn = matched.route.function;
    let handler: HttpApiHandler;
    try {
      ({ handler } = await handlerFor(fn));
    } catch (error) {
      logger.error('function could not be loaded', { function: fn, error });
      return gatewayError(500, 'Internal Server Error');
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    try {
      const result = await Promise.race([
        withRequestScope(() => handler(event, lambdaContext(fn, timeoutMs))),
        timeout,
      ]);
      if (result === 'timeout') return gatewayError(503, 'Service Unavailable');
      return fromHttpApiResult(result);
    } catch (error) {
      logger.error('function failed', { function: fn, routeKey: matched.routeKey, error });
      return gatewayError(500, 'Internal Server Error');
    } finally {
      clearTimeout(timer);
    }
  };

  const limits = options.limits ?? defaultConnectionLimits();
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // node checks the two timeouts above on this interval (default 30 s):
      // a stalled socket would outlive its timeout by up to that much.
      connectionsCheckingInterval: Math.min(1_000, limits.headersTimeoutMs),
    },
    (request, response) => {
      const started = Date.now();
      invoke(request)
        .catch((error: unknown) => {
          logger.error('gateway failed', { error });
          return gatewayError(500, 'Internal Server Error');
        })
        .then((result) => {
          write(response, result, logger);
          logger.debug('request', {
            method: request.method,
            path: request.url,
            status: result.statusCode,
            ms: Date.now() - started,
          });
        });
    },
  );
  server.maxConnections = limits.maxConnections;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const shown = options.host === '0.0.0.0' || options.host === '::' ? 'localhost' : options.host;
  return {
    url: `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}`,
    port,
    server,
    stop: async () => {
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      const loaded = await Promise.all([...handlers.values()].map((p) => p.catch(() => undefined)));
      await Promise.all(
        loaded.map((f) =>
          f?.close?.().catch((error: unknown) => logger.warn('close failed', { error })),
        ),
      );
    },
  };
};
