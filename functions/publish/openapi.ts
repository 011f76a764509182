import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import type { ResponseConfig } from '@asteasolutions/zod-to-openapi';
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

/** How callers authenticate: locally a bearer token, in AWS SigV4 (IAM mode) or a JWT (JWT mode). */
const SECURITY_SCHEMES = {
  bearer: {
    type: 'http',
    scheme: 'bearer',
    description: 'Locally: `Authorization: Bearer $XSEVEN_API_TOKEN`',
  },
  sigv4: {
    type: 'apiKey',
    name: 'Authorization',
    in: 'header',
    description: 'In AWS, IAM mode: requests signed with AWS Signature Version 4 (execute-api)',
    'x-amazon-apigateway-authtype': 'awsSigv4',
  },
  jwt: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: "In AWS, JWT mode: a token of the stack's issuer holding the route's scope",
  },
} as const;

/** `POST /events/batch` → `post_events_batch`; `DELETE /topics/{name}` → `delete_topics_by_name`. */
const operationIdOf = (relative: string): string =>
  relative
    .toLowerCase()
    .replace(/\{(\w+)\}/g, 'by_$1')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');

/** Query parameters of the routes that take some. */
/** A query parameter, as the document lists it. */
type Parameter = {
  name: string;
  in: 'query';
  required: boolean;
  description?: string;
  schema: { type: 'boolean' | 'string'; default?: boolean | string; enum?: string[] };
};
type Headers = NonNullable<ResponseConfig['headers']>;

const QUERY_PARAMETERS: Readonly<Record<string, Parameter[]>> = {
  'GET /health': [
    {
      name: 'deep',
      in: 'query',
      required: false,
      description:
        "readiness: 200 when every partition of the definition's topics has a leader and at least min.insync.replicas in sync, else 503 naming them in `errors` (answer reused for 2 s)",
      schema: { type: 'boolean', default: false },
    },
  ],
  'DELETE /topics/{name}': [
    {
      name: 'force',
      in: 'query',
      required: false,
      description: 'delete a protected topic of the definition',
      schema: { type: 'boolean', default: false },
    },
  ],
  'GET /dead-letter-queue/stats': [
    {
      name: 'scope',
      in: 'query',
      required: false,
      schema: { type: 'string', enum: ['pending', 'all'], default: 'pending' },
    },
  ],
};

/** Statuses some routes answer besides 200 and the common ones. */
const EXTRA_ANSWERS: Readonly<Record<string, Readonly<Record<number, string>>>> = {
  'POST /topics': {
    201: 'created and served by every broker',
    202: 'created, not yet served by every broker; a retry answers 200',
    409: 'exists with other settings, collides, or beyond the cluster partition budget',
  },
  'DELETE /topics/{name}': { 409: 'a protected topic of the definition, without force' },
  'POST /consumers/{topic}/reset-offset': {
    409: 'the group has active members no event source mapping owns',
  },
  'POST /dead-letter-queue/retry': { 409: 'another DLQ-retry run is in progress' },
  'GET /schemas/{event_type}/versions/{n}': { 404: 'unknown event type or version' },
};

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
  const problemAnswer = (description: string, headers?: Headers): ResponseConfig => ({
    description,
    content: problemContent,
    ...(headers === undefined ? {} : { headers }),
  });
  for (const [name, scheme] of Object.entries(SECURITY_SCHEMES))
    registry.registerComponent('securitySchemes', name, scheme);

  for (const route of def.httpRoutes) {
    const relative = `${route.method} ${route.path.slice(def.apiBasePath.length)}`;
    const body = REQUEST_BODIES[relative];
    const method = route.method.toLowerCase() as 'get' | 'post' | 'put' | 'delete';
    const parameters = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
    const query = QUERY_PARAMETERS[relative] ?? [];
    const common = {
      method,
      path: route.path,
      operationId: operationIdOf(relative),
      summary: route.summary,
      tags: [route.function],
      ...(parameters.length + query.length === 0
        ? {}
        : {
            parameters: [
              ...parameters.map((name) => ({
                name,
                in: 'path' as const,
                required: true,
                schema: { type: 'string' as const },
              })),
              ...query,
            ],
          }),
    };
    // Every route: the caller's credentials, unknown paths and methods, Kafka down.
    const always = {
      401: problemAnswer('no or wrong credentials', {
        'WWW-Authenticate': { schema: { type: 'string' } },
      }),
      403: problemAnswer("the caller's principal lacks the route's scope"),
      404: problemAnswer('no such route or resource'),
      405: problemAnswer('the path does not accept this method', {
        Allow: { schema: { type: 'string' } },
      }),
      503: problemAnswer('Kafka is unreachable; retry after Retry-After seconds', {
        'Retry-After': { schema: { type: 'integer' } },
      }),
    };
    const extra = EXTRA_ANSWERS[relative] ?? {};
    const location: Headers = { Location: { schema: { type: 'string' } } };
    const extraAnswers = Object.fromEntries(
      Object.entries(extra).map(([status, description]) => [
        status,
        Number(status) >= 400
          ? problemAnswer(description)
          : { description, ...(relative === 'POST /topics' ? { headers: location } : {}) },
      ]),
    );
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
          // A path or query parameter the route refuses (found by test/integration/api/openapi-fuzz.test.ts).
          ...(parameters.length + query.length === 0
            ? {}
            : { 422: problemAnswer('a path or query parameter is invalid; `errors` names it') }),
          ...always,
          ...extraAnswers,
        },
      });
      continue;
    }
    const isBatch = relative === 'POST /events/batch';
    const correlation: Headers = { 'x-correlation-id': { schema: { type: 'string' } } };
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
                ...(isBatch ? {} : { headers: correlation }),
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
        ...extraAnswers,
        400: problemAnswer('malformed JSON, not UTF-8, a repeated key, or no body'),
        413: problemAnswer('body or event too large'),
        415: problemAnswer('content-type is not application/json'),
        422: problemAnswer('schema violation; `errors` names the failing paths'),
        ...always,
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
    // Any one of them: a bearer token locally, SigV4 (IAM) or a JWT in AWS (the stack's `apiAuth`).
    security: Object.keys(SECURITY_SCHEMES).map((name) => ({ [name]: [] })),
  });
};
