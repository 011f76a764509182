import { loadKafkaConnectionConfig } from '../../shared/kafka/connection-config';
import { LocalEnv, readEnv } from '../../shared/platform/env';
import type { LocalService } from '../runtime/service';
import { withSeedConsumerSettings } from './seed-env';
import { loadLocalEsmConfig } from './config';
import { startLocalEsm } from './local-esm';

/**
 * The local event source mappings as a service of `npm start`: one per
 * consumer of the definition, running the consumers' handler modules.
 *
 * @example
 * ```ts
 * const running = await localEsmService.start(context);
 * await running.stop();
 * ```
 */
export const localEsmService: LocalService = {
  name: 'local-esm',
  start: async ({ platform, kafka, logger, env }) => {
    const config = loadKafkaConnectionConfig(env);
    const esm = await startLocalEsm({
      platform: withSeedConsumerSettings(platform, env),
      fetchMinBytes: readEnv(LocalEnv.ConsumerFetchMinBytes, env),
      kafka,
      logger,
      brokers: config.KAFKA_BOOTSTRAP_SERVERS,
      ...loadLocalEsmConfig(env),
      batchingWindows: readEnv(LocalEnv.BatchingWindowMs, env),
    });
    return { stop: esm.stop };
  },
};
