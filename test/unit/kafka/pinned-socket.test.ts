import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { Logger } from '@aws-lambda-powertools/logger';
import { logLevel } from 'kafkajs';
import { kafkajsLogCreator } from '../../../shared/kafka/kafkajs-log';
import { pinnedSocketFactory } from '../../../shared/kafka/topic-readiness';

interface Listening {
  readonly server: Server;
  readonly port: number;
  readonly accepted: () => number;
  readonly firstConnection: Promise<void>;
}

const listening = async (): Promise<Listening> => {
  let accepted = 0;
  let first: () => void = () => undefined;
  const firstConnection = new Promise<void>((resolve) => (first = resolve));
  const server = createServer((socket) => {
    accepted += 1;
    first();
    socket.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { server, port, accepted: () => accepted, firstConnection };
};

describe('pinnedSocketFactory', () => {
  it('connects to its broker whatever host and port kafkajs asks for', async () => {
    const pinned = await listening();
    const other = await listening();
    try {
      const factory = pinnedSocketFactory({ host: '127.0.0.1', port: pinned.port });
      await new Promise<void>((resolve, reject) => {
        const socket = factory({
          host: '127.0.0.1',
          port: other.port,
          ssl: undefined as never,
          onConnect: () => {
            socket.destroy();
            resolve();
          },
        });
        socket.once('error', reject);
      });
      await pinned.firstConnection;
      expect(pinned.accepted()).toBe(1);
      expect(other.accepted()).toBe(0);
    } finally {
      pinned.server.close();
      other.server.close();
    }
  });
});

describe('kafkajsLogCreator', () => {
  it("logs a connection's error responses as debug detail, other errors as errors", () => {
    const logger = new Logger({ serviceName: 'test' });
    const error = jest.spyOn(logger, 'error').mockImplementation(() => undefined);
    const debug = jest.spyOn(logger, 'debug').mockImplementation(() => undefined);
    const log = kafkajsLogCreator(logger)();
    const entry = (namespace: string, message: string) => ({
      namespace,
      level: logLevel.ERROR,
      label: 'ERROR',
      log: { timestamp: 'now', message, error: 'The group coordinator is not available' },
    });
    log(entry('Connection', 'Response GroupCoordinator(key: 10, version: 2)'));
    log(entry('Consumer', 'Crash: KafkaJSNumberOfRetriesExceeded'));
    expect(debug.mock.calls.map((c) => c[0])).toEqual([
      'Response GroupCoordinator(key: 10, version: 2)',
    ]);
    expect(error.mock.calls.map((c) => c[0])).toEqual(['Crash: KafkaJSNumberOfRetriesExceeded']);
  });
});
