import type { Admin, MemberDescription } from 'kafkajs';
import { kafkajs } from '../kafka/kafkajs';
import { topicWatermarks } from '../kafka/offsets';
import type { Watermarks } from '../kafka/offsets';

/** One member of a consumer group and the partitions assigned to it. */
export interface GroupMember {
  readonly memberId: string;
  readonly clientId: string;
  readonly clientHost: string;
  readonly assignment: Readonly<Record<string, readonly number[]>>;
}

/** Committed offset and lag of a group on one partition. */
export interface PartitionLag {
  readonly topic: string;
  readonly partition: number;
  /** Committed offset, or null when the group never committed here. */
  readonly currentOffset: number | null;
  readonly logStartOffset: number;
  readonly logEndOffset: number;
  /** logEndOffset − currentOffset; null without a committed offset (as kafka-consumer-groups shows "-"). */
  readonly lag: number | null;
  readonly memberId: string | null;
  readonly clientId: string | null;
}

/** Lag summary of a group, as Confluent's REST Proxy gives it. */
export interface LagSummary {
  readonly totalLag: number;
  readonly maxLag: number;
  readonly maxLagTopic: string | null;
  readonly maxLagPartition: number | null;
  readonly maxLagConsumerId: string | null;
  readonly maxLagClientId: string | null;
}

/** A consumer group with its members and lag. */
export interface ConsumerGroupInfo {
  readonly groupId: string;
  /** Stable, Empty, PreparingRebalance, CompletingRebalance, Dead or Unknown. */
  readonly state: string;
  readonly protocol: string;
  readonly members: readonly GroupMember[];
  readonly partitions: readonly PartitionLag[];
  readonly lagSummary: LagSummary;
}

const decodeAssignment = (member: MemberDescription): Record<string, number[]> => {
  if (member.memberAssignment.length === 0) return {};
  try {
    const decoded = kafkajs().AssignerProtocol.MemberAssignment.decode(member.memberAssignment);
    return decoded ? { ...decoded.assignment } : {};
  } catch {
    return {};
  }
};

/**
 * Lag summary of a list of partition lags (partitions without a committed
 * offset are left out).
 *
 * @example
 * ```ts
 * summarizeLag(partitions).totalLag;
 * ```
 */
export const summarizeLag = (partitions: readonly PartitionLag[]): LagSummary => {
  let max: PartitionLag | undefined;
  let total = 0;
  for (const p of partitions) {
    if (p.lag === null) continue;
    total += p.lag;
    if (max === undefined || (max.lag ?? 0) < p.lag) max = p;
  }
  return {
    totalLag: total,
    maxLag: max?.lag ?? 0,
    maxLagTopic: max?.topic ?? null,
    maxLagPartition: max?.partition ?? null,
    maxLagConsumerId: max?.memberId ?? null,
    maxLagClientId: max?.clientId ?? null,
  };
};

/** Watermarks fetched once per request and shared by every group. */
export type WatermarkCache = Map<string, Promise<Watermarks[]>>;

const cachedWatermarks = (
  admin: Admin,
  cache: WatermarkCache,
  topic: string,
): Promise<Watermarks[]> => {
  let marks = cache.get(topic);
  if (marks === undefined) {
    marks = topicWatermarks(admin, topic);
    cache.set(topic, marks);
  }
  return marks;
};

/**
 * Committed offsets and lag of one group on `topics` (or on every topic it
 * committed to when omitted).
 *
 * @example
 * ```ts
 * const lags = await groupLag(admin, 'xseven-ai-responses', ['ai.responses']);
 * ```
 */
export const groupLag = async (
  admin: Admin,
  groupId: string,
  topics?: readonly string[],
  members: readonly GroupMember[] = [],
  cache: WatermarkCache = new Map(),
): Promise<PartitionLag[]> => {
  const committed = await admin.fetchOffsets({
    groupId,
    ...(topics === undefined ? {} : { topics: [...topics] }),
  });
  const owner = new Map<string, GroupMember>();
  for (const m of members)
    for (const [topic, parts] of Object.entries(m.assignment))
      for (const p of parts) owner.set(`${topic}|${p}`, m);
  // Every partition of a topic the group committed to or is assigned, with a
  // null offset and lag where it never committed (as kafka-consumer-groups' "-"):
  // without topics, the broker answers only the committed partitions.
  const offsets = new Map<string, string>();
  for (const { topic, partitions } of committed)
    for (const { partition, offset } of partitions) offsets.set(`${topic}|${partition}`, offset);
  const names = new Set([
    ...committed.map((t) => t.topic),
    ...(topics === undefined ? members.flatMap((m) => Object.keys(m.assignment)) : []),
  ]);
  const result: PartitionLag[] = [];
  for (const topic of names) {
    let marks: Watermarks[];
    try {
      marks = await cachedWatermarks(admin, cache, topic);
    } catch {
      continue; // the topic was deleted since the group committed to it
    }
    for (const mark of marks) {
      const { partition } = mark;
      const offset = Number(offsets.get(`${topic}|${partition}`) ?? -1);
      const current = offset >= 0 ? offset : null;
      const m = owner.get(`${topic}|${partition}`);
      result.push({
        topic,
        partition,
        currentOffset: current,
        logStartOffset: mark.low,
        logEndOffset: mark.high,
        lag: current === null ? null : Math.max(0, mark.high - current),
        memberId: m?.memberId ?? null,
        clientId: m?.clientId ?? null,
      });
    }
  }
  return result.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
};

/**
 * Members and state of groups, straight from the group coordinator.
 *
 * @example
 * ```ts
 * const [g] = await describeGroupStates(admin, ['billing']);
 * g?.state; // 'Empty'
 * ```
 */
export const describeGroupStates = async (
  admin: Admin,
  groupIds: readonly string[],
): Promise<{ groupId: string; state: string; protocol: string; members: GroupMember[] }[]> => {
  if (groupIds.length === 0) return [];
  const { groups } = await admin.describeGroups([...groupIds]);
  return groups.map((g) => ({
    groupId: g.groupId,
    state: g.state,
    protocol: g.protocol,
    members: g.members.map((m) => ({
      memberId: m.memberId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      assignment: decodeAssignment(m),
    })),
  }));
};

/**
 * The consumer groups of the scope (group id starting with `prefix`) with
 * state, members, per-partition lag and a lag summary, computed live.
 *
 * @example
 * ```ts
 * const groups = await describeConsumerGroups(admin, '');
 * groups.map((g) => [g.groupId, g.lagSummary.totalLag]);
 * ```
 */
export const describeConsumerGroups = async (
  admin: Admin,
  prefix: string,
  cache: WatermarkCache = new Map(),
): Promise<ConsumerGroupInfo[]> => {
  const { groups } = await admin.listGroups();
  const ids = groups
    .filter((g) => g.groupId.startsWith(prefix))
    .filter((g) => g.protocolType === 'consumer' || g.protocolType === '')
    .map((g) => g.groupId)
    .sort();
  const described = await describeGroupStates(admin, ids);
  return Promise.all(
    described.map(async (g): Promise<ConsumerGroupInfo> => {
      const partitions = await groupLag(admin, g.groupId, undefined, g.members, cache);
      return { ...g, partitions, lagSummary: summarizeLag(partitions) };
    }),
  );
};
