import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { Logger } from '@aws-lambda-powertools/logger';
import { unreachableBrokers } from '../../../shared/kafka/broker-probe';
import type { ManagementContext } from '../../../shared/management/context';
import type { JsonBodyEvent } from '../../../shared/http/json-body';
import { NotReadyError } from '../../../shared/management/errors';
import {
  NotWritableReason,
  READINESS_CACHE_MS,
  readinessOf,
} from '../../../shared/management/readiness';
import { managementRoutes } from '../../../shared/management/routes';
import { problemResponse } from '../../../shared/http/problem';
import { definitionTopicConfigs, platform } from '../../../shared/platform';
import type { PartitionMetadata } from '../../../shared/management/readiness';

const expected = [
  { name: 'orders', minInSyncReplicas: 2 },
  { name: 'audit', minInSyncReplicas: 1 },
];
const healthy = (): Map<string, PartitionMetadata[]> =>
  new Map([
    [
      'orders',
      [
        { partition: 0, leader: 1, isr: [1, 2] },
        { partition: 1, leader: 2, isr: [2, 3, 1] },
      ],
    ],
    ['audit', [{ partition: 0, leader: 3, isr: [3] }]],
  ]);

describe('readinessOf', () => {
  it('is ready when every partition has a leader and ISR >= min.insync.replicas', () => {
    expect(readinessOf(expected, healthy())).toEqual({
      ready: true,
      topics: 2,
      partitions: 3,
      notWritable: [],
    });
  });

  it('names a leaderless partition', () => {
    const metadata = healthy();
    metadata.set('audit', [{ partition: 0, leader: -1, isr: [] }]);
    const readiness = readinessOf(expected, metadata);
    expect(readiness.ready).toBe(false);
    expect(readiness.notWritable).toEqual([
      {
        topic: 'audit',
        partition: 0,
        reason: NotWritableReason.NoLeader,
        isr: 0,
        minInSyncReplicas: 1,
      },
    ]);
  });

  it('names a partition whose ISR is below the topic min ISR', () => {
    const metadata = healthy();
    metadata.set('orders', [
      { partition: 0, leader: 1, isr: [1, 2] },
      { partition: 1, leader: 2, isr: [2] },
    ]);
    const readiness = readinessOf(expected, metadata);
    expect(readiness.ready).toBe(false);
    expect(readiness.notWritable).toEqual([
      {
        topic: 'orders',
        partition: 1,
        reason: NotWritableReason.IsrBelowMin,
        isr: 1,
        minInSyncReplicas: 2,
      },
    ]);
  });

  it('names a partition whose leader does not accept a connection (stale metadata)', () => {
    const readiness = readinessOf(expected, healthy(), new Set([3]));
    expect(readiness.ready).toBe(false);
    expect(readiness.notWritable).toEqual([
      {
        topic: 'audit',
        partition: 0,
        reason: NotWritableReason.LeaderUnreachable,
        isr: 1,
        minInSyncReplicas: 1,
      },
    ]);
  });

  it('names a partition whose in-sync replicas listed are enough but too few of them answer', () => {
    // a lost KRaft quorum: the survivor still lists 2 and 3 in sync
    const readiness = readinessOf(expected, healthy(), new Set([2, 3]));
    expect(readiness.notWritable).toEqual([
      {
        topic: 'orders',
        partition: 0,
        reason: NotWritableReason.IsrUnreachable,
        isr: 1,
        minInSyncReplicas: 2,
      },
      {
        topic: 'orders',
        partition: 1,
        reason: NotWritableReason.LeaderUnreachable,
        isr: 3,
        minInSyncReplicas: 2,
      },
      {
        topic: 'audit',
        partition: 0,
        reason: NotWritableReason.LeaderUnreachable,
        isr: 1,
        minInSyncReplicas: 1,
      },
    ]);
  });

  it('names a topic the cluster does not know', () => {
    const metadata = healthy();
    metadata.delete('orders');
    const readiness = readinessOf(expected, metadata);
    expect(readiness).toEqual({
      ready: false,
      topics: 2,
      partitions: 1,
      notWritable: [
        {
          topic: 'orders',
          partition: null,
          reason: NotWritableReason.MissingTopic,
          isr: null,
          minInSyncReplicas: 2,
        },
      ],
    });
  });
});

const listening = async (): Promise<Server> => {
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
};
const portOf = (server: Server): number => (server.address() as AddressInfo).port;

describe('unreachableBrokers', () => {
  it('names the brokers that refuse a connection, not those that accept one', async () => {
    const up = await listening();
    const closed = await listening();
    const closedPort = portOf(closed);
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    try {
      const down = await unreachableBrokers(
        [
          { nodeId: 1, host: '127.0.0.1', port: portOf(up) },
          { nodeId: 2, host: '127.0.0.1', port: closedPort },
        ],
        1000,
      );
      expect([...down]).toEqual([2]);
    } finally {
      await new Promise<void>((resolve) => up.close(() => resolve()));
    }
  });
});

describe('GET /health?deep=true over a cluster whose partition has no leader', () => {
  let broker: Server;
  beforeAll(async () => {
    broker = await listening();
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => broker.close(() => resolve()));
  });
  const topics = platform.topics.slice(0, 1);
  const topic = topics[0] as (typeof platform.topics)[number];
  let requests = 0;
  const admin = {
    describeCluster: () =>
      Promise.resolve({
        brokers: [{ nodeId: 1, host: '127.0.0.1', port: portOf(broker) }],
        controller: 1,
      }),
    fetchTopicMetadata: () => {
      requests += 1;
      return Promise.resolve({
        topics: [
          {
            name: topic.name,
            partitions: [
              { partitionId: 0, leader: 1, isr: [1], replicas: [1] },
              { partitionId: 1, leader: -1, isr: [], replicas: [1] },
            ],
          },
        ],
      });
    },
    describeConfigs: () =>
      Promise.resolve({
        resources: [
          {
            resourceName: topic.name,
            configEntries: [
              {
                configName: 'min.insync.replicas',
                configValue: '1',
                isDefault: false,
                isSensitive: false,
              },
            ],
          },
        ],
      }),
  };
  let clock = 0;
  const context = {
    platform: { ...platform, topics },
    config: { healthTimeoutMs: 1000 },
    logger: new Logger({ logLevel: 'SILENT' }),
    admin: () => Promise.resolve(admin),
    topicConfigs: () => definitionTopicConfigs,
    now: () => clock,
  } as unknown as ManagementContext;
  const event = (query: Record<string, string>): JsonBodyEvent =>
    ({ queryStringParameters: query }) as unknown as JsonBodyEvent;
  const health = (request: JsonBodyEvent, ctx: ManagementContext) =>
    managementRoutes['GET /health'].handle(request, {}, ctx);

  it('answers 503 with Retry-After naming the partition, and reuses the answer for the cache window', async () => {
    const deep = (): Promise<unknown> =>
      health(event({ deep: 'true' }), context).catch((error: unknown) => error);
    const error = await deep();
    expect(error).toBeInstanceOf(NotReadyError);
    const answer = problemResponse(error);
    expect(answer.statusCode).toBe(503);
    expect(answer.headers?.['retry-after']).toBe('5');
    expect(JSON.parse(answer.body ?? '{}')).toMatchObject({
      code: 'NOT_READY',
      errors: [{ path: `${topic.name}/1`, message: 'no_leader' }],
    });
    await deep();
    expect(requests).toBe(1);
    clock += READINESS_CACHE_MS;
    await deep();
    expect(requests).toBe(2);
  });

  it('answers liveness without asking the cluster', async () => {
    const before = requests;
    const answer = await health(event({}), context);
    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(String(answer.body))).toEqual({ status: 'ok' });
    expect(requests).toBe(before);
  });
});
