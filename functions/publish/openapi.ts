import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import * as z from 'zod';
import type { ZodType } from 'zod';
import { managementRequestBodies } from '../../shared/management/request-schemas';
import type { PlatformDefinition } from '../../shared/platform';
import {
  aiResponseRequestSchema,
  aiResponseSeedRequestSchema,
  batchRequestSchema,
  batchResponseSchema,
  businessAnalyticsRequestSchema,
  conversationRequestSchema,
  genericEventRequestSchema,
  problemSchema,
  publishedResponseSchema,
} from './request-schemas';

/** Request body schema of each publish route, below the API base path. */
const REQUEST_BODIES: Readonly<Record<string, { name: string; schema: ZodType }>> = {
  'POST /events/conversation': {
    name: 'ConversationEventRequest',
    schema: conversationRequestSchema,
  },
  'POST /events/ai-response': {
    name: 'AiResponseEventBody',
    // flat, or the seed's form with the response fields nested in `response_data`
    schema: z.union([
      aiResponseRequestSchema.meta({ id: 'AiResponseEventRequest' }),
      aiResponseSeedRequestSchema.meta({ id: 'AiResponseSeedEventRequest' }),
    ]),
  },
  'POST /events/business-analytics': {
    name: 'BusinessAnalyticsEventRequest',
    schema: businessAnalyticsRequestSchema,
  },
  'POST /events/generic': { name: 'GenericEventRequest', schema: genericEventRequestSchema },
  'POST /events/batch': {
    name: 'BatchEventRequest',
    schema: batchRequestSchema.extend({
      events: genericEventRequestSchema.array().min(1).max(500),
    }),
  },
  // The management routes' bodies, from the schemas their handler validates with.
  ...managementRequestBodies,
};

const PROBLEM = 'application/problem+json';

/** Answers of the read routes that are not plain JSON objects (docs/schemas.md). */
const SCHEMA_ANSWERS: Readonly<Record<string, { type: string; description: string }>> = {
  'GET /schemas': {
    type: 'application/json',
    description: '`{schemas: [...]}`: every version of every event type',
  },
  'GET /schemas/{event_type}/versions/{n}': {
    type: 'application/schema+json',
    description: "the version's JSON Schema (draft 2020-12); its `$id` is the `dataschema` URI",
  },
};

/** A schema named as an OpenAPI component (zod 4 metadata, no prototype patching). */
const named = <S extends ZodType>(name: string, schema: S): S => schema.meta({ id: name }) as S;

/**
 * The OpenAPI 3.1 document of the HTTP API, generated from the same zod
 * schemas the handlers validate with; paths come from the platform
 * definition's HTTP routes (routes of other functions are listed with
 * their summary).
 *
 * @example
 * ```ts
 * const doc = buildOpenApiDocument(platform);
 * doc.openapi; // '3.1.0'
 * ```
 */
export const buildOpenApiDocument = (def: PlatformDefinition) => {
  const registry = new OpenAPIRegistry();
  const problem = named('Problem', problemSchema);
  const published = named('PublishedEvent', publishedResponseSchema);
  const batchResult = named('BatchResult', batchResponseSchema);
  const problemContent = { [PROBLEM]: { schema: problem } };

  for (const route of def.httpRoutes) {
    const relative = `${route.method} ${route.path.slice(def.apiBasePath.length)}`;
    const body = REQUEST_BODIES[relative];
    const method = route.method.toLowerCase() as 'get' | 'post' | 'put' | 'delete';
    const parameters = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
    const common = {
      method,
      path: route.path,
      summary: route.summary,
      tags: [route.function],
      ...(parameters.length === 0
        ? {}
        : {
            parameters: parameters.map((name) => ({
              name,
              in: 'path' as const,
              required: true,
              schema: { type: 'string' as const },
            })),
          }),
    };
    if (body === undefined) {
      const answer = SCHEMA_ANSWERS[relative];
      registry.registerPath({
        ...common,
        responses: {
          200:
            answer === undefined
              ? { description: 'OK' }
              : {
                  description: answer.description,
                  content: { [answer.type]: { schema: { type: 'object' as const } } },
                },
          ...(parameters.length > 0 && answer !== undefined
            ? { 404: { description: 'unknown event type or version', content: problemContent } }
            : {}),
          default: { description: 'Error', content: problemContent },
        },
      });
      continue;
    }
    const isBatch = relative === 'POST /events/batch';
    registry.registerPath({
      ...common,
      request: {
        body: {
          required: true,
          content: { 'application/json': { schema: named(body.name, body.schema) } },
        },
      },
      responses: {
        200:
          route.function === 'publish'
            ? {
                description: isBatch ? 'every event was published' : 'published',
                content: { 'application/json': { schema: isBatch ? batchResult : published } },
              }
            : { description: 'OK' },
        ...(isBatch
          ? {
              207: {
                description: 'some events failed; see each result',
                content: { 'application/json': { schema: batchResult } },
              },
            }
          : {}),
        400: { description: 'malformed JSON', content: problemContent },
        413: { description: 'body or event too large', content: problemContent },
        415: { description: 'content-type is not application/json', content: problemContent },
        422: {
          description: 'schema violation; `errors` names the failing paths',
          content: problemContent,
        },
        503: {
          description: 'Kafka is unreachable; retry after Retry-After seconds',
          headers: { 'Retry-After': { schema: { type: 'integer' } } },
          content: problemContent,
        },
      },
    });
  }

  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'xseven-events API',
      version: '1.0.0',
      description:
        'Publishing and Kafka management API of xseven-events. Errors are application/problem+json (RFC 9457).',
    },
    servers: [{ url: '/' }],
  });
};
