import { loadKafkaConnectionConfig } from '../../shared/kafka/connection-config';
import { LocalEnv, readEnv } from '../../shared/platform/env';
import type { LocalRuntimeContext, LocalService } from '../runtime/service';
import { withSeedConsumerSettings } from './seed-env';
import { loadLocalEsmConfig } from './config';
import { startLocalEsm } from './local-esm';
import type { RunningLocalEsm } from './local-esm';
import type { LambdaHandler } from './delivery';

/**
 * Starts the local event source mappings of a runtime context, with the
 * settings of its environment: one per consumer of the definition and
 * topic, running the consumers' handler modules (or `handlers`, by consumer name).
 *
 * @example
 * ```ts
 * const esm = await startLocalEsmOf(context);
 * await esm.stop();
 * ```
 */
export const startLocalEsmOf = (
  { platform, kafka, logger, env }: LocalRuntimeContext,
  handlers?: Readonly<Record<string, LambdaHandler>>,
): Promise<RunningLocalEsm> => {
  const config = loadKafkaConnectionConfig(env);
  return startLocalEsm({
    platform: withSeedConsumerSettings(platform, env),
    fetchMinBytes: readEnv(LocalEnv.ConsumerFetchMinBytes, env),
    kafka,
    logger,
    brokers: config.KAFKA_BOOTSTRAP_SERVERS,
    ...loadLocalEsmConfig(env),
    batchingWindows: readEnv(LocalEnv.BatchingWindowMs, env),
    ...(handlers === undefined ? {} : { handlers }),
  });
};

/**
 * The local event source mappings in the caller's thread (tests and benches
 * that observe the handlers in process; `npm start` runs them in a worker
 * thread: local/esm/thread-service.ts).
 *
 * @example
 * ```ts
 * const running = await localEsmService.start(context);
 * await running.stop();
 * ```
 */
export const localEsmService: LocalService = {
  name: 'local-esm',
  start: async (context) => {
    const esm = await startLocalEsmOf(context);
    return { stop: esm.stop };
  },
};
