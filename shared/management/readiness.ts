/**
 * The readiness decision of `GET /health?deep=true`: whether a write with
 * `acks=all` to every topic of the definition can succeed now. A partition
 * takes such a write only when it has a leader and at least the topic's
 * `min.insync.replicas` replicas in sync (else the broker answers
 * NOT_ENOUGH_REPLICAS), and when that leader and that many of the in-sync
 * replicas accept a connection (the metadata alone goes stale when the
 * controller quorum is lost); a topic the broker does not know takes none.
 * Pure: the route feeds it the cluster's metadata and the definition's min ISR.
 */
import type { Admin } from 'kafkajs';
import { unreachableBrokers } from '../kafka/broker-probe';
import type { TopicConfigPolicy, TopicDefinition } from '../platform';
import { topicConfigsOf } from './cluster';

/** A topic the definition expects, with the min ISR it is created with. */
export interface ExpectedTopic {
  readonly name: string;
  readonly minInSyncReplicas: number;
}

/** A partition as the metadata describes it (`leader` < 0: no leader). */
export interface PartitionMetadata {
  readonly partition: number;
  readonly leader: number;
  readonly isr: readonly number[];
}

/** Why a partition (or a whole topic, `partition` null) takes no write. */
export const NotWritableReason = {
  MissingTopic: 'missing_topic',
  NoLeader: 'no_leader',
  IsrBelowMin: 'isr_below_min',
  /** The metadata names a leader, but that broker does not accept a connection. */
  LeaderUnreachable: 'leader_unreachable',
  /** Enough replicas are listed in sync, but fewer than the min ISR accept a connection. */
  IsrUnreachable: 'isr_unreachable',
} as const;
export type NotWritableReason = (typeof NotWritableReason)[keyof typeof NotWritableReason];

export interface NotWritable {
  readonly topic: string;
  readonly partition: number | null;
  readonly reason: NotWritableReason;
  readonly isr: number | null;
  readonly minInSyncReplicas: number;
}

/** The decision (camelCase; the wire module renders it snake_case). */
export interface Readiness {
  readonly ready: boolean;
  readonly topics: number;
  readonly partitions: number;
  readonly notWritable: readonly NotWritable[];
}

/**
 * Decides readiness from the metadata of the definition's topics.
 *
 * @example
 * ```ts
 * readinessOf([{ name: 'orders', minInSyncReplicas: 2 }],
 *   new Map([['orders', [{ partition: 0, leader: 1, isr: [1] }]]]));
 * // { ready: false, topics: 1, partitions: 1,
 * //   notWritable: [{ topic: 'orders', partition: 0, reason: 'isr_below_min', isr: 1, minInSyncReplicas: 2 }] }
 * ```
 */
export const readinessOf = (
  expected: readonly ExpectedTopic[],
  metadata: ReadonlyMap<string, readonly PartitionMetadata[]>,
  unreachable: ReadonlySet<number> = new Set(),
): Readiness => {
  const notWritable: NotWritable[] = [];
  let partitions = 0;
  for (const topic of expected) {
    const min = topic.minInSyncReplicas;
    const described = metadata.get(topic.name);
    if (described === undefined) {
      notWritable.push({
        topic: topic.name,
        partition: null,
        reason: NotWritableReason.MissingTopic,
        isr: null,
        minInSyncReplicas: min,
      });
      continue;
    }
    partitions += described.length;
    for (const p of described) {
      const base = { topic: topic.name, partition: p.partition, isr: p.isr.length };
      const reachableIsr = p.isr.filter((id) => !unreachable.has(id)).length;
      const reason =
        p.leader < 0
          ? NotWritableReason.NoLeader
          : p.isr.length < min
            ? NotWritableReason.IsrBelowMin
            : unreachable.has(p.leader)
              ? NotWritableReason.LeaderUnreachable
              : reachableIsr < min
                ? NotWritableReason.IsrUnreachable
                : null;
      if (reason === NotWritableReason.IsrUnreachable)
        notWritable.push({ ...base, isr: reachableIsr, reason, minInSyncReplicas: min });
      else if (reason !== null) notWritable.push({ ...base, reason, minInSyncReplicas: min });
    }
  }
  return {
    ready: notWritable.length === 0,
    topics: expected.length,
    partitions,
    notWritable,
  };
};

/** How long a deep answer is reused: probes every second cost the cluster one check per window. */
export const READINESS_CACHE_MS = 2000;

/**
 * The broker's view of the definition's topics: metadata of every topic
 * (one request; a missing topic is simply absent), each present topic's
 * `min.insync.replicas` as set on the broker, else the one `configsOf` gives
 * (the definition's, or the local runtime's clamped value), and which of the
 * leaders and in-sync replicas named do not accept a connection within
 * `probeTimeoutMs` (stale metadata after a lost quorum, see broker-probe.ts).
 *
 * @example
 * ```ts
 * readinessOf(...(await readinessInputs(admin, platform.topics, definitionTopicConfigs, 1000)));
 * ```
 */
export const readinessInputs = async (
  admin: Admin,
  topics: readonly TopicDefinition[],
  configsOf: TopicConfigPolicy,
  probeTimeoutMs: number,
): Promise<[ExpectedTopic[], Map<string, PartitionMetadata[]>, Set<number>]> => {
  const [cluster, metadata] = await Promise.all([
    admin.describeCluster(),
    admin.fetchTopicMetadata(),
  ]);
  const wanted = new Set(topics.map((t) => t.name));
  const present = metadata.topics.filter((t) => wanted.has(t.name));
  const onBroker = await topicConfigsOf(
    admin,
    present.map((t) => t.name),
  );
  const expected = topics.map((t) => ({
    name: t.name,
    minInSyncReplicas: Number(
      onBroker.get(t.name)?.[MIN_ISR] ??
        configsOf(t, cluster.brokers.length)[MIN_ISR] ??
        t.minInSyncReplicas,
    ),
  }));
  const partitions = new Map(
    present.map((t) => [
      t.name,
      t.partitions.map((p) => ({ partition: p.partitionId, leader: p.leader, isr: p.isr })),
    ]),
  );
  const named = new Set(
    [...partitions.values()].flatMap((ps) => ps.flatMap((p) => [p.leader, ...p.isr])),
  );
  const unreachable = await unreachableBrokers(
    cluster.brokers.filter((b) => named.has(b.nodeId)),
    probeTimeoutMs,
  );
  return [expected, partitions, unreachable];
};

const MIN_ISR = 'min.insync.replicas';

/**
 * Reuses one answer (or one check in flight) for `ttlMs`: a failed check is
 * reused too, so probes of a cluster that is down do not hammer it either.
 *
 * @example
 * ```ts
 * const cached = cacheFor(READINESS_CACHE_MS, Date.now);
 * await cached(() => check()); // a second call within 2 s gets the same promise
 * ```
 */
export const cacheFor = <T>(
  ttlMs: number,
  now: () => number,
): ((load: () => Promise<T>) => Promise<T>) => {
  let last: { at: number; answer: Promise<T> } | undefined;
  return (load) => {
    const at = now();
    if (last === undefined || at - last.at >= ttlMs) last = { at, answer: load() };
    return last.answer;
  };
};
