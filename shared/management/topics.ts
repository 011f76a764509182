import type { Admin } from 'kafkajs';
import * as z from 'zod';
import { lazy } from '../lazy';
import { waitForTopics } from '../kafka/topic-readiness';
import { TOPIC_NAME_PATTERN } from '../platform';
import type { PlatformDefinition } from '../platform';
import { describeTopics, inScope } from './cluster';
import type { TopicInfo } from './cluster';
import type { PartitionBudget } from './config';
import { checkClusterBudget, checkRequestBudget } from './partition-budget';
import { refineTopicConfigs, TOPIC_CONFIG_RULES } from './topic-config-rules';
import {
  TopicExistsError,
  TopicProtectedError,
  TopicRejectedError,
  UnknownTopicError,
} from './errors';

/** A topic name as Kafka accepts it: 1..249 of [a-zA-Z0-9._-], not "." or "..". */
export const topicNameSchema = lazy(() =>
  z
    .string()
    .regex(TOPIC_NAME_PATTERN, 'must be 1-249 characters of a-z, A-Z, 0-9, ".", "_" or "-"')
    .refine((n) => n !== '.' && n !== '..', 'must not be "." or ".."')
    .refine((n) => !n.startsWith('__'), 'names starting with "__" are reserved for Kafka'),
);

/** Body of POST /topics (snake_case on the wire, camelCase inside). */
export const createTopicRequestSchema = lazy(() =>
  z
    .strictObject({
      name: topicNameSchema(),
      partitions: z.number().int().min(1).max(10_000).default(1),
      /** Defaults to min(3, brokers). */
      replication_factor: z.number().int().min(1).max(32).optional(),
      /** The configs PATCH /topics/{name} may set, with the same value checks (topic-config-rules.ts). */
      configs: z
        .record(
          z.string().min(1).max(255),
          z.union([z.string().max(4096), z.number(), z.boolean()]).transform(String),
        )
        .superRefine(refineTopicConfigs)
        .default({})
        .describe(`config name to value; one of ${Object.keys(TOPIC_CONFIG_RULES).join(', ')}`),
      /** Ask the broker to validate the request without creating the topic. */
      validate_only: z.boolean().default(false),
    })
    .transform(({ replication_factor, validate_only, ...rest }) => ({
      ...rest,
      ...(replication_factor === undefined ? {} : { replicationFactor: replication_factor }),
      validateOnly: validate_only,
    })),
);
export type CreateTopicRequest = z.output<ReturnType<typeof createTopicRequestSchema>>;

/** Answer of a validate-only creation. */
export interface TopicValidation {
  readonly validateOnly: true;
  readonly valid: true;
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly configs: Readonly<Record<string, string>>;
}

/** Kafka error types that are the caller's mistake (422), never a 5xx. */
const CALLER_ERRORS = new Set([
  'INVALID_TOPIC_EXCEPTION',
  'INVALID_PARTITIONS',
  'INVALID_REPLICATION_FACTOR',
  'INVALID_REPLICA_ASSIGNMENT',
  'INVALID_CONFIG',
  'POLICY_VIOLATION',
  'INVALID_REQUEST',
  'UNSUPPORTED_COMPRESSION_TYPE',
]);

interface KafkaErrorLike {
  readonly type?: unknown;
  readonly message?: unknown;
  readonly errors?: unknown;
}

const kafkaErrors = (error: unknown): KafkaErrorLike[] => {
  if (typeof error !== 'object' || error === null) return [];
  const e = error as KafkaErrorLike;
  return Array.isArray(e.errors) ? (e.errors as KafkaErrorLike[]) : [e];
};

const collisionKey = (name: string): string => name.replace(/\./g, '_');

/** What POST /topics did. */
export type CreateTopicOutcome =
  | { readonly kind: 'validated'; readonly validation: TopicValidation }
  /** Created and served by every broker (201). */
  | { readonly kind: 'created'; readonly topic: TopicInfo }
  /** It existed already with the same settings: a retried request (200). */
  | { readonly kind: 'existing'; readonly topic: TopicInfo }
  /** Created, not yet served by every broker within the wait (202): a retry answers 200. */
  | { readonly kind: 'pending'; readonly name: string };

/** Whether an existing topic has the settings a request asks for (the configs it names, the counts it gives). */
const sameSettings = (topic: TopicInfo, request: CreateTopicRequest): boolean =>
  topic.partitions.length === request.partitions &&
  (request.replicationFactor === undefined ||
    topic.replicationFactor === request.replicationFactor) &&
  Object.entries(request.configs).every(([name, value]) => topic.configs[name] === value);

const existingOutcome = async (
  admin: Admin,
  request: CreateTopicRequest,
): Promise<CreateTopicOutcome> => {
  const [topic] = await describeTopics(admin, [request.name]);
  if (topic !== undefined && sameSettings(topic, request)) return { kind: 'existing', topic };
  throw new TopicExistsError(
    request.name,
    `topic "${request.name}" already exists with other settings (partitions, replication factor or configs)`,
  );
};

/**
 * Creates a topic (or only validates the request with `validateOnly`), safe
 * to retry: a topic that exists with the same settings is answered as it is
 * (200), with other settings (or a colliding name, "a.b" vs "a_b") it is a
 * 409. 422 when Kafka refuses the settings (too many replicas, invalid
 * config...) or the request exceeds the per-request partition budget, 409
 * beyond the cluster's. Never fails after creating: a topic not yet served
 * by every broker within the wait is `pending`.
 *
 * @example
 * ```ts
 * const outcome = await createTopic(admin, { name: 'orders', partitions: 3, configs: {}, validateOnly: false }, { perRequest: 1000, cluster: 10000 });
 * ```
 */
export const createTopic = async (
  admin: Admin,
  request: CreateTopicRequest,
  budget: PartitionBudget,
): Promise<CreateTopicOutcome> => {
  checkRequestBudget(request.partitions, budget, 'partitions');
  const existing = await admin.listTopics();
  if (existing.includes(request.name)) return existingOutcome(admin, request);
  const collision = existing.find((t) => collisionKey(t) === collisionKey(request.name));
  if (collision !== undefined)
    throw new TopicExistsError(
      request.name,
      `topic "${request.name}" collides with existing topic "${collision}" ("." and "_" are interchangeable in metric names)`,
    );
  const { brokers } = await admin.describeCluster();
  const replicationFactor = request.replicationFactor ?? Math.min(3, Math.max(1, brokers.length));
  await checkClusterBudget(admin, request.partitions, budget);
  let created: boolean;
  try {
    created = await admin.createTopics({
      validateOnly: request.validateOnly,
      // kafkajs' own wait gives up on KRaft's brief UNKNOWN_TOPIC_OR_PARTITION: wait below instead.
      waitForLeaders: false,
      topics: [
        {
          topic: request.name,
          numPartitions: request.partitions,
          replicationFactor,
          configEntries: Object.entries(request.configs).map(([name, value]) => ({ name, value })),
        },
      ],
    });
  } catch (error) {
    const errors = kafkaErrors(error);
    if (errors.some((e) => e.type === 'TOPIC_ALREADY_EXISTS'))
      return existingOutcome(admin, request);
    const refused = errors.find((e) => typeof e.type === 'string' && CALLER_ERRORS.has(e.type));
    if (refused)
      throw new TopicRejectedError(String(refused.type), String(refused.message ?? refused.type), {
        cause: error,
      });
    throw error;
  }
  // A concurrent request created it between the listing and ours.
  if (!created) return existingOutcome(admin, request);
  if (request.validateOnly)
    return {
      kind: 'validated',
      validation: {
        validateOnly: true,
        valid: true,
        name: request.name,
        partitions: request.partitions,
        replicationFactor,
        configs: request.configs,
      },
    };
  try {
    return { kind: 'created', topic: await waitForTopic(admin, request.name) };
  } catch {
    return { kind: 'pending', name: request.name };
  }
};

/**
 * Waits until every broker serves a new topic (shared/kafka/topic-readiness.ts)
 * and its partitions are all online, then describes it. The wait must fit
 * in API Gateway's 30 s integration timeout.
 *
 * @example
 * ```ts
 * const info = await waitForTopic(admin, 'orders');
 * ```
 */
export const waitForTopic = async (
  admin: Admin,
  name: string,
  timeoutMs = 20_000,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<TopicInfo> => {
  const deadline = Date.now() + timeoutMs;
  await waitForTopics(admin, [name], { timeoutMs });
  for (;;) {
    try {
      const [info] = await describeTopics(admin, [name]);
      if (info && info.partitions.length > 0 && info.offlinePartitions === 0) return info;
    } catch (error) {
      if (Date.now() >= deadline) throw error;
    }
    if (Date.now() >= deadline) throw new UnknownTopicError(name);
    await sleep(100);
  }
};

/**
 * Deletes a topic of the scope. 404 when unknown (or outside the scope);
 * 409 for a protected topic of the platform definition unless `force`.
 *
 * @example
 * ```ts
 * await deleteTopic(admin, platform, '', 'scratch', false);
 * ```
 */
export const deleteTopic = async (
  admin: Admin,
  def: PlatformDefinition,
  prefix: string,
  name: string,
  force: boolean,
): Promise<{ deleted: string; forced: boolean }> => {
  if (!inScope(name, prefix)) throw new UnknownTopicError(name);
  const existing = await admin.listTopics();
  if (!existing.includes(name)) throw new UnknownTopicError(name);
  const definition = def.topics.find((t) => t.name === name);
  const isProtected = definition?.protected ?? false;
  if (isProtected && !force) throw new TopicProtectedError(name);
  await admin.deleteTopics({ topics: [name] });
  return { deleted: name, forced: isProtected && force };
};
