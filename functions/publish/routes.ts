import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { NewEvent } from '../../shared/events/envelope';
import type { EventType } from '../../shared/events/event-types';
import {
  PayloadTooLargeError,
  ServiceUnavailableError,
  UnprocessableEntityError,
} from '../../shared/http/errors';
import type { HttpError } from '../../shared/http/errors';
import { jsonResponse, problemOf, problemResponse, toHttpError } from '../../shared/http/problem';
import { issuesOf, serveRoutes } from '../../shared/http/serve-route';
import type { ContractHandler, ServedRoute } from '../../shared/http/serve-route';
import { publishEvents, traceAttributes } from '../../shared/publish/publish';
import { CORRELATION_HEADER, requestTrace } from '../../shared/http/request-log-context';
import { startTrace } from '../../shared/tracing/trace-context';
import type { TraceContext } from '../../shared/tracing/trace-context';
import type { BatchItemResult, PublishedEvent } from '../../shared/publish/publish';
import type { PublishContext } from '../../shared/publish/context';
import type { HttpRouteKey } from '../../shared/platform';
import { EventTooLargeError } from '../../shared/publish/errors';
import { KafkaUnavailableError } from '../../shared/errors';
import { DeliveryTimeoutError } from '../../shared/kafka/errors';
import type { XsevenError } from '../../shared/errors';
import type { JsonBodyEvent } from '../../shared/http/json-body';
import { publishContracts } from './contracts';
import type { BatchItemResponse, PublishedResponse } from './contracts';
import {
  CONVERSATION_EVENT_TYPE,
  flattenAiResponse,
  genericEventRequestSchema,
} from './request-schemas';

/** What the routes need. */
export interface RouteDependencies {
  readonly context: () => PublishContext;
  readonly logger: Logger;
  /** The OpenAPI document (built on first request). */
  readonly openApi: () => Promise<unknown>;
}

type Contracts = ReturnType<typeof publishContracts>;
type RouteHandler<K extends keyof Contracts> = ContractHandler<Contracts[K], RouteDependencies>;

/** The body's correlation id, else the header's (its contract validated it), else the API request id. */
const correlationIdOf = (event: JsonBodyEvent, fromBody: string | undefined): string => {
  if (fromBody !== undefined) return fromBody;
  const header = event.headers?.[CORRELATION_HEADER]?.trim();
  if (header !== undefined && header !== '') return header;
  return event.requestContext?.requestId ?? crypto.randomUUID();
};

/** Envelope attributes split from a body's data fields. */
interface EnvelopeOptions {
  readonly correlation_id?: string | undefined;
  readonly source?: string | undefined;
  readonly event_id?: string | undefined;
  readonly subject?: string | undefined;
}

const newEvent = (
  event: JsonBodyEvent,
  type: EventType,
  data: Record<string, unknown>,
  options: EnvelopeOptions,
): NewEvent<EventType> => ({
  type,
  data: data as NewEvent<EventType>['data'],
  correlationId: correlationIdOf(event, options.correlation_id),
  // Each event a span of the request's trace (requestLogContext read or started it).
  ...traceAttributes(requestTrace(event) ?? startTrace()),
  ...(options.source === undefined ? {} : { source: options.source }),
  ...(options.event_id === undefined ? {} : { eventId: options.event_id }),
  ...(options.subject === undefined ? {} : { subject: options.subject }),
});

/** The problem `code` of a 503 whose events may or may not be published. */
const DELIVERY_TIMEOUT = 'DELIVERY_TIMEOUT';

/** The request's span, parent of the events' spans (requestLogContext read or started it). */
const traceOf = (event: JsonBodyEvent): { trace?: TraceContext } => {
  const trace = requestTrace(event);
  return trace === undefined ? {} : { trace };
};

/** Seconds a caller should wait before retrying when Kafka is unavailable. */
const RETRY_AFTER_SECONDS = 5;

/**
 * The HTTP error of a failed publish: too large is 413, Kafka down 503 (not
 * published), a delivery timeout 503 too, saying the events may or may not
 * be published (a timed-out produce request can still be committed), the
 * rest as shared/http maps them.
 */
const httpErrorOf = (error: XsevenError): HttpError => {
  if (error instanceof EventTooLargeError) return new PayloadTooLargeError(error.message);
  if (error instanceof DeliveryTimeoutError)
    return new ServiceUnavailableError(
      'Kafka did not confirm the write in time; the events may or may not be published: retry later with the same event_id, so consumers can deduplicate',
      RETRY_AFTER_SECONDS,
      { cause: error, code: DELIVERY_TIMEOUT },
    );
  if (error instanceof KafkaUnavailableError)
    return new ServiceUnavailableError(
      'Kafka is unavailable; nothing was published, retry later',
      RETRY_AFTER_SECONDS,
      { cause: error },
    );
  return toHttpError(error);
};

const responseOf = (p: PublishedEvent): PublishedResponse => ({
  status: 'published',
  event_id: p.eventId,
  event_type: p.type,
  topic: p.topic,
  partition: p.partition,
  offset: p.offset,
  key: p.key,
  ...(p.correlationId === undefined ? {} : { correlation_id: p.correlationId }),
});

/** Publishes one event; `dataValidated` when its route's request schema is the data schema, extended. */
const publishOne = async (
  event: JsonBodyEvent,
  input: NewEvent<EventType>,
  deps: RouteDependencies,
  dataValidated: boolean,
): Promise<APIGatewayProxyStructuredResultV2> => {
  const [result] = await publishEvents([input], {
    context: deps.context(),
    dataValidated,
    ...traceOf(event),
  });
  if (result === undefined) throw new Error('no publish result');
  if (!result.ok) throw httpErrorOf(result.error);
  deps.logger.info('event published', {
    event_id: result.published.eventId,
    ...(result.published.correlationId === undefined
      ? {}
      : { correlation_id: result.published.correlationId }),
    eventType: result.published.type,
    topic: result.published.topic,
    partition: result.published.partition,
    offset: result.published.offset,
  });
  return jsonResponse(200, responseOf(result.published), {
    'x-correlation-id': result.published.correlationId ?? '',
  });
};

const conversation: RouteHandler<'POST /events/conversation'> = ({ body, event }, deps) => {
  const { action, correlation_id, source, event_id, ...data } = body;
  return publishOne(
    event,
    newEvent(event, CONVERSATION_EVENT_TYPE[action], data, { correlation_id, source, event_id }),
    deps,
    true,
  );
};

const aiResponse: RouteHandler<'POST /events/ai-response'> = ({ body, event }, deps) => {
  const { correlation_id, source, event_id, ...data } =
    'response_data' in body ? flattenAiResponse(body) : body;
  return publishOne(
    event,
    newEvent(event, 'ai.response.generated', data, { correlation_id, source, event_id }),
    deps,
    true,
  );
};

const businessAnalytics: RouteHandler<'POST /events/business-analytics'> = (
  { body, event },
  deps,
) => {
  const { correlation_id, source, event_id, ...data } = body;
  return publishOne(
    event,
    newEvent(event, 'business.analytics.update', data, { correlation_id, source, event_id }),
    deps,
    true,
  );
};

const generic: RouteHandler<'POST /events/generic'> = ({ body, event }, deps) => {
  const { event_type, data, ...options } = body;
  return publishOne(event, newEvent(event, event_type, data, options), deps, false);
};

const failedItem = (index: number, error: HttpError): BatchItemResponse => {
  const { errors, ...problem } = problemOf(error);
  return {
    index,
    status: 'failed',
    http_status: error.status,
    error: errors === undefined ? problem : { ...problem, errors: [...errors] },
  };
};

/**
 * The batch route: each item is validated and answered on its own, as
 * Confluent's REST Proxy does; 200 when all were published, 207 when some
 * failed (invalid, or their partition was not confirmed by Kafka while
 * others were), 503 when none was published because Kafka is unavailable.
 */
const batch: RouteHandler<'POST /events/batch'> = async ({ body, event }, deps) => {
  const { events } = body;
  const responses: BatchItemResponse[] = new Array(events.length);
  const valid: { index: number; input: NewEvent<EventType> }[] = [];
  events.forEach((item, index) => {
    const parsed = genericEventRequestSchema().safeParse(item);
    if (!parsed.success) {
      responses[index] = failedItem(index, new UnprocessableEntityError(issuesOf(parsed.error)));
      return;
    }
    const { event_type, data, ...options } = parsed.data;
    valid.push({ index, input: newEvent(event, event_type, data, options) });
  });
  const results: BatchItemResult[] =
    valid.length === 0
      ? []
      : await publishEvents(
          valid.map((v) => v.input),
          { context: deps.context(), ...traceOf(event) },
        );
  let unavailable: HttpError | undefined;
  results.forEach((result, i) => {
    const index = valid[i]?.index ?? i;
    if (result.ok) {
      responses[index] = Object.assign(responseOf(result.published), {
        index,
        http_status: 200 as const,
      });
      return;
    }
    const httpError = httpErrorOf(result.error);
    // A whole-batch 503 must not say "nothing was published" when some items may be.
    if (httpError.status === 503 && unavailable?.code !== DELIVERY_TIMEOUT) unavailable = httpError;
    responses[index] = failedItem(index, httpError);
  });
  const published = responses.filter((r) => r.http_status === 200).length;
  const failed = responses.length - published;
  deps.logger.info('batch published', { published, failed });
  if (published === 0 && unavailable !== undefined)
    return problemResponse(unavailable, event.rawPath);
  return jsonResponse(failed === 0 ? 200 : 207, { published, failed, results: responses });
};

const openApi: RouteHandler<'GET /openapi.json'> = async (_input, deps) =>
  jsonResponse(200, await deps.openApi());

/**
 * The publish function's routes, by method and path below the API base path
 * (exactly the definition's), each served from its contract (contracts.ts).
 */
export const PUBLISH_ROUTES: {
  readonly [K in HttpRouteKey<'publish'>]: ServedRoute<RouteDependencies>;
} = serveRoutes<ReturnType<typeof publishContracts>, RouteDependencies>(publishContracts, {
  'POST /events/conversation': conversation,
  'POST /events/ai-response': aiResponse,
  'POST /events/business-analytics': businessAnalytics,
  'POST /events/generic': generic,
  'POST /events/batch': batch,
  'GET /openapi.json': openApi,
});

/** The route key of a batch request, whose body may be larger. */
export const BATCH_ROUTE: HttpRouteKey<'publish'> = 'POST /events/batch';
