import type { Consumer } from 'kafkajs';
import { registerEsmControl } from '../../../shared/management/runtime-hooks';
import { Logger } from '@aws-lambda-powertools/logger';
import { createManagementHandler } from '../../../shared/management/app';
import { awsEsmGate } from '../../../shared/management/esm-gate';
import type { EsmApi } from '../../../shared/management/esm-gate';
import { bodyOf, lambdaContext, managementEvent } from './events';
import { authorizers } from '../../support/authorizers';
import { invokeDocumented } from '../../support/openapi-contract';
import { createScratchTopic, produce, startHarness } from './harness';
import type { Harness } from './harness';

/** A group as GET /consumers answers it (snake_case; Confluent REST Proxy v3 names; offsets as strings). */
interface GroupBody {
  consumer_group_id: string;
  state: string;
  members: { consumer_id: string; client_id: string; assignment: Record<string, number[]> }[];
  partitions: {
    topic: string;
    partition: number;
    current_offset: string | null;
    log_end_offset: string;
    lag: number | null;
    client_id: string | null;
  }[];
  lag_summary: { total_lag: number; max_lag: number; max_lag_topic_name: string | null };
}

const groupsOf = async (h: Harness): Promise<GroupBody[]> => {
  const result = await h.call('consumers');
  expect(result.statusCode).toBe(200);
  return bodyOf<{ groups: GroupBody[] }>(result).groups;
};

const lagOn = async (h: Harness, groupId: string, topic: string): Promise<number> => {
  const group = (await groupsOf(h)).find((g) => g.consumer_group_id === groupId);
  return (group?.partitions ?? [])
    .filter((p) => p.topic === topic)
    .reduce((n, p) => n + (p.lag ?? 0), 0);
};

/** Size of a topic as the broker reports it: sum over partitions of high − low. */
const topicSize = async (h: Harness, topic: string): Promise<number> =>
  (await h.admin.fetchTopicOffsets(topic)).reduce((n, o) => n + Number(o.high) - Number(o.low), 0);

const joinedConsumer = async (h: Harness, groupId: string, topic: string): Promise<Consumer> => {
  const consumer = h.kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 500 });
  const joined = new Promise<void>((resolve) =>
    consumer.on(consumer.events.GROUP_JOIN, () => resolve()),
  );
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async () => undefined });
  await joined;
  return consumer;
};

describe('management API: consumer groups, lag and offset reset on the real broker', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('mgmt-consumers');
  });
  afterAll(async () => {
    registerEsmControl(undefined);
    await h.close();
  });

  it('reports a lag of N after N records, and reset to earliest makes the lag the topic’s size', async () => {
    const topic = `${h.prefix}lag`;
    const group = `${h.prefix}lag-group`;
    await createScratchTopic(h.admin, topic, 3);
    await produce(h.kafka, topic, 4, 0);

    // The group starts at the end of the log: lag 0.
    const latest = await h.call('reset-offset', {
      pathParameters: { topic },
      body: { group, to: 'latest' },
    });
    expect(latest.statusCode).toBe(200);
    expect(bodyOf(latest)).toMatchObject({
      group,
      topic,
      to: 'latest',
      event_source_mapping_paused: false,
    });
    expect(await lagOn(h, group, topic)).toBe(0);

    // N more records: lag N, spread as produced.
    await produce(h.kafka, topic, 5, 1);
    await produce(h.kafka, topic, 2, 2);
    expect(await lagOn(h, group, topic)).toBe(7);
    const g = (await groupsOf(h)).find((x) => x.consumer_group_id === group);
    expect(g?.state).toBe('Empty');
    expect(
      g?.partitions.map((p) => [p.partition, p.current_offset, p.log_end_offset, p.lag]),
    ).toEqual([
      [0, '4', '4', 0],
      [1, '0', '5', 5],
      [2, '0', '2', 2],
    ]);
    expect(g?.lag_summary).toMatchObject({ total_lag: 7, max_lag: 5, max_lag_topic_name: topic });

    // Back to the beginning: the lag is the whole topic.
    const earliest = await h.call('reset-offset', {
      pathParameters: { topic },
      body: { group, to: 'earliest' },
    });
    expect(earliest.statusCode).toBe(200);
    expect(await lagOn(h, group, topic)).toBe(await topicSize(h, topic));
    expect(await lagOn(h, group, topic)).toBe(11);
  });

  it('resets to an offset (clamped to the log) and to a timestamp, on chosen partitions only', async () => {
    const topic = `${h.prefix}seek`;
    const group = `${h.prefix}seek-group`;
    await createScratchTopic(h.admin, topic, 2);
    await produce(h.kafka, topic, 6, 0);
    await produce(h.kafka, topic, 3, 1);

    const toOffset = await h.call('reset-offset', {
      pathParameters: { topic },
      body: { group, to: 'offset', offset: 2, partitions: [0] },
    });
    expect(toOffset.statusCode).toBe(200);
    expect(bodyOf<{ partitions: unknown[] }>(toOffset).partitions).toEqual([
      { partition: 0, previous_offset: null, new_offset: '2', clamped: false },
    ]);
    const committed = await h.admin.fetchOffsets({ groupId: group, topics: [topic] });
    expect(committed[0]?.partitions.find((p) => p.partition === 0)?.offset).toBe('2');
    expect(committed[0]?.partitions.find((p) => p.partition === 1)?.offset).toBe('-1');
    // The partition the group never committed to is listed, with null offset and lag.
    const partial = (await groupsOf(h)).find((g) => g.consumer_group_id === group);
    expect(partial?.partitions.map((p) => [p.partition, p.current_offset, p.lag])).toEqual([
      [0, '2', 4],
      [1, null, null],
    ]);
    expect(partial?.lag_summary).toMatchObject({ total_lag: 4, max_lag: 4 });

    const beyond = await h.call('reset-offset', {
      pathParameters: { topic },
      body: { group, to: 'offset', offset: '1000' },
    });
    expect(
      bodyOf<{ partitions: { new_offset: string }[] }>(beyond).partitions.map((p) => p.new_offset),
    ).toEqual(['6', '3']);

    const future = await h.call('reset-offset', {
      pathParameters: { topic },
      body: { group, to: 'timestamp', timestamp: new Date(Date.now() + 3_600_000).toISOString() },
    });
    expect(future.statusCode).toBe(200);
    expect(
      bodyOf<{ partitions: { new_offset: string }[] }>(future).partitions.map((p) => p.new_offset),
    ).toEqual(['6', '3']);
    const past = await h.call('reset-offset', {
      pathParameters: { topic },
      body: { group, to: 'timestamp', timestamp: 0 },
    });
    expect(
      bodyOf<{ partitions: { previous_offset: string; new_offset: string }[] }>(past).partitions,
    ).toEqual([
      { partition: 0, previous_offset: '6', new_offset: '0', clamped: false },
      { partition: 1, previous_offset: '3', new_offset: '0', clamped: false },
    ]);
  });

  it('refuses with 409 to reset a group that has active members and no ESM', async () => {
    const topic = `${h.prefix}busy`;
    const group = `${h.prefix}busy-group`;
    await createScratchTopic(h.admin, topic, 1);
    await produce(h.kafka, topic, 3, 0);
    const consumer = await joinedConsumer(h, group, topic);
    try {
      const consumers = (await groupsOf(h)).find((g) => g.consumer_group_id === group);
      expect(consumers?.state).toBe('Stable');
      expect(consumers?.members).toHaveLength(1);
      expect(consumers?.members[0]?.assignment[topic]).toEqual([0]);

      const refused = await h.call('reset-offset', {
        pathParameters: { topic },
        body: { group, to: 'earliest' },
      });
      expect(refused.statusCode).toBe(409);
      expect(refused.headers?.['content-type']).toBe('application/problem+json');
      expect(bodyOf<{ code: string }>(refused).code).toBe('GROUP_ACTIVE');
    } finally {
      await consumer.disconnect();
    }
  });

  it('pauses the local ESM owning a group, resets, and resumes it', async () => {
    const topic = `${h.prefix}esm`;
    const group = `${h.prefix}esm-group`;
    await createScratchTopic(h.admin, topic, 1);
    await produce(h.kafka, topic, 5, 0);
    // A local "ESM" made of a real kafkajs consumer: pause leaves the group, resume rejoins.
    let consumer: Consumer | undefined = await joinedConsumer(h, group, topic);
    const calls: string[] = [];
    registerEsmControl({
      owns: (id) => id === group,
      pause: async (id) => {
        calls.push(`pause ${id}`);
        await consumer?.disconnect();
        consumer = undefined;
      },
      resume: async (id) => {
        calls.push(`resume ${id}`);
        consumer = await joinedConsumer(h, group, topic);
      },
    });
    try {
      const reset = await h.call('reset-offset', {
        pathParameters: { topic },
        body: { group, to: 'offset', offset: 1 },
      });
      expect(reset.statusCode).toBe(200);
      expect(bodyOf(reset)).toMatchObject({ event_source_mapping_paused: true });
      expect(calls).toEqual([`pause ${group}`, `resume ${group}`]);
      const after = (await groupsOf(h)).find((g) => g.consumer_group_id === group);
      expect(after?.members).toHaveLength(1);
    } finally {
      registerEsmControl(undefined);
      await consumer?.disconnect();
    }
  });

  it('in AWS mode disables the owning event source mapping, waits until Disabled, resets, and enables it', async () => {
    const topic = `${h.prefix}aws-esm`;
    const group = `${h.prefix}aws-esm-group`;
    await createScratchTopic(h.admin, topic, 1);
    await produce(h.kafka, topic, 4, 0);
    // The "ESM" is a real consumer; the Lambda API double starts and stops it as AWS would.
    let consumer: Consumer | undefined = await joinedConsumer(h, group, topic);
    let state = 'Enabled';
    const journal: string[] = [];
    const api: EsmApi = {
      list: async () => ({
        EventSourceMappings: [
          {
            UUID: 'esm-1',
            State: state,
            AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: group },
          },
        ],
      }),
      update: async ({ Enabled }) => {
        if (Enabled) {
          const committed = await h.admin.fetchOffsets({ groupId: group, topics: [topic] });
          journal.push(`enable (committed ${committed[0]?.partitions[0]?.offset})`);
          state = 'Enabling';
          consumer = await joinedConsumer(h, group, topic);
          state = 'Enabled';
        } else {
          journal.push('disable');
          state = 'Disabling';
          void consumer?.disconnect().then(() => {
            consumer = undefined;
            state = 'Disabled';
          });
        }
        return {};
      },
      get: async () => {
        journal.push(`get ${state}`);
        return { UUID: 'esm-1', State: state };
      },
    };
    const aws = createManagementHandler({
      env: process.env,
      platform: h.def,
      prefix: h.prefix,
      kafka: h.kafka,
      logger: new Logger({ serviceName: 'management-test', logLevel: 'SILENT' }),
      esmGate: awsEsmGate({ api, timeoutMs: 30_000, pollIntervalMs: 100 }),
    });
    try {
      const reset = await invokeDocumented(
        aws.handler,
        managementEvent('reset-offset', {
          pathParameters: { topic },
          body: { group, to: 'offset', offset: 3 },
          authorizer: authorizers.operatorJwt,
        }),
        lambdaContext(),
      );
      expect(reset.statusCode).toBe(200);
      expect(bodyOf(reset)).toMatchObject({ event_source_mapping_paused: true });
      expect(journal[0]).toBe('disable');
      expect(journal.filter((j) => j.startsWith('get')).at(-1)).toBe('get Disabled');
      expect(journal.at(-1)).toBe('enable (committed 3)');
      expect(state).toBe('Enabled');
    } finally {
      await aws.close();
      await consumer?.disconnect();
    }
  });

  it('answers 404 for an unknown topic, 422 for a bad reset request (a time before 1970 too), 400 without a body', async () => {
    const unknown = await h.call('reset-offset', {
      pathParameters: { topic: `${h.prefix}missing` },
      body: { group: `${h.prefix}g`, to: 'earliest' },
    });
    expect(unknown.statusCode).toBe(404);
    const topic = h.def.dlq.topic;
    const badTarget = await h.call('reset-offset', {
      pathParameters: { topic },
      body: { group: `${h.prefix}g`, to: 'yesterday' },
    });
    expect(badTarget.statusCode).toBe(422);
    const noOffset = await h.call('reset-offset', {
      pathParameters: { topic },
      body: { group: `${h.prefix}g`, to: 'offset' },
    });
    expect(noOffset.statusCode).toBe(422);
    const before1970 = await h.call('reset-offset', {
      pathParameters: { topic },
      body: { group: `${h.prefix}g`, to: 'timestamp', timestamp: '1969-12-31T23:59:59Z' },
    });
    expect(before1970.statusCode).toBe(422);
    expect(bodyOf<{ errors: { path: string }[] }>(before1970).errors[0]?.path).toBe('timestamp');
    const noBody = await h.call('reset-offset', { pathParameters: { topic }, rawBody: '' });
    expect(noBody.statusCode).toBe(400);
    const badPartition = await h.call('reset-offset', {
      pathParameters: { topic },
      body: { group: `${h.prefix}g`, to: 'earliest', partitions: [7] },
    });
    expect(badPartition.statusCode).toBe(422);
    expect(bodyOf<{ errors: { path: string }[] }>(badPartition).errors[0]?.path).toBe('partitions');
  });
});
