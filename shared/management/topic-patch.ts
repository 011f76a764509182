import type { Admin } from 'kafkajs';
import { kafkajs } from '../kafka/kafkajs';
import * as z from 'zod';
import { lazy } from '../lazy';
import { UnprocessableEntityError } from '../http/errors';
import { isTransientKafkaError } from '../kafka/producer-errors';
import type { PlatformDefinition } from '../platform';
import type { PartitionBudget } from './config';
import { UnknownTopicError } from './errors';
import { checkClusterBudget, checkRequestBudget } from './partition-budget';
import { configProblems } from './topic-config-rules';
import { configEntriesOf, describeTopicDetail } from './topic-detail';
import type { TopicDetail } from './topic-detail';

/**
 * `PATCH /topics/{name}`: change a topic's configs and/or increase its
 * partitions (Kafka cannot decrease them), with the partition budget of
 * `POST /topics` and a broker-side validation of the whole change before
 * any part of it is applied.
 */

/** Body of PATCH /topics/{name} (snake_case, as every body). */
export const patchTopicRequestSchema = lazy(() =>
  z
    .strictObject({
      /** Config values to set; null removes the topic's own value (back to the broker default). */
      configs: z
        .record(
          z.string().min(1).max(255),
          z
            .union([z.string().max(4096), z.number(), z.boolean(), z.null()])
            .transform((v) => (v === null ? null : String(v))),
        )
        .optional()
        .describe('config name to value (string, number or boolean); null removes the override'),
      /** The new total partition count: only an increase (or the current count). */
      partitions_count: z
        .number()
        .int()
        .min(1)
        .optional()
        .describe('the new total number of partitions; Kafka can only increase it'),
      /** Ask the broker to validate the change without applying it. */
      validate_only: z.boolean().default(false),
    })
    .refine(
      (body) =>
        body.partitions_count !== undefined ||
        (body.configs !== undefined && Object.keys(body.configs).length > 0),
      { message: 'name at least one change: configs or partitions_count' },
    ),
);
export type PatchTopicRequest = z.output<ReturnType<typeof patchTopicRequestSchema>>;

/** What a validate-only PATCH answers: the topic as it would be. */
export interface TopicPatchValidation {
  readonly validateOnly: true;
  readonly valid: true;
  readonly name: string;
  readonly partitionsCount: number;
  /** The configs set on the topic after the change. */
  readonly configs: Readonly<Record<string, string>>;
}

/** Collaborators of {@link patchTopic}. */
export interface PatchDependencies {
  readonly admin: Admin;
  readonly platform: PlatformDefinition;
  readonly budget: PartitionBudget;
  /** How long to wait for the broker to show the change (fits API Gateway's 30 s). */
  readonly settleTimeoutMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The configs set on the topic itself (source `dynamic_topic_config`):
 * what Kafka's non-incremental AlterConfigs replaces as a whole.
 */
const topicOwnConfigs = async (admin: Admin, topic: string): Promise<Record<string, string>> =>
  Object.fromEntries(
    (await configEntriesOf(admin, topic))
      .filter((e) => e.source === 'dynamic_topic_config' && e.value !== null)
      .map((e) => [e.name, e.value as string]),
  );

const sameConfigs = (
  a: Readonly<Record<string, string>>,
  b: Readonly<Record<string, string>>,
): boolean =>
  Object.keys(a).length === Object.keys(b).length &&
  Object.entries(a).every(([k, v]) => b[k] === v);

/**
 * Applies (or, with `validate_only`, validates) a PATCH. Order: the
 * caller's mistakes without Kafka (unknown config or bad value 422, a
 * decrease 422, the partition budget 422/409), then the broker validates
 * the whole change (`validateOnly`), then the partitions are added and
 * the configs written. kafkajs 2.2.4 has only Kafka's non-incremental
 * AlterConfigs, which replaces every config set on the topic: the change
 * is merged into the topic's current ones, so two PATCHes racing on the
 * same topic may lose one's configs (last writer wins).
 *
 * @example
 * ```ts
 * await patchTopic(deps, 'api.orders', { configs: { 'retention.ms': '3600000' }, validate_only: false });
 * ```
 */
export const patchTopic = async (
  deps: PatchDependencies,
  topic: string,
  request: PatchTopicRequest,
): Promise<TopicDetail | TopicPatchValidation> => {
  const { admin, budget } = deps;
  const changes = request.configs ?? {};
  const problems = configProblems(changes);
  if (problems.length > 0) throw new UnprocessableEntityError(problems);
  if (!(await admin.listTopics()).includes(topic)) throw new UnknownTopicError(topic);

  const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
  const current = metadata.topics[0]?.partitions.length ?? 0;
  const target = request.partitions_count ?? current;
  if (target < current)
    throw new UnprocessableEntityError([
      {
        path: 'partitions_count',
        message: `topic "${topic}" has ${current} partitions; Kafka can only increase the count`,
      },
    ]);
  if (target > current) {
    checkRequestBudget(target - current, budget, 'partitions_count');
    await checkClusterBudget(admin, target - current, budget);
  }

  const before = await topicOwnConfigs(admin, topic);
  const after: Record<string, string> = { ...before };
  for (const [name, value] of Object.entries(changes))
    if (value === null) delete after[name];
    else after[name] = value;
  const configsChange = !sameConfigs(before, after);
  const alterConfigs = (validateOnly: boolean): Promise<unknown> =>
    admin.alterConfigs({
      validateOnly,
      resources: [
        {
          type: kafkajs().ConfigResourceTypes.TOPIC,
          name: topic,
          configEntries: Object.entries(after).map(([name, value]) => ({ name, value })),
        },
      ],
    });
  const addPartitions = (validateOnly: boolean): Promise<boolean> =>
    admin.createPartitions({ validateOnly, topicPartitions: [{ topic, count: target }] });

  // The broker checks everything before anything is applied.
  if (target > current) await addPartitions(true);
  if (configsChange) await alterConfigs(true);
  if (request.validate_only)
    return {
      validateOnly: true,
      valid: true,
      name: topic,
      partitionsCount: target,
      configs: after,
    };

  if (target > current) await addPartitions(false);
  if (configsChange) await alterConfigs(false);
  return settled(deps, topic, target, after);
};

/**
 * The topic once the broker shows the change (every partition led, the
 * configs written), or as it is after `settleTimeoutMs`: KRaft spreads a
 * change through its metadata log, so a broker may answer the old state
 * for a moment.
 */
const settled = async (
  deps: PatchDependencies,
  topic: string,
  partitions: number,
  configs: Readonly<Record<string, string>>,
): Promise<TopicDetail> => {
  const sleep = deps.sleep ?? defaultSleep;
  const deadline = Date.now() + (deps.settleTimeoutMs ?? 10_000);
  for (;;) {
    let detail: TopicDetail;
    try {
      detail = await describeTopicDetail(deps.admin, deps.platform, topic);
    } catch (error) {
      // New partitions answer NOT_LEADER_FOR_PARTITION until their leader is known.
      if (!isTransientKafkaError(error) || Date.now() >= deadline) throw error;
      await sleep(100);
      continue;
    }
    const own = Object.fromEntries(
      detail.configEntries
        .filter((e) => e.source === 'dynamic_topic_config' && e.value !== null)
        .map((e) => [e.name, e.value as string]),
    );
    const done =
      detail.partitions.length === partitions &&
      detail.offlinePartitions === 0 &&
      sameConfigs(own, configs);
    if (done || Date.now() >= deadline) return detail;
    await sleep(100);
  }
};
