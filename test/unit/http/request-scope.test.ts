import type { Request } from '@middy/core';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { requestLogContext } from '../../../shared/http/request-log-context';
import { createLogger } from '../../../shared/observability/logger';
import { withRequestScope } from '../../../shared/observability/request-scope';

type HttpRequest = Request<
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Error,
  Context
>;

const requestWith = (correlationId: string): HttpRequest =>
  ({
    event: {
      headers: { 'x-correlation-id': correlationId },
      requestContext: { requestId: `req-${correlationId}` },
      rawPath: '/x',
    },
    context: {},
    response: undefined,
    error: undefined,
    internal: {},
  }) as unknown as HttpRequest;

/** A promise and the function that settles it. */
const gate = () => {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
};

describe('log keys of concurrent requests in one process (the local gateway)', () => {
  const level = process.env.POWERTOOLS_LOG_LEVEL;
  let lines: Record<string, unknown>[];
  let write: jest.SpyInstance;
  beforeEach(() => {
    process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
    lines = [];
    write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      return true;
    });
  });
  afterEach(() => {
    write.mockRestore();
    process.env.POWERTOOLS_LOG_LEVEL = level;
  });

  /** Two requests interleaved: a sets its keys, b sets its keys and logs, then a logs. */
  const interleave = async (scoped: boolean): Promise<Record<string, unknown>[]> => {
    const logger = createLogger('scope-test');
    const context = requestLogContext({ logger });
    const before = context.before as NonNullable<typeof context.before>;
    const after = context.after as NonNullable<typeof context.after>;
    const bLogged = gate();
    const serve = async (id: string, waitFor?: Promise<void>): Promise<void> => {
      const request = requestWith(id);
      await before(request);
      if (waitFor) await waitFor;
      logger.info('handled', { request: id });
      if (!waitFor) bLogged.open();
      await after(request);
    };
    const run = (id: string, waitFor?: Promise<void>) =>
      scoped ? withRequestScope(() => serve(id, waitFor)) : serve(id, waitFor);
    await Promise.all([run('a', bLogged.opened), run('b')]);
    return lines.filter((line) => line.message === 'handled');
  };

  it('each line carries its own request correlation id within request scopes', async () => {
    const handled = await interleave(true);
    expect(handled.map((l) => [l.request, l.correlation_id])).toEqual([
      ['b', 'b'],
      ['a', 'a'],
    ]);
    expect(handled.every((l) => typeof l.trace_id === 'string')).toBe(true);
  });

  it('without a scope (one request at a time, as in a Lambda container) the logger carries the keys, which is why the gateway scopes each request', async () => {
    const handled = await interleave(false);
    // b's keys replaced a's on the shared logger, and b's answer removed them: a's line has none
    expect(handled.map((l) => [l.request, l.correlation_id])).toEqual([
      ['b', 'b'],
      ['a', undefined],
    ]);
  });

  it('a request served alone keeps its keys on the logger; requests overlapping it get scopes, whichever answers first', async () => {
    const logger = createLogger('scope-test');
    const context = requestLogContext({ logger });
    const before = context.before as NonNullable<typeof context.before>;
    const after = context.after as NonNullable<typeof context.after>;
    const bMayLog = gate();
    const cStarted = gate();
    const serve = async (id: string, steps: () => Promise<void>): Promise<void> => {
      const request = requestWith(id);
      await before(request);
      await steps();
      logger.info('handled', { request: id });
      await after(request);
    };
    // a alone (no scope), b overlapping a; a answers first, then c overlaps b; b logs last.
    const a = withRequestScope(() => serve('a', () => Promise.resolve()));
    const b = withRequestScope(() => serve('b', () => bMayLog.opened));
    await a;
    const c = withRequestScope(() =>
      serve('c', async () => {
        cStarted.open();
      }),
    );
    await cStarted.opened;
    await c;
    bMayLog.open();
    await b;
    const handled = lines.filter((line) => line.message === 'handled');
    expect(handled.map((l) => [l.request, l.correlation_id])).toEqual([
      ['a', 'a'],
      ['c', 'c'],
      ['b', 'b'],
    ]);
    // Once nothing is in flight, the next request is served alone again, and its keys leave with it.
    await withRequestScope(() => serve('d', () => Promise.resolve()));
    logger.info('after every request');
    expect(lines.at(-2)).toMatchObject({ request: 'd', correlation_id: 'd' });
    expect(lines.at(-1)?.correlation_id).toBeUndefined();
  });
});
