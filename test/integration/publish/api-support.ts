import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { authorizers } from '../../support/authorizers';
import { documented } from '../../support/openapi-contract';
import { toHttpApiEvent } from '../../../local/gateway/event';
import { lambdaContext } from '../../../local/gateway/event';
import type { createPublishHandler } from '../../../functions/publish/handler';

export const API = '/api/v1/kafka';

/** A fixture body of test/fixtures/publish. */
export const fixture = (name: string): string =>
  readFileSync(join(__dirname, '..', '..', 'fixtures', 'publish', `${name}.json`), 'utf8');

/** Options of a request built by {@link call}. */
export interface CallOptions {
  readonly body?: string | Buffer;
  readonly headers?: Record<string, string>;
  readonly method?: string;
  /** `requestContext.authorizer`; null: none. @default the local publisher's JWT context (publish scope) */
  readonly authorizer?: Readonly<Record<string, unknown>> | null;
}

/** A handler result with its body parsed. */
export interface CallResult {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly json: Record<string, unknown>;
}

/** Invokes the publish handler with the payload-2.0 event of a request, as API Gateway would. */
export const call = async (
  handler: ReturnType<typeof createPublishHandler>,
  path: string,
  options: CallOptions = {},
): Promise<CallResult> => {
  const method = options.method ?? 'POST';
  const event = toHttpApiEvent({
    method,
    url: `${API}${path}`,
    routeKey: `${method} ${API}${path}`,
    headers: { 'content-type': 'application/json', ...options.headers },
    body: Buffer.isBuffer(options.body) ? options.body : Buffer.from(options.body ?? ''),
    ...(options.authorizer === null
      ? {}
      : { authorizer: options.authorizer ?? authorizers.publisherJwt }),
  });
  // Every answer a test receives is one the OpenAPI document describes.
  const result = documented(
    event,
    (await handler(event, lambdaContext('publish', 30_000))) as APIGatewayProxyStructuredResultV2,
  );
  const headers = Object.fromEntries(
    Object.entries(result.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]),
  );
  return { status: result.statusCode ?? 200, headers, json: JSON.parse(result.body ?? 'null') };
};
