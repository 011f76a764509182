import { ServiceUnavailableError, UnprocessableEntityError } from '../http/errors';
import { jsonResponse } from '../http/problem';
import { MetricName } from '../platform/metrics';
import type { HttpRouteKey } from '../platform';
import { esmGroupId } from '../platform/queries';
import { describeClusterInfo, describeScopedTopics, inScope, withTimeout } from './cluster';
import { Severity } from './config';
import { describeConsumerGroups } from './consumers';
import type { ManagementContext, RouteHandler } from './context';
import { managementContracts } from './contracts';
import { serveRoutes } from '../http/serve-route';
import type { ServedRoute } from '../http/serve-route';
import { schemaDocumentRoute, schemaListRoute } from './schema-routes';
import { totalOf } from './counters';
import type { CounterReport } from './counters';
import { dlqRetryRoute, dlqStatsRoute } from './dlq-routes';
import { NotReadyError, UnknownTopicError } from './errors';
import { resetGroupOffsets } from './offset-reset';
import {
  cacheFor,
  NotWritableReason,
  READINESS_CACHE_MS,
  readinessInputs,
  readinessOf,
} from './readiness';
import type { Readiness } from './readiness';
import { overallStatus, takeSnapshot } from './snapshot';
import type { MonitoringSnapshot } from './snapshot';
import { topicDetailRoute, topicMessagesRoute, topicPatchRoute } from './topic-routes';
import { notAdministered, requireAdministered, scopedTopic } from './topic-access';
import { createTopic, deleteTopic } from './topics';

const snapshotOf = async (context: ManagementContext): Promise<MonitoringSnapshot> =>
  takeSnapshot({
    admin: await context.admin(),
    platform: context.platform,
    prefix: context.prefix,
    counters: await context.counters(),
    thresholds: context.config.thresholds,
    topicConfigs: context.topicConfigs(),
    now: context.now,
  });

// One readiness cache per management context (per container in AWS).
const readinessCaches = new WeakMap<
  ManagementContext,
  (load: () => Promise<Readiness>) => Promise<Readiness>
>();

const readiness = (context: ManagementContext): Promise<Readiness> => {
  let cached = readinessCaches.get(context);
  if (cached === undefined) {
    cached = cacheFor<Readiness>(READINESS_CACHE_MS, context.now);
    readinessCaches.set(context, cached);
  }
  return cached(() =>
    withTimeout(
      context
        .admin()
        .then((admin) =>
          readinessInputs(
            admin,
            context.platform.topics,
            context.topicConfigs(),
            // half the bound: metadata and configs take their share of it first
            Math.max(1, Math.floor(context.config.healthTimeoutMs / 2)),
          ),
        )
        .then(([expected, metadata, unreachable]) => readinessOf(expected, metadata, unreachable)),
      context.config.healthTimeoutMs,
      'the broker',
    ),
  );
};

/**
 * Liveness (`GET /health`): the function answers, no Kafka round trip.
 * Readiness (`?deep=true`): writes to every topic of the definition can
 * succeed (docs/management-api.md), else 503 naming what cannot take them.
 */
const health: RouteHandler<'GET /health'> = async ({ query: { deep } }, context) => {
  if (!deep) return jsonResponse(200, { status: 'ok' });
  let answer: Readiness;
  try {
    answer = await readiness(context);
  } catch (error) {
    context.logger.warn('readiness: the broker did not answer', { error });
    throw new NotReadyError(
      `the broker did not answer metadata within ${context.config.healthTimeoutMs} ms`,
    );
  }
  if (!answer.ready) {
    context.logger.warn('readiness: some partitions cannot take writes', {
      notWritable: answer.notWritable,
    });
    throw new NotReadyError(
      `${answer.notWritable.length} partition(s) of the definition's topics cannot take writes`,
      answer.notWritable.map((p) => ({
        path: p.partition === null ? p.topic : `${p.topic}/${p.partition}`,
        message:
          p.reason === NotWritableReason.IsrBelowMin
            ? `${p.reason}: ${p.isr} in sync, min.insync.replicas ${p.minInSyncReplicas}`
            : p.reason === NotWritableReason.IsrUnreachable
              ? `${p.reason}: ${p.isr} in-sync replica(s) reachable, min.insync.replicas ${p.minInSyncReplicas}`
              : p.reason,
      })),
    );
  }
  return jsonResponse(200, { status: 'ok', ...answer });
};

const status: RouteHandler<'GET /status'> = async (_input, context) => {
  let snapshot: MonitoringSnapshot;
  try {
    // Down is decided within the health bound; the full snapshot may then take longer.
    await withTimeout(
      context.admin().then((admin) => describeClusterInfo(admin)),
      context.config.healthTimeoutMs,
      'the broker',
    );
    snapshot = await withTimeout(snapshotOf(context), 25_000, 'the cluster status');
  } catch (error) {
    context.logger.warn('status: the cluster is unreachable', { error });
    // problem+json as every error answer; "down" is what the 200's `status` would have said.
    throw new ServiceUnavailableError('the broker is unreachable: the cluster status is down', 5, {
      code: 'BROKER_UNREACHABLE',
      cause: error,
    });
  }
  const groups = new Map(snapshot.groups.map((g) => [g.groupId, g]));
  return jsonResponse(200, {
    status: overallStatus(snapshot),
    takenAt: snapshot.takenAt,
    healthScore: snapshot.healthScore,
    cluster: snapshot.cluster,
    topics: {
      expected: context.platform.topics.length,
      present: snapshot.topics.length,
      missing: snapshot.missingTopics,
      drift: snapshot.drift,
      offlinePartitions: snapshot.topics.reduce((n, t) => n + t.offlinePartitions, 0),
      underReplicatedPartitions: snapshot.topics.reduce(
        (n, t) => n + t.underReplicatedPartitions,
        0,
      ),
    },
    consumers: context.platform.consumers.flatMap((c) =>
      c.topics.map((topic) => {
        const groupId = esmGroupId(c, topic);
        const g = groups.get(groupId);
        return {
          consumer: c.name,
          topic,
          groupId,
          state: g?.state ?? 'NotStarted',
          members: g?.members.length ?? 0,
          totalLag: g?.lagSummary.totalLag ?? null,
        };
      }),
    ),
    consumerGroups: snapshot.groups.map((g) => ({
      groupId: g.groupId,
      state: g.state,
      members: g.members.length,
      totalLag: g.lagSummary.totalLag,
    })),
    dlq: { topic: context.platform.dlq.topic, depth: snapshot.dlqDepth },
    counters: {
      origin: snapshot.counters.origin,
      window: snapshot.counters.window,
      ...(snapshot.counters.unavailable === undefined
        ? {}
        : { unavailable: snapshot.counters.unavailable }),
    },
    alerts: snapshot.alerts,
  });
};

const timing = (report: CounterReport, name: MetricName): Record<string, number> => {
  const t = totalOf(report, name);
  return { count: t.count, sum: t.sum, avg: t.count > 0 ? t.sum / t.count : 0, max: t.max };
};

const metrics: RouteHandler<'GET /metrics'> = async (_input, context) => {
  const s = await snapshotOf(context);
  const c = s.counters;
  return jsonResponse(200, {
    takenAt: s.takenAt,
    sources: {
      counters: {
        origin: c.origin,
        window: c.window,
        ...(c.unavailable === undefined ? {} : { unavailable: c.unavailable }),
      },
      lagOffsetsAndSizes: 'live from the broker',
    },
    producer: {
      messagesSent: totalOf(c, MetricName.ProducerMessagesSent).sum,
      messagesFailed: totalOf(c, MetricName.ProducerMessagesFailed).sum,
      sendDurationSeconds: timing(c, MetricName.ProducerSendDurationSeconds),
      batchSize: timing(c, MetricName.ProducerBatchSize),
    },
    consumer: {
      messagesConsumed: totalOf(c, MetricName.ConsumerMessagesConsumed).sum,
      messagesProcessed: totalOf(c, MetricName.ConsumerMessagesProcessed).sum,
      processingDurationSeconds: timing(c, MetricName.ConsumerProcessingDurationSeconds),
    },
    dlq: {
      depth: s.dlqDepth,
      messagesSent: totalOf(c, MetricName.DlqMessagesSent).sum,
      messagesRetried: totalOf(c, MetricName.DlqMessagesRetried).sum,
      messagesArchived: totalOf(c, MetricName.DlqMessagesArchived).sum,
      messagesRefailed: totalOf(c, MetricName.DlqMessagesRefailed).sum,
    },
    series: c.series,
    lag: s.groups.flatMap((g) =>
      g.partitions.map((p) => ({
        consumergroup: g.groupId,
        topic: p.topic,
        partition: p.partition,
        currentOffset: p.currentOffset,
        logEndOffset: p.logEndOffset,
        lag: p.lag,
      })),
    ),
    topics: s.topics.map((t) => ({
      topic: t.name,
      partitions: t.partitions.length,
      messages: t.messages,
      offsets: t.partitions.map((p) => ({
        partition: p.partition,
        low: p.lowOffset,
        high: p.highOffset,
      })),
    })),
  });
};

const listTopics: RouteHandler<'GET /topics'> = async (_input, context) => {
  const admin = await context.admin();
  const topics = await describeScopedTopics(admin, context.prefix);
  const defined = new Map(context.platform.topics.map((t) => [t.name, t]));
  return jsonResponse(200, {
    topics: topics.map((t) => ({
      ...t,
      defined: defined.has(t.name),
      protected: defined.get(t.name)?.protected ?? false,
    })),
  });
};

const postTopic: RouteHandler<'POST /topics'> = async ({ body }, context) => {
  if (!inScope(body.name, context.prefix))
    throw new UnprocessableEntityError([
      { path: 'name', message: `must start with this environment's prefix "${context.prefix}"` },
    ]);
  // The rule of PATCH and DELETE (topic-access.ts); here the body names the topic: 422 on `name`.
  const notAllowed = notAdministered(context.platform, body.name);
  if (notAllowed !== undefined)
    throw new UnprocessableEntityError([{ path: 'name', message: notAllowed }]);
  const outcome = await createTopic(await context.admin(), body, context.config.partitionBudget);
  const location = { location: `${context.platform.apiBasePath}/topics/${body.name}` };
  switch (outcome.kind) {
    case 'validated':
      return jsonResponse(200, outcome.validation);
    case 'existing':
      return jsonResponse(200, outcome.topic, location);
    case 'pending':
      context.logger.info('topic created, not yet served by every broker', { topic: body.name });
      return jsonResponse(202, { name: outcome.name, status: 'creating' }, location);
    case 'created':
      context.logger.info('topic created', {
        topic: outcome.topic.name,
        partitions: outcome.topic.partitions.length,
      });
      return jsonResponse(201, outcome.topic, location);
  }
};

const removeTopic: RouteHandler<'DELETE /topics/{name}'> = async ({ path, query }, context) => {
  const name = scopedTopic(path.name, context.prefix);
  requireAdministered(context.platform, name);
  const { force } = query;
  const result = await deleteTopic(
    await context.admin(),
    context.platform,
    context.prefix,
    name,
    force,
  );
  context.logger.info('topic deleted', { ...result });
  return jsonResponse(200, result);
};

const consumers: RouteHandler<'GET /consumers'> = async (_input, context) => {
  const groups = await describeConsumerGroups(await context.admin(), context.prefix);
  return jsonResponse(200, { groups });
};

const resetOffset: RouteHandler<'POST /consumers/{topic}/reset-offset'> = async (
  { path: { topic }, body },
  context,
) => {
  if (!inScope(topic, context.prefix)) throw new UnknownTopicError(topic);
  const result = await resetGroupOffsets(
    {
      kafka: context.kafka(),
      admin: await context.admin(),
      gate: await context.esmGate(),
      groupEmptyTimeoutMs: context.config.groupEmptyTimeoutMs,
      now: context.now,
      sleep: context.sleep,
    },
    topic,
    body,
  );
  if (!result.dryRun)
    context.logger.info('offsets reset', {
      group: result.group,
      topic: result.topic,
      to: result.to,
      eventSourceMappingPaused: result.eventSourceMappingPaused,
    });
  return jsonResponse(200, result);
};

const alerts: RouteHandler<'GET /alerts'> = async (_input, context) => {
  const s = await snapshotOf(context);
  const c = s.counters;
  return jsonResponse(200, {
    takenAt: s.takenAt,
    alerts: s.alerts,
    // The rates were taken over the alert window (ALERT_WINDOW_MINUTES), not /metrics' window.
    counters: {
      origin: c.origin,
      window: c.alertWindow?.window ?? c.window,
      ...(c.unavailable === undefined ? {} : { unavailable: c.unavailable }),
    },
    counts: Object.fromEntries(
      Object.values(Severity).map((sev) => [
        sev,
        s.alerts.filter((a) => a.severity === sev).length,
      ]),
    ),
    thresholds: context.config.thresholds,
  });
};

// prom-client (~11 ms of a cold start) loads on the first scrape, not at init:
// esbuild keeps a dynamically imported module's init lazy in the bundle.
const prometheus: RouteHandler<'GET /prometheus-metrics'> = async (_input, context) => {
  const { PROMETHEUS_CONTENT_TYPE, renderPrometheus } = await import('./prometheus');
  return {
    statusCode: 200,
    headers: { 'content-type': PROMETHEUS_CONTENT_TYPE },
    body: await renderPrometheus(await snapshotOf(context)),
  };
};

/**
 * The management routes, keyed by method and path relative to the API base
 * path (`DELETE /topics/{name}`), each served from its contract
 * (contracts.ts). Adding a route is its definition route
 * (shared/platform/definition.ts, function 'management'), its contract and
 * its handler here: the compiler refuses any of the three missing.
 */
export const managementRoutes: {
  readonly [K in HttpRouteKey<'management'>]: ServedRoute<ManagementContext>;
} = serveRoutes<ReturnType<typeof managementContracts>, ManagementContext>(managementContracts, {
  'GET /health': health,
  'GET /status': status,
  'GET /metrics': metrics,
  'GET /topics': listTopics,
  'POST /topics': postTopic,
  'GET /topics/{name}': topicDetailRoute,
  'PATCH /topics/{name}': topicPatchRoute,
  'GET /topics/{name}/messages': topicMessagesRoute,
  'DELETE /topics/{name}': removeTopic,
  'GET /consumers': consumers,
  'POST /consumers/{topic}/reset-offset': resetOffset,
  'GET /alerts': alerts,
  'GET /prometheus-metrics': prometheus,
  'GET /dead-letter-queue/stats': dlqStatsRoute,
  'POST /dead-letter-queue/retry': dlqRetryRoute,
  'GET /schemas': schemaListRoute,
  'GET /schemas/{event_type}/versions/{n}': schemaDocumentRoute,
});
