import type { Logger } from '@aws-lambda-powertools/logger';
import type { Kafka } from 'kafkajs';
import { KafkaUnavailableError, XsevenError } from '../errors';
import { createHttpHandler } from '../http/handler';
import type { HttpApiHandler, HttpRouteHandler } from '../http/handler';
import { ContainerAdmin } from '../kafka/admin';
import { createKafka } from '../kafka/client';
import { loadKafkaConnectionConfig } from '../kafka/connection-config';
import { createLogger } from '../observability/logger';
import { definitionTopicConfigs, loadPlatform } from '../platform';
import { checkFunctionEnvironment } from '../kafka/check-settings';
import { lazy } from '../lazy';
import type { PlatformDefinition, TopicConfigPolicy } from '../platform';
import { loadManagementConfig } from './config';
import type { ManagementContext } from './context';
import { cloudWatchApi, cloudWatchCounters } from './cloudwatch-counters';
import { inProcessCounters } from './counters';
import type { CounterSource } from './counters';
import { awsEsmGate, lambdaEsmApi, localEsmGate } from './esm-gate';
import type { EsmGate } from './esm-gate';
import { managementRoutes } from './routes';
import { wireAnswer } from './wire';
import { kafkaCallerError } from './kafka-errors';
import { getEsmControl, getTopicConfigPolicy } from './runtime-hooks';

/** Options of {@link createManagementHandler}; everything defaults to the environment. */
export interface ManagementHandlerOptions {
  /** Environment variables. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The definition served. @default the platform under XSEVEN_TOPIC_PREFIX */
  readonly platform?: PlatformDefinition;
  /** Scope of listings. @default XSEVEN_TOPIC_PREFIX */
  readonly prefix?: string;
  readonly kafka?: Kafka;
  readonly logger?: Logger;
  readonly counters?: CounterSource;
  readonly esmGate?: EsmGate;
  /** The topic configs the drift check expects. @default the local runtime's when registered, else the definition's */
  readonly topicConfigs?: TopicConfigPolicy;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** A management handler and the way to release its connection (tests, local shutdown). */
export interface ManagementHandler {
  readonly handler: HttpApiHandler;
  readonly close: () => Promise<void>;
}

/** Largest management request body: settings and id lists, far below API Gateway's 10 MB. */
export const MAX_MANAGEMENT_BODY_BYTES = 1024 * 1024;

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * kafkajs failures: a broker error that names the caller's mistake is its
 * 4xx (`kafkaCallerError`); the rest (connection, timeouts, a broker that
 * cannot serve) are the platform's, not the caller's: 503.
 */
const asPlatformError = (error: unknown): unknown => {
  if (error instanceof XsevenError) return error;
  const callerError = kafkaCallerError(error);
  if (callerError !== undefined) return callerError;
  if (error instanceof Error && error.name.startsWith('KafkaJS'))
    return new KafkaUnavailableError(`Kafka did not complete the request: ${error.message}`, {
      cause: error,
    });
  return error;
};

/**
 * Builds the management Lambda handler (API Gateway HTTP API, payload 2.0):
 * problem+json errors, authorization, then dispatch on the route key through
 * the definition's management routes. The Kafka client and its admin connection are
 * created on first use and reused across warm invocations.
 *
 * @example
 * ```ts
 * export const { handler } = createManagementHandler();
 * ```
 */
export const createManagementHandler = (
  options: ManagementHandlerOptions = {},
): ManagementHandler => {
  const env = options.env ?? process.env;
  // Every setting at init, not at first use (the manual retry's producer too).
  checkFunctionEnvironment(env);
  // Read at the first request: each set variable was checked just above,
  // and the management settings have no rule across variables.
  const config = lazy(() => loadManagementConfig(env));
  const loaded =
    options.platform !== undefined && options.prefix !== undefined
      ? { platform: options.platform, prefix: options.prefix }
      : loadPlatform(env);
  const prefix = options.prefix ?? loaded.prefix;
  const def = options.platform ?? loaded.platform;
  const logger = options.logger ?? createLogger('management-api');

  let kafka = options.kafka;
  let counters: Promise<CounterSource> | undefined;
  let gate: Promise<EsmGate> | undefined;
  const getKafka = (): Kafka => {
    kafka ??= createKafka({
      config: loadKafkaConnectionConfig(env),
      clientId: 'xseven-management',
      logger,
    });
    return kafka;
  };
  const admin = new ContainerAdmin(getKafka);
  const getCounters = (): Promise<CounterSource> => {
    counters ??= options.counters
      ? Promise.resolve(options.counters)
      : config().inAws
        ? cloudWatchApi().then((api) =>
            cloudWatchCounters({
              api,
              namespace: config().metricsNamespace,
              serviceName: config().serviceName,
              windowMinutes: config().metricsWindowMinutes,
            }),
          )
        : Promise.resolve(inProcessCounters());
    return counters;
  };
  const getGate = (): Promise<EsmGate> => {
    gate ??= options.esmGate
      ? Promise.resolve(options.esmGate)
      : config().inAws
        ? lambdaEsmApi().then((api) =>
            awsEsmGate({
              api,
              timeoutMs: config().esmDisableTimeoutMs,
              ...(config().mskClusterArn === undefined
                ? {}
                : { eventSourceArn: config().mskClusterArn }),
            }),
          )
        : Promise.resolve(localEsmGate(getEsmControl));
    return gate;
  };

  const context: ManagementContext = {
    platform: def,
    prefix,
    get config() {
      return config();
    },
    logger,
    kafka: getKafka,
    admin: () => admin.get(),
    counters: getCounters,
    esmGate: getGate,
    topicConfigs: () => options.topicConfigs ?? getTopicConfigPolicy() ?? definitionTopicConfigs,
    now: options.now ?? Date.now,
    sleep: options.sleep ?? realSleep,
  };
  const table: Record<string, HttpRouteHandler> = Object.fromEntries(
    Object.entries(managementRoutes).map(([key, route]) => [
      key,
      async (event: Parameters<HttpRouteHandler>[0], matched: Parameters<HttpRouteHandler>[1]) => {
        try {
          return wireAnswer(await route.handle(event, matched.pathParameters, context));
        } catch (error) {
          throw asPlatformError(error);
        }
      },
    ]),
  );
  const handler = createHttpHandler({
    fn: 'management',
    platform: () => def,
    table,
    maxBodyBytes: () => MAX_MANAGEMENT_BODY_BYTES,
    logger,
  });

  return { handler, close: () => admin.close() };
};
