import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Admin, Kafka } from 'kafkajs';
import { startGateway } from '../../../local/gateway/server';
import type { HttpApiHandler, RunningGateway } from '../../../local/gateway/server';
import { provisionTopics } from '../../../local/provision';
import { EventHeader } from '../../../shared/events';
import { createLogger } from '../../../shared/observability/logger';
import { platform, topicForEventType, withNamespace } from '../../../shared/platform';
import type { HttpFunction, PlatformDefinition } from '../../../shared/platform';
import { readMessages, testKafka, uniquePrefix } from '../../support/kafka';

const run = promisify(execFile);

/** The curl commands of the README's examples section, joined across `\` line ends. */
const readmeCurls = (): string[] => {
  const readme = readFileSync(join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
  const section =
    readme.split('<!-- curl-examples:start -->')[1]?.split('<!-- curl-examples:end -->')[0] ?? '';
  const blocks = [...section.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  const commands: string[] = [];
  for (const block of blocks) {
    let current = '';
    for (const line of block.split('\n')) {
      if (current === '' && !line.startsWith('curl ')) continue;
      current += `${line}\n`;
      // A command ends on a line without a trailing backslash, outside a quoted body.
      const quotes = (current.match(/'/g) ?? []).length;
      if (!line.trimEnd().endsWith('\\') && quotes % 2 === 0) {
        commands.push(current.trim());
        current = '';
      }
    }
  }
  return commands;
};

/** Runs a README curl against the gateway; returns status and body. */
const curl = async (command: string, base: string): Promise<{ status: number; body: string }> => {
  const local = command.replaceAll('http://localhost:8000', base);
  const { stdout } = await run('bash', ['-c', `${local} -s -w '\\n%{http_code}'`]);
  const lines = stdout.split('\n');
  return { status: Number(lines.pop()), body: lines.join('\n') };
};

describe('local API gateway', () => {
  let kafka: Kafka;
  let admin: Admin;
  let prefix: string;
  let def: PlatformDefinition;
  let gateway: RunningGateway;
  const logger = createLogger('gateway-test');

  beforeAll(async () => {
    kafka = testKafka('gateway-test');
    admin = kafka.admin();
    await admin.connect();
    prefix = uniquePrefix('gw');
    def = withNamespace(platform, prefix);
    await provisionTopics(admin, def);
    // The handlers build their context from the environment on first use, as in Lambda.
    process.env.XSEVEN_TOPIC_PREFIX = prefix;
    gateway = await startGateway({ platform: def, port: 0, host: '127.0.0.1', logger });
  });

  afterAll(async () => {
    // stopping the gateway closes the functions' connections (their exported close())
    await gateway.stop();
    await admin.disconnect();
  });

  it("runs the README's curl examples (the seed's) against the real handlers", async () => {
    const commands = readmeCurls();
    expect(commands.length).toBeGreaterThanOrEqual(8);
    const published: Record<string, unknown>[] = [];
    for (const command of commands) {
      const { status, body } = await curl(command, gateway.url);
      expect({ command, status }).toEqual({ command, status: 200 });
      const json = JSON.parse(body) as Record<string, unknown>;
      if (command.includes('/events/batch'))
        published.push(...(json.results as Record<string, unknown>[]));
      else if (command.includes('/events/')) published.push(json);
    }
    expect(published.map((p) => p.event_type)).toEqual([
      'conversation.started',
      'ai.response.generated',
      'business.analytics.update',
      'user.action',
      'workflow.started',
      'system.health_check',
    ]);
    const reads = await readMessages(
      kafka,
      [...new Set(published.map((p) => String(p.topic)))],
      published.length,
    );
    for (const p of published) {
      const read = reads.find(
        (r) => r.message.headers?.[EventHeader.Id]?.toString() === p.event_id,
      );
      expect(read).toMatchObject({
        topic: p.topic,
        partition: p.partition,
        message: { offset: p.offset },
      });
      expect(read?.message.key?.toString()).toBe(p.key);
    }
    expect(published[0]?.topic).toBe(topicForEventType(def, 'conversation.started'));
    expect(published.find((p) => p.event_type === 'user.action')?.correlation_id).toBe('req-42');
  });

  it("answers unknown routes through the $default route's function (problem+json 404, 405 with Allow), bodies over 10 MB like API Gateway", async () => {
    const notFound = await fetch(`${gateway.url}/api/v1/kafka/nothing-here`);
    expect(notFound.status).toBe(404);
    expect(notFound.headers.get('content-type')).toBe('application/problem+json');
    expect(await notFound.json()).toMatchObject({ status: 404, code: 'NOT_FOUND' });

    const wrongMethod = await fetch(`${gateway.url}/api/v1/kafka/events/generic`);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
    expect(await wrongMethod.json()).toMatchObject({ status: 405, code: 'METHOD_NOT_ALLOWED' });

    const tooLarge = await fetch(`${gateway.url}/api/v1/kafka/events/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: 'x'.repeat(10 * 1024 * 1024 + 1),
    });
    expect(tooLarge.status).toBe(413);
  });

  it('answers a request target that is no URL path 400, and an empty path segment 404, both problem+json', async () => {
    const answer = (path: string) =>
      new Promise<{ status: number; type: string | undefined; body: string }>((resolve, reject) => {
        const req = request(gateway.url, { path }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              type: res.headers['content-type'],
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          );
        });
        req.on('error', reject);
        req.end();
      });
    const invalid = await answer('http://[');
    expect(invalid).toMatchObject({ status: 400, type: 'application/problem+json' });
    expect(JSON.parse(invalid.body)).toMatchObject({ status: 400, code: 'BAD_REQUEST' });
    // `//` is an origin-form path with empty segments (as a URL reference it would name a host).
    for (const path of ['//', '//api/v1/kafka/health']) {
      const empty = await answer(path);
      expect(empty).toMatchObject({ status: 404, type: 'application/problem+json' });
    }
  });

  it('passes problem+json errors of the handler through unchanged', async () => {
    const response = await fetch(`${gateway.url}/api/v1/kafka/events/conversation`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"conversation_id": "c1"',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toMatchObject({ status: 400, code: 'BAD_REQUEST' });
  });
});

describe('local API gateway: events, results and function loading', () => {
  const logger = createLogger('gateway-test');
  let gateway: RunningGateway;
  const seen: APIGatewayProxyEventV2[] = [];
  const loads: HttpFunction[] = [];
  let behaviour: HttpApiHandler = async () => ({ statusCode: 204 });

  beforeAll(async () => {
    gateway = await startGateway({
      platform,
      port: 0,
      host: '127.0.0.1',
      logger,
      timeoutMs: 300,
      loadHandler: async (fn) => {
        loads.push(fn);
        if (fn === 'management') throw new Error('module not found');
        return {
          handler: (event, context) => {
            seen.push(event);
            return behaviour(event, context);
          },
        };
      },
    });
  });

  afterAll(async () => {
    await gateway.stop();
  });

  it('builds a payload-2.0 event with route key, path parameters, query, cookies and lower-case headers', async () => {
    behaviour = async () => ({
      statusCode: 202,
      headers: { 'X-Out': 'yes' },
      cookies: ['a=1'],
      body: 'ok',
    });
    const response = await fetch(`${gateway.url}/api/v1/kafka/openapi.json?x=1&x=2&y=3`, {
      headers: { 'X-Custom': 'v', cookie: 'c1=1; c2=2' },
    });
    expect(response.status).toBe(202);
    expect(response.headers.get('x-out')).toBe('yes');
    expect(response.headers.get('set-cookie')).toBe('a=1');
    expect(await response.text()).toBe('ok');
    const event = seen.at(-1);
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'GET /api/v1/kafka/openapi.json',
      rawPath: '/api/v1/kafka/openapi.json',
      rawQueryString: 'x=1&x=2&y=3',
      queryStringParameters: { x: '1,2', y: '3' },
      cookies: ['c1=1', 'c2=2'],
      headers: { 'x-custom': 'v' },
      isBase64Encoded: false,
      requestContext: {
        http: { method: 'GET', path: '/api/v1/kafka/openapi.json' },
        stage: '$default',
      },
    });
  });

  it('base64-encodes a binary body and decodes a base64 result', async () => {
    behaviour = async (event) => ({
      statusCode: 200,
      isBase64Encoded: true,
      body: Buffer.from(
        `got ${event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').length : -1}`,
      ).toString('base64'),
    });
    const response = await fetch(`${gateway.url}/api/v1/kafka/events/generic`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: new Uint8Array([0, 1, 2, 255]),
    });
    expect(await response.text()).toBe('got 4');
  });

  it('maps a plain object result to a 200 JSON response', async () => {
    behaviour = async () => ({ hello: 'world' }) as never;
    const response = await fetch(`${gateway.url}/api/v1/kafka/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ hello: 'world' });
  });

  it('answers 500, and stays up, when the function returns a header HTTP cannot carry', async () => {
    behaviour = async () => ({ statusCode: 200, headers: { 'x-bad': 'a\nb' }, body: 'x' });
    const bad = await fetch(`${gateway.url}/api/v1/kafka/openapi.json`);
    expect(bad.status).toBe(500);
    expect(bad.headers.get('x-bad')).toBeNull();
    behaviour = async () => ({ statusCode: 204 });
    expect((await fetch(`${gateway.url}/api/v1/kafka/openapi.json`)).status).toBe(204);
  });

  it('answers 500 when the function throws and 503 when it outlives the timeout', async () => {
    behaviour = async () => {
      throw new Error('boom');
    };
    const failed = await fetch(`${gateway.url}/api/v1/kafka/openapi.json`);
    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({ message: 'Internal Server Error' });

    behaviour = () => new Promise((resolve) => setTimeout(() => resolve({ statusCode: 200 }), 600));
    const slow = await fetch(`${gateway.url}/api/v1/kafka/openapi.json`);
    expect(slow.status).toBe(503);
  });

  it('loads a function on first use only, and only the function of the route', async () => {
    behaviour = async () => ({ statusCode: 204 });
    await fetch(`${gateway.url}/api/v1/kafka/openapi.json`);
    expect(loads.filter((f) => f === 'publish')).toHaveLength(1);
    expect(loads).not.toContain('management');

    const management = await fetch(`${gateway.url}/api/v1/kafka/health`);
    expect(management.status).toBe(500);
    const again = await fetch(`${gateway.url}/api/v1/kafka/health`);
    expect(again.status).toBe(500);
    // a failed load is not cached: it is tried again
    expect(loads.filter((f) => f === 'management')).toHaveLength(2);
  });
});
