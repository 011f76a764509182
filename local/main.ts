import { join } from 'node:path';
import { withAdmin } from '../shared/kafka/admin';
import { createKafka } from '../shared/kafka/client';
import { loadKafkaConnectionConfig } from '../shared/kafka/connection-config';
import { registerTopicConfigPolicy } from '../shared/management/runtime-hooks';
import { createLogger } from '../shared/observability/logger';
import { loadPlatform, readCommittedSchemas } from '../shared/platform';
import { checkEnvironment, ENV_VARIABLES, LocalEnv, readEnv } from '../shared/platform/env';
import { loadProducerConfig } from '../shared/kafka/producer-config';
import { warnIgnoredSeedVariables } from './esm/seed-env';
import { provisionTopics, topicConfigs } from './provision';
import { ensureBroker, stopBroker } from './runtime/broker';
import type { RunningService } from './runtime/service';
import { registerSchemas, schemaRegistryUrl } from './schemas/registry';
import { localServices } from './services';
import { startOtlpTracing } from './tracing/otlp';

/**
 * `npm start`: the whole platform locally. Starts (or reuses) the broker,
 * provisions the definition's topics (and registers the committed schemas
 * when `SCHEMA_REGISTRY_URL` names a registry), then every local service. Ctrl-C stops
 * them in reverse order; the broker keeps running unless XSEVEN_STOP_BROKER=1.
 */
const main = async (): Promise<void> => {
  const logger = createLogger('xseven-local');
  // Every setting is validated before anything starts: a bad one exits naming it.
  checkEnvironment(ENV_VARIABLES, process.env);
  loadProducerConfig(process.env);
  warnIgnoredSeedVariables(logger, process.env);
  const registryUrl = schemaRegistryUrl();
  await ensureBroker();
  const config = loadKafkaConnectionConfig();
  const { platform: def, prefix } = loadPlatform();
  const kafka = createKafka({ config, clientId: 'xseven-local', logger });
  const otlpEndpoint = readEnv(LocalEnv.OtlpEndpoint);
  const tracing = startOtlpTracing({
    ...(otlpEndpoint === undefined ? {} : { endpoint: otlpEndpoint }),
    serviceName: readEnv(LocalEnv.OtelServiceName) ?? def.name,
  });
  if (otlpEndpoint !== undefined)
    logger.info('spans exported over OTLP', { endpoint: otlpEndpoint });

  const report = await withAdmin(kafka, (admin) => provisionTopics(admin, def));
  logger.info('topics provisioned', { created: report.created, drift: report.drift });
  // The management API's drift check expects the topics as provisioned here.
  registerTopicConfigPolicy(topicConfigs);
  if (registryUrl !== undefined) {
    const schemas = readCommittedSchemas(join(__dirname, '..'));
    const registration = await registerSchemas(registryUrl, schemas, prefix);
    logger.info('schemas registered', { registry: registryUrl, ...registration });
  }

  const running: { name: string; service: RunningService }[] = [];
  for (const service of localServices) {
    running.push({
      name: service.name,
      service: await service.start({ platform: def, kafka, logger, env: process.env }),
    });
    logger.info('service started', { name: service.name });
  }
  const shutdown = async (signal: string): Promise<void> => {
    logger.info('stopping', { signal });
    for (const { name, service } of running.reverse()) {
      await service
        .stop()
        .catch((error: unknown) => logger.error('service failed to stop', { name, error }));
    }
    // The spans of the last requests and records are not lost with the process.
    await tracing.stop().catch((error: unknown) => logger.warn('spans not exported', { error }));
    if (readEnv(LocalEnv.StopBroker)) await stopBroker();
    process.exit(0);
  };
  process.once('SIGINT', (s) => void shutdown(s));
  process.once('SIGTERM', (s) => void shutdown(s));
  // Announced once Ctrl-C is handled: whoever waits for this line may stop us at once.
  logger.info('xseven-events is running locally; Ctrl-C stops it', {
    services: running.map((r) => r.name),
  });
};

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
