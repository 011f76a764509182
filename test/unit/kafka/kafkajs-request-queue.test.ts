import RequestQueue from 'kafkajs/src/network/requestQueue';
import { silentKafkajsLogger } from '../../support/kafkajs-logger';

/**
 * kafkajs' per-connection request queue as the project patches it
 * (patches/kafkajs+2.2.4.patch): kafkajs 2.2.4 keeps a 1 ms timer alive for
 * the life of every connection once it has answered a request (kafkajs
 * issues #1556, #1704), which the first test catches; the second checks that
 * a throttled queue still sends what waits.
 */

const silent = silentKafkajsLogger;

const queue = (maxInFlightRequests: number | null) =>
  new RequestQueue({
    maxInFlightRequests,
    requestTimeout: 30_000,
    enforceRequestTimeout: false,
    clientId: 'test',
    broker: 'localhost:9092',
    logger: silent,
  });

const request = (correlationId: number, sent: number[], answers: unknown[]) => ({
  entry: {
    correlationId,
    apiName: 'Fetch',
    apiKey: 1,
    apiVersion: 11,
    resolve: (answer: unknown) => answers.push(answer),
    reject: () => undefined,
  },
  expectResponse: true,
  sendRequest: () => sent.push(correlationId),
});

describe("kafkajs' request queue (patched)", () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('sets no timer once nothing is pending: an idle connection costs nothing', () => {
    const q = queue(1);
    const sent: number[] = [];
    const answers: unknown[] = [];
    q.push(request(1, sent, answers));
    q.push(request(2, sent, answers)); // waits: one request in flight at most
    q.fulfillRequest({ correlationId: 1, payload: {}, size: 0 });
    q.fulfillRequest({ correlationId: 2, payload: {}, size: 0 });
    expect(sent).toEqual([1, 2]);
    expect(answers).toHaveLength(2);
    jest.advanceTimersByTime(50);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('sends a request that waited out a client-side throttle when the throttle ends', () => {
    const q = queue(null);
    const sent: number[] = [];
    q.maybeThrottle(20);
    q.push(request(1, sent, []));
    expect(sent).toEqual([]);
    jest.advanceTimersByTime(25);
    expect(sent).toEqual([1]);
    q.fulfillRequest({ correlationId: 1, payload: {}, size: 0 });
    jest.advanceTimersByTime(50);
    expect(jest.getTimerCount()).toBe(0);
  });
});
