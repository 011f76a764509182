import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ConfigResourceTypes } from 'kafkajs';
import { authorizerContext } from '../../../local/gateway/auth';
import * as z from 'zod';
import * as answer from '../../../shared/management/answer-schemas';
import { createManagementHandler } from '../../../shared/management/app';
import { browseMessages } from '../../../shared/management/messages';
import { BROWSE_GROUP_PREFIX, platform, RouteAccess } from '../../../shared/platform';
import { authorizers } from '../../support/authorizers';
import { documented } from '../../support/openapi-contract';
import { bodyOf, lambdaContext, managementEvent } from './events';
import { createScratchTopic, produce, startHarness } from './harness';
import type { Harness } from './harness';

/** A JWT holding the read scope only: GETs, never a mutation. */
const readerJwt = authorizerContext(
  { name: 'developer', access: [RouteAccess.Read] },
  'jwt',
  platform.access,
  new Date('2026-12-01T00:00:00Z'),
);

interface Problem {
  status: number;
  code: string;
  errors?: { path: string; message: string }[];
}

const problemOf = (result: APIGatewayProxyStructuredResultV2): Problem => {
  expect(result.headers?.['content-type']).toBe('application/problem+json');
  return bodyOf<Problem>(result);
};

// The harness checks every answer against the OpenAPI document; these type the bodies.
const detailSchema = answer.topicDetailSchema();
const patchSchema = z.union([answer.topicDetailSchema(), answer.topicPatchValidationSchema()]);
const pageSchema = answer.messagePageSchema();

describe('management API: a topic in detail, changed and browsed, on the real broker', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('mgmt-topic-ops');
  });
  afterAll(async () => {
    await h.close();
  });

  describe('GET /topics/{name}', () => {
    it('answers partitions with leader, replicas, ISR and watermarks, every config with its source, and the record count', async () => {
      const topic = `${h.def.access.apiTopicPrefix}detail`;
      await createScratchTopic(h.admin, topic, 2);
      await produce(h.kafka, topic, 3, 1);
      const result = await h.call('topic-get', { pathParameters: { name: topic } });
      expect(result.statusCode).toBe(200);
      const body = detailSchema.parse(bodyOf(result));
      const [broker] = (await h.admin.describeCluster()).brokers;
      expect(body).toMatchObject({
        name: topic,
        replication_factor: 1,
        messages: 3,
        under_replicated_partitions: 0,
        offline_partitions: 0,
        size_bytes: null,
        defined: false,
        protected: false,
      });
      expect(body.partitions).toEqual([
        expect.objectContaining({
          partition: 0,
          leader: broker?.nodeId,
          low_offset: '0',
          high_offset: '0',
        }),
        expect.objectContaining({
          partition: 1,
          replicas: [broker?.nodeId],
          isr: [broker?.nodeId],
          offline_replicas: [],
          high_offset: '3',
        }),
      ]);
      expect(body.size_unavailable).toContain('DescribeLogDirs');
      const retention = body.config_entries.find((c) => c.name === 'retention.ms');
      expect(retention).toMatchObject({
        source: 'default_config',
        is_default: true,
        sensitive: false,
      });
      expect(body.config_entries.length).toBeGreaterThan(20);
    });

    it('shows what the definition set on its topics, and which are protected', async () => {
      const topic = h.def.dlq.topic;
      const body = detailSchema.parse(
        bodyOf(await h.call('topic-get', { pathParameters: { name: topic } })),
      );
      expect(body).toMatchObject({ name: topic, defined: true, protected: true });
      expect(body.configs['retention.ms']).toBe(
        String(h.def.topics.find((t) => t.name === topic)?.retentionMs),
      );
      expect(body.config_entries.find((c) => c.name === 'retention.ms')?.source).toBe(
        'dynamic_topic_config',
      );
    });

    it('answers 404 problem+json for an unknown topic, an internal one, one outside the scope and an invalid name', async () => {
      for (const name of [`${h.prefix}nope`, '__consumer_offsets', 'not-my-prefix', 'bad name!']) {
        const result = await h.call('topic-get', { pathParameters: { name } });
        expect(result.statusCode).toBe(404);
        expect(problemOf(result).code).toBe('TOPIC_NOT_FOUND');
      }
    });
  });

  describe('PATCH /topics/{name}', () => {
    it('sets and removes configs, keeping the configs it does not name', async () => {
      const topic = `${h.def.access.apiTopicPrefix}patched`;
      const created = await h.call('topics-create', {
        body: {
          name: topic,
          partitions: 1,
          replication_factor: 1,
          configs: { 'cleanup.policy': 'delete' },
        },
      });
      expect(created.statusCode).toBe(201);
      const set = await h.call('topic-patch', {
        pathParameters: { name: topic },
        body: { configs: { 'retention.ms': 3_600_000, 'max.message.bytes': '2097152' } },
      });
      expect(set.statusCode).toBe(200);
      expect(patchSchema.parse(bodyOf(set))).toMatchObject({
        name: topic,
        configs: {
          'cleanup.policy': 'delete',
          'retention.ms': '3600000',
          'max.message.bytes': '2097152',
        },
      });
      const described = await h.admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }],
      });
      const value = (name: string): string | undefined =>
        described.resources[0]?.configEntries.find((e) => e.configName === name)?.configValue;
      expect(value('retention.ms')).toBe('3600000');
      expect(value('cleanup.policy')).toBe('delete');

      const removed = await h.call('topic-patch', {
        pathParameters: { name: topic },
        body: { configs: { 'retention.ms': null } },
      });
      expect(removed.statusCode).toBe(200);
      const after = detailSchema.parse(bodyOf(removed));
      expect(
        after.config_entries.filter((c) => c.source === 'dynamic_topic_config').map((c) => c.name),
      ).toEqual(['cleanup.policy', 'max.message.bytes']);
      expect(after.config_entries.find((c) => c.name === 'retention.ms')?.is_default).toBe(true);
    });

    it('increases the partitions (the new ones led), and validate_only changes nothing', async () => {
      const topic = `${h.def.access.apiTopicPrefix}grown`;
      await createScratchTopic(h.admin, topic, 2);
      const dry = await h.call('topic-patch', {
        pathParameters: { name: topic },
        body: { partitions_count: 5, configs: { 'retention.ms': '60000' }, validate_only: true },
      });
      expect(dry.statusCode).toBe(200);
      expect(patchSchema.parse(bodyOf(dry))).toEqual({
        validate_only: true,
        valid: true,
        name: topic,
        partitions_count: 5,
        configs: { 'retention.ms': '60000' },
      });
      expect(
        (await h.admin.fetchTopicMetadata({ topics: [topic] })).topics[0]?.partitions,
      ).toHaveLength(2);

      const grown = await h.call('topic-patch', {
        pathParameters: { name: topic },
        body: { partitions_count: 5 },
      });
      expect(grown.statusCode).toBe(200);
      const body = detailSchema.parse(bodyOf(grown));
      expect(body.partitions.map((p) => p.partition)).toEqual([0, 1, 2, 3, 4]);
      expect(body.partitions.every((p) => p.leader >= 0)).toBe(true);
      expect(body.configs['retention.ms']).toBeUndefined();
      // The same count again is no change.
      const same = await h.call('topic-patch', {
        pathParameters: { name: topic },
        body: { partitions_count: 5 },
      });
      expect(same.statusCode).toBe(200);
    });

    it('refuses a decrease, an unknown config, a bad value, an empty change and unknown fields with 422, before Kafka', async () => {
      const topic = `${h.def.access.apiTopicPrefix}refusals`;
      await createScratchTopic(h.admin, topic, 3);
      const cases: [unknown, string][] = [
        [{ partitions_count: 2 }, 'partitions_count'],
        [{ partitions_count: 0 }, 'partitions_count'],
        [{ configs: { 'retention.msec': '1' } }, 'configs.retention.msec'],
        [{ configs: { 'cleanup.policy': 'shred' } }, 'configs.cleanup.policy'],
        [{ configs: { 'retention.ms': -2 } }, 'configs.retention.ms'],
        [{ configs: { 'min.cleanable.dirty.ratio': '1.5' } }, 'configs.min.cleanable.dirty.ratio'],
        [
          { configs: { 'unclean.leader.election.enable': 'yes' } },
          'configs.unclean.leader.election.enable',
        ],
        [{}, '(root)'],
        [{ configs: {} }, '(root)'],
        [{ partitions: 4 }, '(root)'],
      ];
      for (const [body, path] of cases) {
        const result = await h.call('topic-patch', { pathParameters: { name: topic }, body });
        expect([JSON.stringify(body), result.statusCode]).toEqual([JSON.stringify(body), 422]);
        expect(problemOf(result).errors?.map((e) => e.path)).toContain(path);
      }
      const metadata = await h.admin.fetchTopicMetadata({ topics: [topic] });
      expect(metadata.topics[0]?.partitions).toHaveLength(3);
    });

    it('keeps the partition budget of POST /topics: 422 beyond the per-request budget, 409 beyond the cluster’s', async () => {
      const topic = `${h.def.access.apiTopicPrefix}budget`;
      await createScratchTopic(h.admin, topic, 1);
      const perRequest = await h.call('topic-patch', {
        pathParameters: { name: topic },
        body: { partitions_count: 1002 },
      });
      expect(perRequest.statusCode).toBe(422);
      expect(problemOf(perRequest).errors?.[0]?.path).toBe('partitions_count');

      const { topics } = await h.admin.fetchTopicMetadata();
      const held = topics.reduce((n, t) => n + t.partitions.length, 0);
      const tight = createManagementHandler({
        env: { ...process.env, XSEVEN_MAX_CLUSTER_PARTITIONS: String(held + 5) },
        platform: h.def,
        prefix: h.prefix,
        kafka: h.kafka,
        logger: new Logger({ serviceName: 'management-test', logLevel: 'SILENT' }),
      });
      try {
        const event = managementEvent('topic-patch', {
          pathParameters: { name: topic },
          body: { partitions_count: 60 },
          authorizer: authorizers.operatorJwt,
        });
        const refused = documented(event, await tight.handler(event, lambdaContext()));
        expect(refused.statusCode).toBe(409);
        expect(problemOf(refused).code).toBe('PARTITION_BUDGET_EXCEEDED');
      } finally {
        await tight.close();
      }
      expect(
        (await h.admin.fetchTopicMetadata({ topics: [topic] })).topics[0]?.partitions,
      ).toHaveLength(1);
    });

    it('answers 404 for an unknown topic, 403 outside the administered topics or without the operate scope, 400 without a body', async () => {
      const unknown = await h.call('topic-patch', {
        pathParameters: { name: `${h.def.access.apiTopicPrefix}nope` },
        body: { partitions_count: 2 },
      });
      expect(unknown.statusCode).toBe(404);
      expect(problemOf(unknown).code).toBe('TOPIC_NOT_FOUND');

      const other = `${h.prefix}not-administered`;
      await createScratchTopic(h.admin, other, 1);
      const forbidden = await h.call('topic-patch', {
        pathParameters: { name: other },
        body: { partitions_count: 2 },
      });
      expect(forbidden.statusCode).toBe(403);
      expect(problemOf(forbidden).code).toBe('FORBIDDEN');

      const reader = await h.call('topic-patch', {
        pathParameters: { name: h.def.dlq.topic },
        body: { configs: { 'retention.ms': '1000' } },
        authorizer: readerJwt,
      });
      expect(reader.statusCode).toBe(403);
      const noBody = await h.call('topic-patch', {
        pathParameters: { name: h.def.dlq.topic },
        rawBody: '',
      });
      expect(noBody.statusCode).toBe(400);
      const notJson = await h.call('topic-patch', {
        pathParameters: { name: h.def.dlq.topic },
        rawBody: '{"configs":',
      });
      expect(notJson.statusCode).toBe(400);
      const config = await h.admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: h.def.dlq.topic }],
      });
      expect(
        config.resources[0]?.configEntries.find((e) => e.configName === 'retention.ms')
          ?.configValue,
      ).not.toBe('1000');
    });
  });

  describe('GET /topics/{name}/messages', () => {
    const topicOf = (label: string): string => `${h.def.access.apiTopicPrefix}${label}`;

    it('pages through a partition from an offset: JSON values as JSON, other bytes as base64, keys and headers, next_offset', async () => {
      const topic = topicOf('browse');
      await createScratchTopic(h.admin, topic, 2);
      const producer = h.kafka.producer();
      await producer.connect();
      try {
        await producer.send({
          topic,
          acks: -1,
          messages: [
            {
              partition: 1,
              key: 'k0',
              value: JSON.stringify({ order: 1, big: { offset: 5 } }),
              headers: { trace: 'abc' },
            },
            {
              partition: 1,
              key: Buffer.from([0xff, 0xfe]),
              value: Buffer.from([0x00, 0xc3, 0x28]),
            },
            { partition: 1, key: null, value: 'plain text' },
            { partition: 1, key: 'k3', value: null },
            { partition: 1, key: 'k4', value: '{"id": 12345678901234567890}' },
          ],
        });
      } finally {
        await producer.disconnect();
      }
      const first = await h.call('topic-messages', {
        pathParameters: { name: topic },
        query: { partition: '1', limit: '2' },
      });
      // The whole answer, so a failure shows the problem's detail.
      expect(first).toMatchObject({ statusCode: 200 });
      const page = pageSchema.parse(bodyOf(first));
      expect(page).toMatchObject({
        topic,
        partition: 1,
        from_offset: '0',
        next_offset: '2',
        low_offset: '0',
        high_offset: '5',
        truncated: 'limit',
      });
      expect(page.records).toEqual([
        expect.objectContaining({
          partition: 1,
          offset: '0',
          key: 'k0',
          key_encoding: 'utf8',
          headers: [{ name: 'trace', value: 'abc', encoding: 'utf8' }],
          // the producer's JSON as it is: no renamed keys, numbers stay numbers
          value: { order: 1, big: { offset: 5 } },
          value_encoding: 'json',
        }),
        expect.objectContaining({
          offset: '1',
          key: Buffer.from([0xff, 0xfe]).toString('base64'),
          key_encoding: 'base64',
          value: Buffer.from([0x00, 0xc3, 0x28]).toString('base64'),
          value_encoding: 'base64',
        }),
      ]);
      expect(Date.parse(page.records[0]?.timestamp ?? '')).toBeGreaterThan(Date.now() - 60_000);

      const next = pageSchema.parse(
        bodyOf(
          await h.call('topic-messages', {
            pathParameters: { name: topic },
            query: { partition: '1', offset: page.next_offset },
          }),
        ),
      );
      expect(next).toMatchObject({ from_offset: '2', next_offset: '5', truncated: null });
      expect(next.records.map((r) => [r.offset, r.key, r.value, r.value_encoding])).toEqual([
        ['2', null, Buffer.from('plain text').toString('base64'), 'base64'],
        ['3', 'k3', null, null],
        // an integer JSON would round is answered exactly, in base64
        ['4', 'k4', Buffer.from('{"id": 12345678901234567890}').toString('base64'), 'base64'],
      ]);

      const empty = pageSchema.parse(
        bodyOf(
          await h.call('topic-messages', {
            pathParameters: { name: topic },
            query: { partition: '0' },
          }),
        ),
      );
      expect(empty).toMatchObject({
        from_offset: '0',
        next_offset: '0',
        records: [],
        truncated: null,
      });
    });

    it('starts at the first record at or after a timestamp, clamps an offset to the retained range', async () => {
      const topic = topicOf('browse-time');
      await createScratchTopic(h.admin, topic, 1);
      const base = Date.parse('2026-11-01T00:00:00Z');
      const producer = h.kafka.producer();
      await producer.connect();
      try {
        await producer.send({
          topic,
          acks: -1,
          messages: [0, 1, 2, 3].map((i) => ({
            partition: 0,
            value: JSON.stringify({ i }),
            timestamp: String(base + i * 60_000),
          })),
        });
      } finally {
        await producer.disconnect();
      }
      const byIso = pageSchema.parse(
        bodyOf(
          await h.call('topic-messages', {
            pathParameters: { name: topic },
            query: { partition: '0', timestamp: '2026-11-01T00:01:30Z' },
          }),
        ),
      );
      expect(byIso.from_offset).toBe('2');
      expect(byIso.records.map((r) => r.value)).toEqual([{ i: 2 }, { i: 3 }]);
      expect(byIso.records[0]?.timestamp).toBe('2026-11-01T00:02:00.000Z');
      const byMs = pageSchema.parse(
        bodyOf(
          await h.call('topic-messages', {
            pathParameters: { name: topic },
            query: { partition: '0', timestamp: String(base + 60_000), limit: '1' },
          }),
        ),
      );
      expect(byMs).toMatchObject({ from_offset: '1', next_offset: '2', truncated: 'limit' });
      const later = pageSchema.parse(
        bodyOf(
          await h.call('topic-messages', {
            pathParameters: { name: topic },
            query: { partition: '0', timestamp: String(Date.now() + 3_600_000) },
          }),
        ),
      );
      expect(later).toMatchObject({ from_offset: '4', next_offset: '4', records: [] });
      const beyond = pageSchema.parse(
        bodyOf(
          await h.call('topic-messages', {
            pathParameters: { name: topic },
            query: { partition: '0', offset: '1000' },
          }),
        ),
      );
      expect(beyond).toMatchObject({ from_offset: '4', records: [] });
    });

    it('stops a page at 1 MiB of records and says so', async () => {
      const topic = topicOf('browse-big');
      await createScratchTopic(h.admin, topic, 1);
      const producer = h.kafka.producer();
      await producer.connect();
      try {
        // One record per request: the broker takes at most 1 MB per batch.
        const big = 'x'.repeat(400 * 1024);
        for (let i = 0; i < 4; i += 1)
          await producer.send({ topic, acks: -1, messages: [{ partition: 0, value: big }] });
      } finally {
        await producer.disconnect();
      }
      const page = pageSchema.parse(
        bodyOf(
          await h.call('topic-messages', {
            pathParameters: { name: topic },
            query: { partition: '0' },
          }),
        ),
      );
      expect(page).toMatchObject({ next_offset: '2', truncated: 'bytes' });
      expect(page.records).toHaveLength(2);
    });

    it('answers 422 for a missing or unknown partition, a bad offset, limit or timestamp, both offset and timestamp, an unknown parameter; 404 and 403 as PATCH', async () => {
      const topic = topicOf('browse-refusals');
      await createScratchTopic(h.admin, topic, 2);
      const queries: [Record<string, string>, string][] = [
        [{}, 'query.partition'],
        [{ partition: '2' }, 'query.partition'],
        [{ partition: '-1' }, 'query.partition'],
        [{ partition: '0', offset: 'abc' }, 'query.offset'],
        [{ partition: '0', limit: '0' }, 'query.limit'],
        [{ partition: '0', limit: '101' }, 'query.limit'],
        [{ partition: '0', timestamp: 'yesterday' }, 'query.timestamp'],
        [{ partition: '0', timestamp: '1969-12-31T23:59:59Z' }, 'query.timestamp'],
        [{ partition: '0', offset: '1', timestamp: '0' }, 'query.timestamp'],
        [{ partition: '0', limt: '5' }, 'query'],
      ];
      for (const [query, path] of queries) {
        const result = await h.call('topic-messages', { pathParameters: { name: topic }, query });
        expect([query, result.statusCode]).toEqual([query, 422]);
        expect(problemOf(result).errors?.map((e) => e.path)).toContain(path);
      }
      const unknown = await h.call('topic-messages', {
        pathParameters: { name: topicOf('nope') },
        query: { partition: '0' },
      });
      expect(unknown.statusCode).toBe(404);
      const other = `${h.prefix}not-browsable`;
      await createScratchTopic(h.admin, other, 1);
      const forbidden = await h.call('topic-messages', {
        pathParameters: { name: other },
        query: { partition: '0' },
      });
      expect(forbidden.statusCode).toBe(403);
      // Reading is a read route: the read scope is enough.
      const reader = await h.call('topic-messages', {
        pathParameters: { name: topic },
        query: { partition: '0' },
        authorizer: readerJwt,
      });
      expect(reader.statusCode).toBe(200);
    });
  });
});

describe('browsing a partition directly (shared/management/messages.ts)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('mgmt-browse');
  });
  afterAll(async () => {
    await h.close();
  });

  it('leaves no consumer group behind', async () => {
    const topic = `${h.def.access.apiTopicPrefix}browse-trace`;
    await createScratchTopic(h.admin, topic, 1);
    await produce(h.kafka, topic, 3, 0);
    const groupId = `${BROWSE_GROUP_PREFIX}${h.prefix}trace`;
    const page = await browseMessages(
      { kafka: h.kafka, admin: h.admin, groupId: () => groupId },
      topic,
      { partition: 0, limit: 2 },
    );
    expect(page.records.map((r) => r.offset)).toEqual(['0', '1']);
    const groups = (await h.admin.listGroups()).groups.map((g) => g.groupId);
    expect(groups).not.toContain(groupId);
  });

  it('answers what it read when the time bound is reached: truncated "time", next_offset where it stopped', async () => {
    const topic = `${h.def.access.apiTopicPrefix}browse-slow`;
    await createScratchTopic(h.admin, topic, 1);
    await produce(h.kafka, topic, 3, 0);
    const page = await browseMessages({ kafka: h.kafka, admin: h.admin, timeoutMs: 1 }, topic, {
      partition: 0,
      offset: 1,
      limit: 20,
    });
    expect(page).toMatchObject({
      fromOffset: '1',
      nextOffset: '1',
      truncated: 'time',
      records: [],
    });
  });
});
