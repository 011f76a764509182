import { platform } from './definition';
import { PlatformEnv, readEnv } from './env';
import { deepFreeze } from './defaults';
import { PlatformDefinitionError } from './errors';
import { TOPIC_NAME_MAX_LENGTH } from './limits';
import type { PlatformDefinition } from './schema';

/**
 * A copy of a definition whose topic names and consumer group ids all carry
 * `prefix`. Tests use it to run the real definition on a shared broker
 * without interfering with each other; a deployment may use it for
 * environments sharing one cluster (`XSEVEN_TOPIC_PREFIX`).
 *
 * @example
 * ```ts
 * const def = withNamespace(platform, `t${Date.now()}-`);
 * def.topics[0].name; // 't1700000000000-conversation.events'
 * ```
 */
export const withNamespace = (def: PlatformDefinition, prefix: string): PlatformDefinition => {
  if (prefix === '') return def;
  const t = (name: string): string => `${prefix}${name}`;
  // Not parsed again (a function's init calls this): the prefix is a
  // validated XSEVEN_TOPIC_PREFIX, and the stack validates the namespaced
  // definition it deploys at synth.
  return deepFreeze({
    ...def,
    topics: def.topics.map((topic) => ({ ...topic, name: t(topic.name) })),
    eventRoutes: def.eventRoutes.map((r) => ({ ...r, topic: t(r.topic) })),
    consumers: def.consumers.map((c) => ({
      ...c,
      topics: c.topics.map(t),
      consumerGroupId: t(c.consumerGroupId),
      ...(c.onFailureTopic === undefined ? {} : { onFailureTopic: t(c.onFailureTopic) }),
    })),
    dlq: {
      ...def.dlq,
      topic: t(def.dlq.topic),
      archiveTopic: t(def.dlq.archiveTopic),
      consumerGroupId: t(def.dlq.consumerGroupId),
      byTopic: Object.fromEntries(Object.entries(def.dlq.byTopic).map(([k, v]) => [t(k), v])),
    },
    access: { ...def.access, apiTopicPrefix: t(def.access.apiTopicPrefix) },
  });
};

/** The platform as one process runs it. */
export interface RuntimePlatform {
  /** The definition under the environment's prefix. */
  readonly platform: PlatformDefinition;
  /** `XSEVEN_TOPIC_PREFIX`: the scope of listings (topics and groups starting with it). */
  readonly prefix: string;
}

/**
 * The platform definition under the environment's `XSEVEN_TOPIC_PREFIX`:
 * the one place the prefix is applied. Every entry point calls it (the four
 * Lambdas, the local runtime and the scripts); the CDK stack applies its
 * context's prefix with {@link withNamespace} and writes it into the
 * functions' environment.
 *
 * @example
 * ```ts
 * const { platform, prefix } = loadPlatform({ XSEVEN_TOPIC_PREFIX: 'staging-' });
 * platform.dlq.topic; // 'staging-dead.letter.queue'
 * ```
 */
export const loadPlatform = (
  env: Readonly<Record<string, string | undefined>> = process.env,
): RuntimePlatform => {
  const prefix = readEnv(PlatformEnv.TopicPrefix, env);
  // withNamespace does not parse the result again: the one rule a prefix can break is Kafka's name length.
  const tooLong = platform.topics.filter(
    (t) => prefix.length + t.name.length > TOPIC_NAME_MAX_LENGTH,
  );
  if (tooLong.length > 0)
    throw new PlatformDefinitionError(
      tooLong.map(
        (t) =>
          `${PlatformEnv.TopicPrefix.name} "${prefix}" makes topic "${prefix}${t.name}" longer than Kafka's ${TOPIC_NAME_MAX_LENGTH} characters`,
      ),
    );
  return { platform: withNamespace(platform, prefix), prefix };
};
