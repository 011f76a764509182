import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { startGateway } from '../../../local/gateway/server';
import type { RunningGateway } from '../../../local/gateway/server';
import { createLogger } from '../../../shared/observability/logger';
import { platform } from '../../../shared/platform';
import { eventually } from '../../support/eventually';

/** A slowloris client: it sends part of a request's headers, then a byte now and then, never the end. */
interface SlowSocket {
  readonly socket: Socket;
  readonly received: () => string;
  readonly closed: () => boolean;
}

const openSlow = (port: number, path: string): Promise<SlowSocket> =>
  new Promise((resolve, reject) => {
    let data = '';
    let closed = false;
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\nX-Slow: `);
      resolve({ socket, received: () => data, closed: () => closed });
    });
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (data += chunk));
    socket.on('error', () => undefined); // a reset by the server is what we wait for
    socket.on('close', () => (closed = true));
    socket.once('error', reject);
  });

const health = `${platform.apiBasePath}/health`;

describe('local gateway against slow clients', () => {
  const logger = createLogger('slow-clients-test');
  let gateway: RunningGateway | undefined;
  const sockets: SlowSocket[] = [];

  afterEach(async () => {
    for (const s of sockets.splice(0)) s.socket.destroy();
    await gateway?.stop();
    gateway = undefined;
  });

  it('keeps /health answering while 200 sockets dribble headers, and closes them after the headers timeout', async () => {
    gateway = await startGateway({
      platform,
      port: 0,
      host: '127.0.0.1',
      logger,
      limits: {
        headersTimeoutMs: 2_000,
        requestTimeoutMs: 5_000,
        keepAliveTimeoutMs: 1_000,
        maxConnections: 1_024,
      },
    });
    const { port, url } = gateway;
    for (let i = 0; i < 200; i += 1) sockets.push(await openSlow(port, health));
    const dribble = setInterval(() => {
      for (const s of sockets) if (!s.closed()) s.socket.write('x');
    }, 250);
    try {
      // /health answers (the real management function) while every slow socket is held.
      for (let i = 0; i < 5; i += 1) {
        const started = Date.now();
        const answer = await fetch(`${url}${health}`);
        await answer.arrayBuffer();
        expect(answer.status).toBe(200);
        // generous: a busy 2-core machine, not a latency target
        expect(Date.now() - started).toBeLessThan(10_000);
      }
      // Every slow socket is answered 408 and closed once its headers timeout runs out.
      await eventually(async () => {
        expect(sockets.filter((s) => !s.closed())).toHaveLength(0);
      }, 30_000);
      expect(sockets.filter((s) => !s.received().startsWith('HTTP/1.1 408'))).toHaveLength(0);
    } finally {
      clearInterval(dribble);
    }
  }, 60_000);

  it('closes connections above the limit at once, and idle keep-alive connections after their timeout', async () => {
    gateway = await startGateway({
      platform,
      port: 0,
      host: '127.0.0.1',
      logger,
      limits: {
        headersTimeoutMs: 3_000,
        requestTimeoutMs: 3_000,
        keepAliveTimeoutMs: 500,
        maxConnections: 3,
      },
    });
    const { port } = gateway;
    for (let i = 0; i < 3; i += 1) sockets.push(await openSlow(port, health));
    const over = await openSlow(port, health);
    sockets.push(over);
    await eventually(async () => expect(over.closed()).toBe(true), 10_000);
    expect(over.received()).toBe('');
    // Once the slow ones time out, the gateway serves again.
    await eventually(async () => {
      expect(sockets.filter((s) => !s.closed())).toHaveLength(0);
    }, 30_000);

    // A keep-alive connection left idle after its answer is closed by the server.
    const idle = await openSlow(port, health);
    sockets.push(idle);
    idle.socket.write('1\r\n\r\n');
    await eventually(async () => expect(idle.received()).toMatch(/^HTTP\/1\.1 \d{3}/), 20_000);
    expect(idle.received()).toContain('Keep-Alive: timeout=');
    await eventually(async () => expect(idle.closed()).toBe(true), 20_000);
  }, 90_000);
});
