import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import type { ResponseConfig } from '@asteasolutions/zod-to-openapi';
import type { ZodObject, ZodType } from 'zod';
import { RouteAuth } from '../platform';
import type { HttpFunction, HttpRouteDefinition, PlatformDefinition } from '../platform';
import type { AnswerContract, AnswerContracts, HeaderContract, RouteContract } from './contract';
import { header } from './contract';
import { problemSchema } from './problem-schema';
import { PROBLEM_CONTENT_TYPE } from './problem';

/**
 * The OpenAPI 3.1 document of the HTTP API, generated from the route
 * contracts (contract.ts) of both HTTP functions and the definition's routes
 * (paths, summaries, `auth`). Built on the first GET /openapi.json only.
 */

/** The contracts of every HTTP function, by route key below the API base path. */
export type ApiContracts = {
  readonly [F in HttpFunction]: Readonly<Record<string, RouteContract>>;
};

/** How callers authenticate: locally a bearer token, in AWS SigV4 (IAM mode) or a JWT (JWT mode). */
const SECURITY_SCHEMES = {
  bearer: {
    type: 'http',
    scheme: 'bearer',
    description: 'Locally: `Authorization: Bearer $XSEVEN_API_TOKEN` (or the publish token)',
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

/** What each HTTP function's operations are about (the document's tags). */
const TAGS: Readonly<Record<HttpFunction, string>> = {
  publish: 'Publishing events, and this document',
  management:
    'Kafka management: health, topics, consumer groups, metrics, alerts, the DLQ, schemas',
};

/** Path and query parameters are `z.object`s (contract.ts). */
const asParameters = (schema: ZodType): ZodObject => schema as ZodObject;

/**
 * The answers every route shares, by what it takes: the caller's
 * credentials (routes that need them), unknown paths and methods, Kafka (or
 * the gateway's integration timeout) unavailable, a body's and parameters'
 * refusals.
 */
const commonAnswers = (route: HttpRouteDefinition, contract: RouteContract): AnswerContracts => {
  const answers: Record<number, AnswerContract> = {};
  if (route.auth !== RouteAuth.None) {
    answers[401] = {
      description: 'no or wrong credentials',
      headers: { 'WWW-Authenticate': header('`Bearer`') },
    };
    answers[403] = { description: "the caller's principal lacks the route's access" };
  }
  answers[404] = { description: 'no such route or resource' };
  answers[405] = {
    description: 'the path does not accept this method',
    headers: { Allow: header('the methods the path accepts') },
  };
  if (contract.body !== undefined) {
    answers[400] = { description: 'malformed JSON, not UTF-8, a repeated key, or no body' };
    answers[413] = { description: 'body too large' };
    answers[415] = { description: 'content-type is not application/json' };
  }
  if (
    contract.body !== undefined ||
    contract.query !== undefined ||
    contract.path !== undefined ||
    contract.headers !== undefined
  )
    answers[422] = { description: 'the body or a parameter is invalid; `errors` names each field' };
  answers[503] = {
    description: 'Kafka is unavailable (or the answer took too long); retry after Retry-After',
    headers: { 'Retry-After': header('seconds to wait', 'integer', false) },
  };
  return answers;
};

const headersOf = (headers: Readonly<Record<string, HeaderContract>>) =>
  Object.fromEntries(
    Object.entries(headers).map(([name, h]) => [
      name,
      { description: h.description, required: h.required, schema: { type: h.type } },
    ]),
  );

const responseOf = (status: number, answer: AnswerContract, problem: ZodType): ResponseConfig => {
  const body = answer.body ?? (status >= 400 ? problem : undefined);
  const type =
    answer.contentType ?? (answer.body === undefined ? PROBLEM_CONTENT_TYPE : 'application/json');
  return {
    description: answer.description,
    ...(body === undefined ? {} : { content: { [type]: { schema: body } } }),
    ...(answer.headers === undefined ? {} : { headers: headersOf(answer.headers) }),
  };
};

/**
 * The OpenAPI 3.1 document of the definition's routes, from their contracts.
 * Throws when a route has no contract (the contract tables are typed by the
 * definition's routes, so only a definition loaded at run time can).
 *
 * @example
 * ```ts
 * const doc = generateOpenApi(platform, { publish: publishContracts(), management: managementContracts() });
 * doc.paths['/api/v1/kafka/topics'].post.operationId; // 'create_topic'
 * ```
 */
export const generateOpenApi = (
  def: Pick<PlatformDefinition, 'httpRoutes' | 'apiBasePath'>,
  contracts: ApiContracts,
) => {
  const registry = new OpenAPIRegistry();
  const problem = problemSchema();
  for (const [name, scheme] of Object.entries(SECURITY_SCHEMES))
    registry.registerComponent('securitySchemes', name, scheme);
  for (const route of def.httpRoutes) {
    const key = `${route.method} ${route.path.slice(def.apiBasePath.length)}`;
    const contract = contracts[route.function][key];
    if (contract === undefined) throw new Error(`no contract for the route ${key}`);
    const answers = { ...commonAnswers(route, contract), ...contract.answers() };
    registry.registerPath({
      method: route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete',
      path: route.path,
      operationId: contract.operationId,
      summary: route.summary,
      ...(contract.description === undefined ? {} : { description: contract.description }),
      tags: [route.function],
      // An open route (liveness): no credentials asked, none checked.
      ...(route.auth === RouteAuth.None ? { security: [] } : {}),
      request: {
        ...(contract.path === undefined ? {} : { params: asParameters(contract.path) }),
        ...(contract.query === undefined ? {} : { query: asParameters(contract.query) }),
        ...(contract.headers === undefined ? {} : { headers: asParameters(contract.headers) }),
        ...(contract.body === undefined
          ? {}
          : {
              body: {
                required: true,
                content: { 'application/json': { schema: contract.body } },
              },
            }),
      },
      responses: Object.fromEntries(
        Object.entries(answers).map(([status, answer]) => [
          status,
          responseOf(Number(status), answer, problem),
        ]),
      ),
    });
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'xseven-events API',
      version: '1.0.0',
      description:
        'Publishing and Kafka management API of xseven-events. Bodies and answers are snake_case, offsets decimal strings, errors application/problem+json (RFC 9457). Generated from the route contracts the handlers validate with.',
      license: { name: 'UNLICENSED', identifier: 'LicenseRef-UNLICENSED' },
    },
    servers: [{ url: '/', description: 'the API Gateway stage, or the local gateway' }],
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
    // Any one of them: a bearer token locally, SigV4 (IAM) or a JWT in AWS (the stack's `apiAuth`).
    security: Object.keys(SECURITY_SCHEMES).map((name) => ({ [name]: [] })),
  });
};
