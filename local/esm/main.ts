/**
 * `tsx local/esm/main.ts`: runs the local event source mappings alone
 * (without the gateway and scheduler), e.g. to debug a consumer.
 * XSEVEN_ESM_CONSUMERS=conversation-log,ai-responses limits the consumers.
 */
import { createKafka } from '../../shared/kafka/client';
import { loadKafkaConnectionConfig } from '../../shared/kafka/connection-config';
import { createLogger } from '../../shared/observability/logger';
import { loadPlatform } from '../../shared/platform';
import { checkEnvironment, ENV_VARIABLES, LocalEnv, readEnv } from '../../shared/platform/env';
import { warnIgnoredSeedVariables, withSeedConsumerSettings } from './seed-env';
import { startLocalEsm } from './local-esm';

const main = async (): Promise<void> => {
  const logger = createLogger('xseven-local-esm');
  checkEnvironment(ENV_VARIABLES, process.env);
  warnIgnoredSeedVariables(logger, process.env);
  const config = loadKafkaConnectionConfig();
  const consumers = readEnv(LocalEnv.EsmConsumers);
  const def = loadPlatform().platform;
  const kafka = createKafka({ config, clientId: 'xseven-local-esm', logger });
  const esm = await startLocalEsm({
    platform: withSeedConsumerSettings(def, process.env),
    fetchMinBytes: readEnv(LocalEnv.ConsumerFetchMinBytes),
    kafka,
    logger,
    brokers: config.KAFKA_BOOTSTRAP_SERVERS,
    ...(consumers ? { consumers } : {}),
  });
  logger.info('local ESM running; Ctrl-C stops it', {
    consumers: esm.esms.map((e) => e.groupId),
  });
  const shutdown = (): void => {
    void esm.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
};

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
