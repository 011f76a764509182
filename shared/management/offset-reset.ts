import type { Admin, Kafka } from 'kafkajs';
import * as z from 'zod';
import { lazy } from '../lazy';
import { UnprocessableEntityError } from '../http/errors';
import { topicWatermarks } from '../kafka/offsets';
import { describeGroupStates } from './consumers';
import type { EsmGate } from './esm-gate';
import { GroupActiveError, UnknownTopicError } from './errors';
import { parseIsoDuration } from './iso-duration';

/** Where a reset moves the group. */
export const ResetTarget = {
  Earliest: 'earliest',
  Latest: 'latest',
  Timestamp: 'timestamp',
  Offset: 'offset',
  /** The committed offset moved by `shift_by` records (kafka-consumer-groups --shift-by). */
  Shift: 'shift',
  /** The first offset at or after now minus `by_duration` (kafka-consumer-groups --by-duration). */
  Duration: 'duration',
} as const;
export type ResetTarget = (typeof ResetTarget)[keyof typeof ResetTarget];

/** The fields every reset target shares (built with the request schema, on first use). */
const commonFields = () => ({
  group: z.string().min(1).max(255),
  /** Only these partitions (all when omitted). */
  partitions: z
    .array(z.number().int().min(0))
    .min(1)
    .refine((p) => new Set(p).size === p.length, 'partitions must be unique')
    .optional(),
  /** Answer the offsets the reset would commit, without committing or stopping anything. */
  dry_run: z.boolean().default(false),
});

/** Kafka offsets fit in an int64; a shift beyond what a JSON number holds exactly is a mistake. */
const MAX_SHIFT = Number.MAX_SAFE_INTEGER;

/** Body of POST /consumers/{topic}/reset-offset. */
export const resetOffsetRequestSchema = lazy(() => {
  const common = commonFields();
  return z.discriminatedUnion('to', [
    z.strictObject({ ...common, to: z.literal(ResetTarget.Earliest) }),
    z.strictObject({ ...common, to: z.literal(ResetTarget.Latest) }),
    z.strictObject({
      ...common,
      to: z.literal(ResetTarget.Timestamp),
      /** Epoch milliseconds or an ISO-8601 date-time. */
      timestamp: z.union([
        z.number().int().min(0),
        z.iso
          .datetime({ offset: true })
          .transform((s) => Date.parse(s))
          // Kafka's timestamps start at the epoch: -1 and -2 mean latest and earliest to a broker.
          .pipe(z.number().int().min(0, 'must be at or after 1970-01-01T00:00:00Z')),
      ]),
    }),
    z.strictObject({
      ...common,
      to: z.literal(ResetTarget.Offset),
      /** A decimal string, as every offset the API answers, or a number. */
      offset: z.union([
        z.number().int().min(0),
        z
          .string()
          .regex(/^\d{1,16}$/, 'must be a decimal offset')
          .transform(Number),
      ]),
    }),
    z.strictObject({
      ...common,
      to: z.literal(ResetTarget.Shift),
      /** Records to move each partition's committed offset by: negative goes back, positive forward. */
      shift_by: z.number().int().min(-MAX_SHIFT).max(MAX_SHIFT),
    }),
    z.strictObject({
      ...common,
      to: z.literal(ResetTarget.Duration),
      /** ISO-8601 duration back from now, e.g. PT1H, P1D (shared/management/iso-duration.ts). */
      by_duration: z.string().superRefine((text, ctx) => {
        const parsed = parseIsoDuration(text);
        if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message });
      }),
    }),
  ]);
});
export type ResetOffsetRequest = z.output<ReturnType<typeof resetOffsetRequestSchema>>;

/** What a reset did on one partition. */
export interface PartitionReset {
  readonly partition: number;
  readonly previousOffset: number | null;
  readonly newOffset: number;
  /** The offset asked for lay outside the partition's retained range and was moved to its nearest end. */
  readonly clamped: boolean;
}

/** Result of {@link resetGroupOffsets}. */
export interface ResetResult {
  readonly group: string;
  readonly topic: string;
  readonly to: ResetTarget;
  /** Nothing was committed: the offsets a reset would set. */
  readonly dryRun: boolean;
  /** For `timestamp` and `duration`: the time searched from, ISO-8601. */
  readonly fromTime?: string;
  readonly partitions: readonly PartitionReset[];
  /** Whether an event source mapping was stopped and restarted around the reset. */
  readonly eventSourceMappingPaused: boolean;
}

/** Collaborators of {@link resetGroupOffsets}. */
export interface ResetDependencies {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly gate: EsmGate;
  /** How long to wait for the members of a stopped ESM to leave the group. */
  readonly groupEmptyTimeoutMs: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

interface Target {
  readonly offset: number;
  readonly clamped: boolean;
}

const clampTo = (offset: number, m: { low: number; high: number }): Target => {
  const clamped = Math.min(Math.max(offset, m.low), m.high);
  return { offset: clamped, clamped: clamped !== offset };
};

/** Epoch ms a time-based reset searches from; 422 before 1970 (Kafka reads -1/-2 as latest/earliest). */
const searchTime = (request: ResetOffsetRequest, now: number): number | undefined => {
  if (request.to === 'timestamp') return request.timestamp;
  if (request.to !== 'duration') return undefined;
  const parsed = parseIsoDuration(request.by_duration);
  const at = parsed.ok ? now - parsed.ms : -1;
  if (at < 0)
    throw new UnprocessableEntityError([
      { path: 'by_duration', message: 'reaches back before 1970-01-01T00:00:00Z' },
    ]);
  return at;
};

const targetOffsets = async (
  admin: Admin,
  topic: string,
  request: ResetOffsetRequest,
  marks: readonly { partition: number; low: number; high: number }[],
  previous: ReadonlyMap<number, number>,
  at: number | undefined,
): Promise<Map<number, Target>> => {
  switch (request.to) {
    case 'earliest':
      return new Map(marks.map((m) => [m.partition, { offset: m.low, clamped: false }]));
    case 'latest':
      return new Map(marks.map((m) => [m.partition, { offset: m.high, clamped: false }]));
    case 'offset':
      // As kafka-consumer-groups --to-offset: clamped to the retained range.
      return new Map(marks.map((m) => [m.partition, clampTo(request.offset, m)]));
    case 'shift': {
      // As kafka-consumer-groups --shift-by: from the committed offset, which must exist.
      const without = marks.filter((m) => (previous.get(m.partition) ?? -1) < 0);
      if (without.length > 0)
        throw new UnprocessableEntityError(
          [
            {
              path: 'shift_by',
              message: `group "${request.group}" has no committed offset to shift on partition ${without.map((m) => m.partition).join(', ')}; choose partitions or reset to earliest, latest, an offset or a time`,
            },
          ],
          'nothing to shift from',
        );
      return new Map(
        marks.map((m) => [
          m.partition,
          clampTo((previous.get(m.partition) ?? 0) + request.shift_by, m),
        ]),
      );
    }
    case 'timestamp':
    case 'duration': {
      const found = await admin.fetchTopicOffsetsByTimestamp(topic, at);
      const byPartition = new Map(found.map((f) => [f.partition, Number(f.offset)]));
      return new Map(
        marks.map((m) => {
          const offset = byPartition.get(m.partition);
          // No record at or after the time: the end of the partition.
          return [
            m.partition,
            offset === undefined || offset < 0
              ? { offset: m.high, clamped: false }
              : clampTo(offset, m),
          ];
        }),
      );
    }
  }
};

const ensureGroupEmpty = async (
  deps: ResetDependencies,
  groupId: string,
  esmStopped: boolean,
): Promise<void> => {
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? defaultSleep;
  const deadline = now() + (esmStopped ? deps.groupEmptyTimeoutMs : 0);
  for (;;) {
    const [group] = await describeGroupStates(deps.admin, [groupId]);
    const members = group?.members.length ?? 0;
    if (members === 0) return;
    if (now() >= deadline) throw new GroupActiveError(groupId, group?.state ?? 'Unknown', members);
    await sleep(500);
  }
};

/**
 * Commits offsets for a group that has no members: joins it alone with a
 * short-lived consumer that never fetches (paused), commits, and leaves.
 * (kafkajs' admin.setOffsets does the same but waits out a full fetch.)
 * Refuses with 409 when the group has members.
 *
 * @example
 * ```ts
 * await commitGroupOffsets(kafka, 'billing', 'orders', new Map([[0, 42]]));
 * ```
 */
export const commitGroupOffsets = async (
  kafka: Kafka,
  groupId: string,
  topic: string,
  offsets: ReadonlyMap<number, number>,
): Promise<void> => {
  const consumer = kafka.consumer({
    groupId,
    allowAutoTopicCreation: false,
    maxWaitTimeInMs: 100,
    sessionTimeout: 10_000,
    rebalanceTimeout: 10_000,
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const description = await consumer.describeGroup();
    if (description.state !== 'Empty' && description.state !== 'Dead')
      throw new GroupActiveError(groupId, description.state, description.members.length);
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async () => undefined,
    });
    consumer.pause([{ topic }]);
    await consumer.commitOffsets(
      [...offsets].map(([partition, offset]) => ({ topic, partition, offset: String(offset) })),
    );
  } finally {
    await consumer.disconnect();
  }
};

/**
 * Moves a group's committed offsets on a topic. A group owned by an event
 * source mapping is handled for the caller: the ESM is stopped (paused
 * locally, disabled in AWS), the offsets are set, and it is started again
 * (also when the reset fails). Any other group with active members is
 * refused with 409. Targets out of a partition's retained range are
 * clamped to it (`clamped`); `dry_run` answers the plan from the group's
 * current offsets and touches nothing.
 *
 * @example
 * ```ts
 * await resetGroupOffsets(deps, 'ai.responses', { group: 'xseven-ai-responses', to: 'shift', shift_by: -10, dry_run: true });
 * ```
 */
export const resetGroupOffsets = async (
  deps: ResetDependencies,
  topic: string,
  request: ResetOffsetRequest,
): Promise<ResetResult> => {
  const at = searchTime(request, (deps.now ?? Date.now)());
  const topics = await deps.admin.listTopics();
  if (!topics.includes(topic)) throw new UnknownTopicError(topic);
  const marks = await topicWatermarks(deps.admin, topic);
  const known = new Set(marks.map((m) => m.partition));
  const unknown = (request.partitions ?? []).filter((p) => !known.has(p));
  if (unknown.length > 0)
    throw new UnprocessableEntityError(
      [{ path: 'partitions', message: `topic "${topic}" has no partition ${unknown.join(', ')}` }],
      'unknown partitions',
    );
  const wanted = new Set(request.partitions ?? [...known]);
  const selected = marks.filter((m) => wanted.has(m.partition));

  const plan = async (): Promise<{
    previous: Map<number, number>;
    targets: Map<number, Target>;
  }> => {
    const [before] = await deps.admin.fetchOffsets({ groupId: request.group, topics: [topic] });
    const previous = new Map(
      (before?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]),
    );
    return {
      previous,
      targets: await targetOffsets(deps.admin, topic, request, selected, previous, at),
    };
  };
  const answer = (
    { previous, targets }: Awaited<ReturnType<typeof plan>>,
    paused: boolean,
  ): ResetResult => ({
    group: request.group,
    topic,
    to: request.to,
    dryRun: request.dry_run,
    ...(at === undefined ? {} : { fromTime: new Date(at).toISOString() }),
    partitions: [...targets].map(([partition, target]) => {
      const prev = previous.get(partition);
      return {
        partition,
        previousOffset: prev === undefined || prev < 0 ? null : prev,
        newOffset: target.offset,
        clamped: target.clamped,
      };
    }),
    eventSourceMappingPaused: paused,
  });
  // A dry run reads the group's offsets as they are: nothing is stopped nor committed.
  if (request.dry_run) return answer(await plan(), false);

  const resume = await deps.gate.stop(request.group);
  try {
    await ensureGroupEmpty(deps, request.group, resume !== undefined);
    const planned = await plan();
    await commitGroupOffsets(
      deps.kafka,
      request.group,
      topic,
      new Map([...planned.targets].map(([p, t]) => [p, t.offset])),
    );
    return answer(planned, resume !== undefined);
  } finally {
    if (resume) await resume();
  }
};
