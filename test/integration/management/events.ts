import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';

/** Fixture names under test/fixtures/management (payload-2.0 events). */
export type ManagementFixture =
  | 'health'
  | 'status'
  | 'metrics'
  | 'topics-list'
  | 'topics-create'
  | 'topics-delete'
  | 'topic-get'
  | 'topic-patch'
  | 'topic-messages'
  | 'consumers'
  | 'reset-offset'
  | 'alerts'
  | 'prometheus-metrics'
  | 'dlq-stats'
  | 'dlq-retry'
  | 'schemas-list'
  | 'schema-document'
  | 'aws-jwt-authorized-topics-create';

/** Changes applied to a fixture event. */
export interface EventChanges {
  readonly pathParameters?: Record<string, string>;
  readonly query?: Record<string, string>;
  readonly body?: unknown;
  readonly rawBody?: string;
  readonly headers?: Record<string, string>;
  /** `requestContext.authorizer` (test/support/authorizers.ts); the fixture's own otherwise. */
  readonly authorizer?: Readonly<Record<string, unknown>>;
}

/**
 * A payload-2.0 event from a JSON fixture, with path parameters substituted
 * into rawPath, query string, body and headers replaced as asked.
 */
export const managementEvent = (
  fixture: ManagementFixture,
  changes: EventChanges = {},
): APIGatewayProxyEventV2 => {
  const event = JSON.parse(
    readFileSync(join(__dirname, '..', '..', 'fixtures', 'management', `${fixture}.json`), 'utf8'),
  ) as APIGatewayProxyEventV2;
  if (changes.pathParameters) {
    event.pathParameters = { ...changes.pathParameters };
    const template = event.routeKey.split(' ')[1] ?? '';
    const raw = template.replace(/\{([A-Za-z0-9_]+)\}/g, (_, n: string) =>
      encodeURIComponent(changes.pathParameters?.[n] ?? ''),
    );
    event.rawPath = raw;
    event.requestContext.http.path = raw;
  }
  if (changes.query) {
    event.queryStringParameters = { ...changes.query };
    event.rawQueryString = new URLSearchParams(changes.query).toString();
  }
  if (changes.body !== undefined) event.body = JSON.stringify(changes.body);
  if (changes.rawBody !== undefined) event.body = changes.rawBody;
  if (changes.headers) event.headers = { ...event.headers, ...changes.headers };
  if (changes.authorizer)
    Object.assign(event.requestContext, { authorizer: structuredClone(changes.authorizer) });
  return event;
};

/** A Lambda context good enough for middy. */
export const lambdaContext = (): Context => ({
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'management',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:management',
  memoryLimitInMB: '512',
  awsRequestId: 'req-1',
  logGroupName: '/aws/lambda/management',
  logStreamName: 'stream',
  getRemainingTimeInMillis: () => 30_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

/** The JSON body of a result. */
export const bodyOf = <T = Record<string, unknown>>(result: APIGatewayProxyStructuredResultV2): T =>
  JSON.parse(result.body ?? 'null') as T;
