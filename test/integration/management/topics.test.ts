import { Logger } from '@aws-lambda-powertools/logger';
import { ConfigResourceTypes } from 'kafkajs';
import { createManagementHandler } from '../../../shared/management/app';
import { esmGroupId, Topic } from '../../../shared/platform';
import { bodyOf, lambdaContext, managementEvent } from './events';
import { createScratchTopic, startHarness } from './harness';
import { authorizers } from '../../support/authorizers';
import { invokeDocumented } from '../../support/openapi-contract';
import type { Harness } from './harness';

interface TopicBody {
  name: string;
  partitions: { partition: number; high_offset: string }[];
  configs: Record<string, string>;
  messages: number;
  defined: boolean;
  protected: boolean;
}

describe('management API: topics on the real broker', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('mgmt-topics');
  });
  afterAll(async () => {
    await h.close();
  });

  it('creates a topic with its configs, and GET /topics lists it as the broker describes it', async () => {
    const name = `${h.def.access.apiTopicPrefix}orders`;
    const created = await h.call('topics-create', {
      body: {
        name,
        partitions: 4,
        replication_factor: 1,
        configs: { 'retention.ms': 3_600_000, 'cleanup.policy': 'delete' },
      },
    });
    expect(created.statusCode).toBe(201);
    expect(created.headers?.location).toBe(`/api/v1/kafka/topics/${name}`);

    const metadata = await h.admin.fetchTopicMetadata({ topics: [name] });
    expect(metadata.topics[0]?.partitions).toHaveLength(4);
    const described = await h.admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name }],
    });
    const retention = described.resources[0]?.configEntries.find(
      (e) => e.configName === 'retention.ms',
    );
    expect(retention?.configValue).toBe('3600000');

    const listed = await h.call('topics-list');
    expect(listed.statusCode).toBe(200);
    const topics = bodyOf<{ topics: TopicBody[] }>(listed).topics;
    const orders = topics.find((t) => t.name === name);
    expect(orders?.partitions.map((p) => p.partition)).toEqual([0, 1, 2, 3]);
    expect(orders?.configs['retention.ms']).toBe('3600000');
    expect(orders?.configs['cleanup.policy']).toBe('delete');
    expect(orders).toMatchObject({ defined: false, protected: false, messages: 0 });
    const dlq = topics.find((t) => t.name === h.def.dlq.topic);
    expect(dlq).toMatchObject({ defined: true, protected: true });
    expect(topics.every((t) => t.name.startsWith(h.prefix))).toBe(true);
  });

  it('is safe to retry: the same settings answer 200 with the topic, other settings or a collision through "." and "_" 409', async () => {
    const name = `${h.def.access.apiTopicPrefix}dup.topic`;
    const body = {
      name,
      partitions: 2,
      replication_factor: 1,
      configs: { 'retention.ms': 60_000 },
    };
    expect((await h.call('topics-create', { body })).statusCode).toBe(201);
    const again = await h.call('topics-create', { body });
    expect(again.statusCode).toBe(200);
    expect(again.headers?.location).toBe(`/api/v1/kafka/topics/${name}`);
    expect(bodyOf<TopicBody>(again)).toMatchObject({ name, configs: { 'retention.ms': '60000' } });
    expect(bodyOf<TopicBody>(again).partitions).toHaveLength(2);
    const other = await h.call('topics-create', { body: { ...body, partitions: 3 } });
    expect(other.statusCode).toBe(409);
    expect(other.headers?.['content-type']).toBe('application/problem+json');
    expect(bodyOf<{ detail: string }>(other).detail).toContain('other settings');
    const colliding = await h.call('topics-create', {
      body: { name: `${h.def.access.apiTopicPrefix}dup_topic`, replication_factor: 1 },
    });
    expect(colliding.statusCode).toBe(409);
    expect(bodyOf<{ detail: string }>(colliding).detail).toContain('collides');
  });

  it('validates without creating in validate-only mode', async () => {
    const name = `${h.def.access.apiTopicPrefix}validated-only`;
    const result = await h.call('topics-create', {
      body: { name, partitions: 2, replication_factor: 1, validate_only: true },
    });
    expect(result.statusCode).toBe(200);
    expect(bodyOf(result)).toMatchObject({ validate_only: true, valid: true, name, partitions: 2 });
    expect(await h.admin.listTopics()).not.toContain(name);
  });

  it('turns the caller’s mistakes into 4xx problems, never a 5xx', async () => {
    const tooManyReplicas = await h.call('topics-create', {
      body: { name: `${h.def.access.apiTopicPrefix}rf`, replication_factor: 3 },
    });
    expect(tooManyReplicas.statusCode).toBe(422);
    expect(bodyOf(tooManyReplicas)).toMatchObject({
      code: 'TOPIC_REJECTED',
      errors: [{ path: 'replication_factor' }],
    });

    const badConfig = await h.call('topics-create', {
      body: {
        name: `${h.def.access.apiTopicPrefix}cfg`,
        replication_factor: 1,
        configs: { 'cleanup.policy': 'shred' },
      },
    });
    expect(badConfig.statusCode).toBe(422);
    expect(bodyOf(badConfig)).toMatchObject({
      errors: [{ path: 'configs.cleanup.policy', message: expect.stringContaining('delete') }],
    });
    // The allow-list of PATCH /topics/{name} (topic-config-rules.ts): a name outside it, a bad value.
    const configs = await h.call('topics-create', {
      body: {
        name: `${h.def.access.apiTopicPrefix}cfg`,
        replication_factor: 1,
        configs: { 'retention.msec': 1, 'retention.ms': -2, 'min.insync.replicas': 1 },
      },
    });
    expect(configs.statusCode).toBe(422);
    expect(
      bodyOf<{ errors: { path: string }[] }>(configs)
        .errors.map((e) => e.path)
        .sort(),
    ).toEqual(['configs.retention.ms', 'configs.retention.msec']);
    expect(await h.admin.listTopics()).not.toContain(`${h.def.access.apiTopicPrefix}cfg`);

    const badName = await h.call('topics-create', { body: { name: `${h.prefix}bad name!` } });
    expect(badName.statusCode).toBe(422);
    expect(bodyOf<{ errors: { path: string }[] }>(badName).errors[0]?.path).toBe('name');

    const outsideScope = await h.call('topics-create', { body: { name: 'not-my-prefix' } });
    expect(outsideScope.statusCode).toBe(422);

    // In the namespace, but not under access.apiTopicPrefix: MSK IAM would refuse it in AWS.
    const outsideApiPrefix = await h.call('topics-create', {
      body: { name: `${h.prefix}orders`, replication_factor: 1 },
    });
    expect(outsideApiPrefix.statusCode).toBe(422);
    expect(outsideApiPrefix.headers?.['content-type']).toBe('application/problem+json');
    expect(bodyOf(outsideApiPrefix)).toMatchObject({
      errors: [
        { path: 'name', message: expect.stringContaining(`"${h.def.access.apiTopicPrefix}"`) },
      ],
    });
    expect(await h.admin.listTopics()).not.toContain(`${h.prefix}orders`);

    const notJson = await h.call('topics-create', { rawBody: '{"name":' });
    expect(notJson.statusCode).toBe(400);

    const unknownField = await h.call('topics-create', {
      body: { name: `${h.prefix}x`, partitons: 3 },
    });
    expect(unknownField.statusCode).toBe(422);
  });

  it('keeps a partition budget: per request (422, before Kafka) and for the cluster (409)', async () => {
    const perRequest = await h.call('topics-create', {
      body: { name: `${h.def.access.apiTopicPrefix}huge`, partitions: 1001, replication_factor: 1 },
    });
    expect(perRequest.statusCode).toBe(422);
    expect(bodyOf<{ errors: { path: string }[] }>(perRequest).errors[0]?.path).toBe('partitions');

    const { topics } = await h.admin.fetchTopicMetadata();
    const held = topics.reduce((n, t) => n + t.partitions.length, 0);
    const tight = createManagementHandler({
      env: {
        ...process.env,
        // room for 5 more: other tests on this broker may create a few meanwhile
        XSEVEN_MAX_CLUSTER_PARTITIONS: String(held + 5),
      },
      platform: h.def,
      prefix: h.prefix,
      kafka: h.kafka,
      logger: new Logger({ serviceName: 'management-test', logLevel: 'SILENT' }),
    });
    try {
      const name = `${h.def.access.apiTopicPrefix}over-budget`;
      const refused = await invokeDocumented(
        tight.handler,
        managementEvent('topics-create', {
          body: { name, partitions: 50, replication_factor: 1 },
          authorizer: authorizers.operatorJwt,
        }),
        lambdaContext(),
      );
      expect(refused.statusCode).toBe(409);
      expect(bodyOf(refused)).toMatchObject({ code: 'PARTITION_BUDGET_EXCEEDED' });
      expect(await h.admin.listTopics()).not.toContain(name);
    } finally {
      await tight.close();
    }
  });

  it('refuses to delete a protected topic of the definition without force, deletes it with force', async () => {
    const protectedTopic = `${h.prefix}${Topic.WorkflowEvents}`;
    const refused = await h.call('topics-delete', { pathParameters: { name: protectedTopic } });
    expect(refused.statusCode).toBe(409);
    expect(bodyOf<{ code: string }>(refused).code).toBe('TOPIC_PROTECTED');
    expect(await h.admin.listTopics()).toContain(protectedTopic);

    const forced = await h.call('topics-delete', {
      pathParameters: { name: protectedTopic },
      query: { force: 'true' },
    });
    expect(forced.statusCode).toBe(200);
    expect(bodyOf(forced)).toEqual({ deleted: protectedTopic, forced: true });
    expect(await h.admin.listTopics()).not.toContain(protectedTopic);

    const status = bodyOf<{ status: string; topics: { missing: string[] } }>(
      await h.call('status'),
    );
    expect(status.status).toBe('degraded');
    expect(status.topics.missing).toEqual([protectedTopic]);

    // A topic of the definition stays manageable outside access.apiTopicPrefix: it can be re-created.
    const recreated = await h.call('topics-create', {
      body: {
        name: protectedTopic,
        partitions: h.def.topics.find((t) => t.name === protectedTopic)?.partitions,
        replication_factor: 1,
      },
    });
    expect(recreated.statusCode).toBe(201);
  });

  it('deletes an unprotected topic; 404 for an unknown one, 403 for one neither of the definition nor under access.apiTopicPrefix', async () => {
    const name = `${h.def.access.apiTopicPrefix}scratch`;
    expect(
      (await h.call('topics-create', { body: { name, replication_factor: 1 } })).statusCode,
    ).toBe(201);
    const deleted = await h.call('topics-delete', { pathParameters: { name } });
    expect(deleted.statusCode).toBe(200);
    expect(await h.admin.listTopics()).not.toContain(name);

    const unknown = await h.call('topics-delete', {
      pathParameters: { name: `${h.def.access.apiTopicPrefix}nope` },
    });
    expect(unknown.statusCode).toBe(404);
    // The rule of PATCH: the management role may not delete it in AWS, so not locally either.
    const other = `${h.prefix}not-administered`;
    await createScratchTopic(h.admin, other, 1);
    const forbidden = await h.call('topics-delete', {
      pathParameters: { name: other },
      query: { force: 'true' },
    });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.headers?.['content-type']).toBe('application/problem+json');
    expect(bodyOf(forbidden)).toMatchObject({
      code: 'FORBIDDEN',
      detail: expect.stringContaining(`"${h.def.access.apiTopicPrefix}"`),
    });
    expect(await h.admin.listTopics()).toContain(other);
    const outside = await h.call('topics-delete', {
      pathParameters: { name: '__consumer_offsets' },
    });
    expect(outside.statusCode).toBe(404);
    const badFlag = await h.call('topics-delete', {
      pathParameters: { name: h.def.dlq.topic },
      query: { force: 'maybe' },
    });
    expect(badFlag.statusCode).toBe(422);
  });
});

describe('management API: health and status on the real broker', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('mgmt-status');
  });
  afterAll(async () => {
    await h.close();
  });

  it('GET /health answers 200 {status: ok} without asking Kafka', async () => {
    const result = await h.call('health');
    expect(result.statusCode).toBe(200);
    expect(bodyOf(result)).toEqual({ status: 'ok' });
  });

  it('GET /health?deep=true answers 200 ready with every topic of the definition on the healthy broker', async () => {
    const result = await h.call('health', { query: { deep: 'true' } });
    expect(result.statusCode).toBe(200);
    const partitions = (
      await h.admin.fetchTopicMetadata({ topics: h.def.topics.map((t) => t.name) })
    ).topics.reduce((n, t) => n + t.partitions.length, 0);
    expect(bodyOf(result)).toEqual({
      status: 'ok',
      ready: true,
      topics: h.def.topics.length,
      partitions,
      not_writable: [],
    });
  });

  it('GET /status reports brokers, controller, the definition’s topics and consumers, and ok', async () => {
    const result = await h.call('status');
    expect(result.statusCode).toBe(200);
    const body = bodyOf<{
      status: string;
      cluster: { brokers: unknown[]; controller: number | null };
      topics: { expected: number; present: number; missing: string[]; drift: unknown[] };
      consumers: { consumer_group_id: string; state: string }[];
      dlq: { topic: string; depth: number };
      alerts: unknown[];
      health_score: number;
    }>(result);
    const cluster = await h.admin.describeCluster();
    expect(body.cluster.brokers).toHaveLength(cluster.brokers.length);
    expect(body.cluster.controller).toBe(cluster.controller);
    expect(body.topics).toMatchObject({
      expected: h.def.topics.length,
      present: h.def.topics.length,
      missing: [],
      drift: [],
    });
    // One group per event source mapping, as AWS and the local ESM name them.
    expect(body.consumers.map((c) => c.consumer_group_id)).toEqual(
      h.def.consumers.flatMap((c) => c.topics.map((t) => esmGroupId(c, t))),
    );
    expect(body.consumers.every((c) => c.state === 'NotStarted')).toBe(true);
    expect(body.dlq).toEqual({ topic: h.def.dlq.topic, depth: 0 });
    expect(body.alerts).toEqual([]);
    expect(body.status).toBe('ok');
    expect(body.health_score).toBe(1);
  });

  it('GET /health?deep=true answers 503 problem+json and GET /status 503 "down" when no broker answers within the bound; GET /health stays 200', async () => {
    const unreachable = createManagementHandler({
      env: {
        ...process.env,
        KAFKA_BOOTSTRAP_SERVERS: '127.0.0.1:1',
        KAFKA_CONNECTION_TIMEOUT_MS: '200',
        XSEVEN_HEALTH_TIMEOUT_MS: '800',
      },
      platform: h.def,
      prefix: h.prefix,
      logger: new Logger({ serviceName: 'management-test', logLevel: 'SILENT' }),
    });
    try {
      const auth = { authorizer: authorizers.operatorIam };
      const live = await invokeDocumented(
        unreachable.handler,
        managementEvent('health', auth),
        lambdaContext(),
      );
      expect(live.statusCode).toBe(200);
      const health = await invokeDocumented(
        unreachable.handler,
        managementEvent('health', { ...auth, query: { deep: 'true' } }),
        lambdaContext(),
      );
      expect(health.statusCode).toBe(503);
      expect(health.headers?.['content-type']).toBe('application/problem+json');
      expect(bodyOf(health)).toMatchObject({ status: 503, code: 'NOT_READY' });
      expect(health.headers?.['retry-after']).toBe('5');
      const status = await invokeDocumented(
        unreachable.handler,
        managementEvent('status', auth),
        lambdaContext(),
      );
      expect(status.statusCode).toBe(503);
      expect(status.headers?.['content-type']).toBe('application/problem+json');
      expect(bodyOf(status)).toMatchObject({ status: 503, code: 'BROKER_UNREACHABLE' });
      expect(status.headers?.['retry-after']).toBe('5');
    } finally {
      await unreachable.close();
    }
  });
});
