/**
 * The running local platform inside the bench process: the services `npm
 * start` runs (gateway, local ESMs, scheduler), on topics under a fresh
 * prefix, so the bench reads its heap and in-process metrics directly. The
 * function modules read the prefix from the environment once per process
 * (the publish function at import), so bench/prefix.ts sets it before any
 * is imported, and every start in one bench process uses the same topics.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Kafka } from 'kafkajs';
import { withAdmin } from '../shared/kafka/admin';
import { createKafka } from '../shared/kafka/client';
import { registerTopicConfigPolicy } from '../shared/management/runtime-hooks';
import { loadPlatform } from '../shared/platform';
import type { PlatformDefinition } from '../shared/platform';
import { provisionTopics, topicConfigs } from '../local/provision';
import type { LocalService, RunningService } from '../local/runtime/service';
import { inThreadLocalServices } from '../local/services';
import { freePort } from './http';
import { benchPrefix } from './prefix';

/** The platform as the bench started it. */
export interface BenchPlatform {
  readonly def: PlatformDefinition;
  /** The gateway's base URL, e.g. `http://127.0.0.1:40123/api/v1/kafka`. */
  readonly api: string;
  readonly stop: () => Promise<void>;
}

/**
 * Starts every local service of `npm start` on fresh topics.
 *
 * @example
 * ```ts
 * const running = await startBenchPlatform('soak', {});
 * await running.stop();
 * ```
 */
let provisioned: Promise<PlatformDefinition> | undefined;

/**
 * The bench's definition (under its prefix), its topics provisioned on the
 * first call.
 *
 * @example
 * ```ts
 * const def = await benchDefinition(kafka);
 * ```
 */
export const benchDefinition = (kafka: Kafka): Promise<PlatformDefinition> => {
  provisioned ??= (async () => {
    // Set by bench/prefix.ts before any function module read it; a suite
    // run on its own (tsx bench/soak.ts) gets one here, before it starts.
    process.env.XSEVEN_TOPIC_PREFIX ??= benchPrefix('platform');
    const def = loadPlatform().platform;
    await withAdmin(kafka, (admin) => provisionTopics(admin, def));
    registerTopicConfigPolicy(topicConfigs);
    return def;
  })();
  return provisioned;
};

export const startBenchPlatform = async (
  name: string,
  env: Readonly<Record<string, string>>,
  services: readonly LocalService[] = inThreadLocalServices,
): Promise<BenchPlatform> => {
  const logger = new Logger({ serviceName: `bench-${name}`, logLevel: 'WARN' });
  const kafka = createKafka({ clientId: `bench-${name}`, logger });
  const def = await benchDefinition(kafka);
  const port = await freePort();
  const serviceEnv = { ...process.env, ...env, XSEVEN_API_PORT: String(port) };
  const running: RunningService[] = [];
  for (const service of services)
    running.push(await service.start({ platform: def, kafka, logger, env: serviceEnv }));
  return {
    def,
    api: `http://127.0.0.1:${port}${def.apiBasePath}`,
    stop: async () => {
      for (const service of running.reverse()) await service.stop();
    },
  };
};
