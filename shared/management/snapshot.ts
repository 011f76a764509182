import type { Admin } from 'kafkajs';
import { definitionTopicConfigs } from '../platform';
import type { PlatformDefinition, TopicConfigPolicy } from '../platform';
import { evaluateAlerts, healthScore } from './alerts';
import type { Alert } from './alerts';
import { describeClusterInfo, describeScopedTopics } from './cluster';
import type { ClusterInfo, TopicInfo } from './cluster';
import type { AlertMetric, Thresholds } from './config';
import { describeConsumerGroups } from './consumers';
import type { ConsumerGroupInfo, WatermarkCache } from './consumers';
import { readOrUnavailable } from './counters';
import type { CounterReport, CounterSource } from './counters';
import { dlqDepth } from '../dlq/stats';

/** One way a topic of the definition differs from the broker. */
export interface DefinitionDrift {
  readonly topic: string;
  readonly setting: string;
  readonly expected: string;
  readonly actual: string;
}

/** Everything the monitoring routes report, taken at one moment. */
export interface MonitoringSnapshot {
  readonly takenAt: string;
  readonly cluster: ClusterInfo;
  readonly topics: readonly TopicInfo[];
  readonly groups: readonly ConsumerGroupInfo[];
  readonly counters: CounterReport;
  readonly dlqDepth: number;
  /** Offsets the DLQ archive retains (shared/dlq/gauges.ts), when the topic exists. */
  readonly dlqArchiveDepth?: number;
  readonly missingTopics: readonly string[];
  readonly drift: readonly DefinitionDrift[];
  readonly alerts: readonly Alert[];
  readonly healthScore: number;
}

/** What {@link takeSnapshot} reads from. */
export interface SnapshotDependencies {
  readonly admin: Admin;
  readonly platform: PlatformDefinition;
  /** Scope: topics and groups whose name starts with it. */
  readonly prefix: string;
  readonly counters: CounterSource;
  readonly thresholds: Readonly<Record<AlertMetric, Thresholds>>;
  /** The configs the topics should hold. @default the definition's ({@link definitionTopicConfigs}) */
  readonly topicConfigs?: TopicConfigPolicy;
  readonly now?: () => number;
}

/**
 * How the broker's topics differ from the definition: missing topics, and
 * partitions or configs (as `policy` expects them on `brokerCount` brokers)
 * that differ.
 *
 * @example
 * ```ts
 * const { missing, drift } = definitionDrift(platform, topics, 3);
 * ```
 */
export const definitionDrift = (
  def: PlatformDefinition,
  topics: readonly TopicInfo[],
  brokerCount: number,
  policy: TopicConfigPolicy = definitionTopicConfigs,
): { missing: string[]; drift: DefinitionDrift[] } => {
  const byName = new Map(topics.map((t) => [t.name, t]));
  const missing: string[] = [];
  const drift: DefinitionDrift[] = [];
  for (const t of def.topics) {
    const actual = byName.get(t.name);
    if (!actual) {
      missing.push(t.name);
      continue;
    }
    if (actual.partitions.length !== t.partitions)
      drift.push({
        topic: t.name,
        setting: 'partitions',
        expected: String(t.partitions),
        actual: String(actual.partitions.length),
      });
    for (const [setting, expected] of Object.entries(policy(t, brokerCount))) {
      const value = actual.configs[setting] ?? '(unset)';
      if (value !== expected) drift.push({ topic: t.name, setting, expected, actual: value });
    }
  }
  return { missing, drift };
};

/**
 * Takes a live snapshot: brokers, the scope's topics with watermarks and
 * configs, consumer groups with lag, DLQ depth, the counters, the alerts
 * they raise and the health score.
 *
 * @example
 * ```ts
 * const snapshot = await takeSnapshot({ admin, platform, prefix: '', counters, thresholds });
 * snapshot.alerts.length;
 * ```
 */
export const takeSnapshot = async (deps: SnapshotDependencies): Promise<MonitoringSnapshot> => {
  const now = deps.now ?? Date.now;
  const cache: WatermarkCache = new Map();
  const [cluster, topics, counters] = await Promise.all([
    describeClusterInfo(deps.admin),
    describeScopedTopics(deps.admin, deps.prefix),
    readOrUnavailable(deps.counters),
  ]);
  const present = new Set(topics.map((t) => t.name));
  const [groups, depth] = await Promise.all([
    describeConsumerGroups(deps.admin, deps.prefix, cache),
    present.has(deps.platform.dlq.topic) ? dlqDepth(deps.admin, deps.platform.dlq) : 0,
  ]);
  const { missing, drift } = definitionDrift(
    deps.platform,
    topics,
    cluster.brokers.length,
    deps.topicConfigs,
  );
  const alerts = evaluateAlerts({ groups, counters, dlqDepth: depth, thresholds: deps.thresholds });
  return {
    takenAt: new Date(now()).toISOString(),
    cluster,
    topics,
    groups,
    counters,
    dlqDepth: depth,
    dlqArchiveDepth: topics.find((t) => t.name === deps.platform.dlq.archiveTopic)?.messages,
    missingTopics: missing,
    drift,
    alerts,
    healthScore: healthScore({
      brokerUp: true,
      alerts,
      topicProblems: missing.length + new Set(drift.map((d) => d.topic)).size,
    }),
  };
};

/** Overall status of the platform. */
export const OverallStatus = { Ok: 'ok', Degraded: 'degraded', Down: 'down' } as const;
export type OverallStatus = (typeof OverallStatus)[keyof typeof OverallStatus];

/**
 * ok, or degraded when a topic of the definition is missing or drifted, a
 * partition is offline or under-replicated, the cluster has no controller,
 * or a warning/critical alert is active. (down is for an unreachable broker.)
 *
 * @example
 * ```ts
 * overallStatus(snapshot); // 'ok'
 * ```
 */
export const overallStatus = (snapshot: MonitoringSnapshot): OverallStatus => {
  const degraded =
    snapshot.missingTopics.length > 0 ||
    snapshot.drift.length > 0 ||
    snapshot.cluster.controller === null ||
    snapshot.topics.some((t) => t.offlinePartitions > 0 || t.underReplicatedPartitions > 0) ||
    snapshot.alerts.some((a) => a.severity !== 'info');
  return degraded ? OverallStatus.Degraded : OverallStatus.Ok;
};
