import type { Logger } from '@aws-lambda-powertools/logger';
import type { PlatformDefinition } from '../../shared/platform';
import { LocalEnv, readEnv } from '../../shared/platform/env';
import type { EnvVar } from '../../shared/platform/env';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The seed's variables that have no meaning here, each with the reason a
 * user reads once at start (`when`: only for these values).
 */
const IGNORED: readonly {
  readonly variable: EnvVar;
  readonly when: (value: unknown) => boolean;
  readonly reason: string;
}[] = [
  {
    variable: LocalEnv.ConsumerGroupId,
    when: (value: unknown) => value !== undefined,
    reason:
      "each event source mapping has its own consumer group, named by the definition (the seed's single group would make the consumers share records)",
  },
  {
    variable: LocalEnv.ConsumerEnableAutoCommit,
    when: (value: unknown) => value === true,
    reason:
      'an event source mapping commits after a batch succeeds (as AWS does); auto-commit could lose records',
  },
  {
    variable: LocalEnv.EnableEventSourcing,
    when: (value: unknown) => value !== undefined,
    reason:
      "every event already stays in its topic for the definition's retention; there is no separate event store to enable",
  },
];

/**
 * Warns once, at start, about each seed variable set that the platform does
 * not honour, saying why.
 *
 * @example
 * ```ts
 * warnIgnoredSeedVariables(logger, process.env);
 * ```
 */
export const warnIgnoredSeedVariables = (logger: Logger, env: Env): string[] => {
  const warned: string[] = [];
  for (const { variable, when, reason } of IGNORED) {
    if (!when(readEnv(variable, env))) continue;
    logger.warn(`${variable.name} is ignored`, { variable: variable.name, reason });
    warned.push(variable.name);
  }
  return warned;
};

/**
 * The definition with the seed's consumer settings applied to every
 * consumer, for the local ESM (`KAFKA_CONSUMER_MAX_POLL_RECORDS` → batch
 * size, `KAFKA_CONSUMER_AUTO_OFFSET_RESET` → starting position); the
 * definition unchanged when neither is set. The stack keeps the definition's.
 *
 * @example
 * ```ts
 * withSeedConsumerSettings(def, { KAFKA_CONSUMER_MAX_POLL_RECORDS: '500' }).consumers[0].batchSize; // 500
 * ```
 */
export const withSeedConsumerSettings = (def: PlatformDefinition, env: Env): PlatformDefinition => {
  const batchSize = readEnv(LocalEnv.ConsumerMaxPollRecords, env);
  const startingPosition = readEnv(LocalEnv.ConsumerAutoOffsetReset, env);
  if (batchSize === undefined && startingPosition === undefined) return def;
  return {
    ...def,
    consumers: def.consumers.map((c) => ({
      ...c,
      ...(batchSize === undefined ? {} : { batchSize }),
      ...(startingPosition === undefined ? {} : { startingPosition }),
    })),
  };
};
