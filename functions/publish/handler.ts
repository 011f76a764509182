import type { Logger } from '@aws-lambda-powertools/logger';
import { createHttpHandler } from '../../shared/http/handler';
import type { HttpApiHandler, HttpRouteHandler } from '../../shared/http/handler';
import { createLogger } from '../../shared/observability/logger';
import { checkFunctionEnvironment } from '../../shared/kafka/check-settings';
import { closeProducer } from '../../shared/kafka/producer-instance';
import { defaultPublishContext } from '../../shared/publish/context';
import type { PublishContext } from '../../shared/publish/context';
import { BATCH_ROUTE, PUBLISH_ROUTES } from './routes';

/** Largest body of a single-event request (a record may not exceed 1 MB anyway). */
export const MAX_EVENT_BODY_BYTES = 1024 * 1024;
/** Largest body of a batch request (Lambda's synchronous payload limit is 6 MB). */
export const MAX_BATCH_BODY_BYTES = 5 * 1024 * 1024;

/** Options of {@link createPublishHandler}. */
export interface PublishHandlerOptions {
  /** @default the container's context (definition under XSEVEN_TOPIC_PREFIX, container producer) */
  readonly context?: () => PublishContext;
  readonly logger?: Logger;
}

/**
 * Builds the publish Lambda (API Gateway HTTP API, payload format 2.0):
 * the publish routes of the platform definition and the OpenAPI document.
 * Errors are application/problem+json; the caller's mistakes are 4xx,
 * Kafka being unreachable is 503 with Retry-After.
 *
 * @example
 * ```ts
 * export const handler = createPublishHandler({ context: () => ({ platform, producer }) });
 * ```
 */
export const createPublishHandler = (options: PublishHandlerOptions = {}): HttpApiHandler => {
  const logger = options.logger ?? createLogger('xseven-publish');
  const context = options.context ?? defaultPublishContext;
  if (options.context === undefined) {
    // At init, not at the first request: a bad setting fails the init, naming the variable.
    checkFunctionEnvironment();
    defaultPublishContext();
  }
  let openApiDocument: Promise<unknown> | undefined;
  const openApi = (): Promise<unknown> => {
    // Loaded on first request only: keeps the publish path's cold start small.
    openApiDocument ??= import('./openapi').then(({ buildOpenApiDocument }) =>
      buildOpenApiDocument(context().platform),
    );
    return openApiDocument;
  };
  const deps = { context, logger, openApi };
  const table: Record<string, HttpRouteHandler> = Object.fromEntries(
    Object.entries(PUBLISH_ROUTES).map(([key, route]): [string, HttpRouteHandler] => [
      key,
      (event, matched) => route.handle(event, matched.pathParameters, deps),
    ]),
  );
  return createHttpHandler({
    fn: 'publish',
    platform: () => context().platform,
    table,
    maxBodyBytes: (key) => (key === BATCH_ROUTE ? MAX_BATCH_BODY_BYTES : MAX_EVENT_BODY_BYTES),
    logger,
  });
};

/** The publish Lambda's entry point. */
export const handler = createPublishHandler();

/**
 * Releases the container's producer (the local gateway calls it on
 * shutdown; Lambda never does: the connection lives as long as the container).
 *
 * @example
 * ```ts
 * await close();
 * ```
 */
export const close = (): Promise<void> => closeProducer();
