import { Logger } from '@aws-lambda-powertools/logger';
import { createConsumerHandler } from '../../../functions/consumers/create-consumer';
import { EventBus } from '../../../shared/consumer/bus';
import { createDlqRetryHandler } from '../../../functions/dlq-retry/handler';
import { createPublishHandler } from '../../../functions/publish/handler';
import { ConfigError } from '../../../shared/errors';
import { checkFunctionEnvironment } from '../../../shared/kafka/check-settings';
import { loadKafkaConnectionConfig } from '../../../shared/kafka/connection-config';
import { loadProducerConfig } from '../../../shared/kafka/producer-config';
import { createManagementHandler } from '../../../shared/management/app';
import { platform } from '../../../shared/platform';
import {
  checkEnvironment,
  ENV_VARIABLES,
  FUNCTION_ENV_VARIABLES,
} from '../../../shared/platform/env';
import { warnIgnoredSeedVariables, withSeedConsumerSettings } from '../../../local/esm/seed-env';

const failure = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('no ConfigError');
};

/** Runs `run` with `vars` in process.env (the Lambdas read it at init). */
const withProcessEnv = <T>(vars: Record<string, string>, run: () => T): T => {
  const saved = { ...process.env };
  Object.assign(process.env, vars);
  try {
    return run();
  } finally {
    for (const name of Object.keys(vars)) delete process.env[name];
    Object.assign(process.env, saved);
  }
};

describe('every setting is validated at start', () => {
  it.each([
    ['a number', 'XSEVEN_API_PORT', 'eighty'],
    ['a bounded number', 'KAFKA_PRODUCER_RETRIES', '1000'],
    ['an option', 'KAFKA_SECURITY_PROTOCOL', 'TLS'],
    ['a compression codec without a bundlable codec', 'KAFKA_PRODUCER_COMPRESSION_TYPE', 'zstd'],
    ['a URL', 'SCHEMA_REGISTRY_URL', 'ftp://registry'],
    ['a flag', 'XSEVEN_STOP_BROKER', 'perhaps'],
    ['a broker list', 'KAFKA_BOOTSTRAP_SERVERS', 'localhost'],
    ['a seed consumer setting', 'KAFKA_CONSUMER_MAX_POLL_RECORDS', '20000'],
    ['a seed offset reset', 'KAFKA_CONSUMER_AUTO_OFFSET_RESET', 'smallest'],
  ])('%s: %s=%s is refused, naming the variable', (_kind, name, value) => {
    expect(failure(() => checkEnvironment(ENV_VARIABLES, { [name]: value }))).toContain(`${name}:`);
  });

  it('reports every bad variable at once', () => {
    const message = failure(() =>
      checkEnvironment(FUNCTION_ENV_VARIABLES, {
        KAFKA_PRODUCER_ACKS: 'most',
        XSEVEN_HEALTH_TIMEOUT_MS: '5',
      }),
    );
    expect(message).toContain('KAFKA_PRODUCER_ACKS');
    expect(message).toContain('XSEVEN_HEALTH_TIMEOUT_MS');
  });

  const logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });

  /** The ConfigError message of each Lambda's init with `vars` set (none may start). */
  const initFailures = (vars: Record<string, string>): Record<string, string> => ({
    publish: withProcessEnv(vars, () => failure(() => createPublishHandler({ logger }))),
    consumer: failure(() =>
      createConsumerHandler({
        consumer: 'conversation-log',
        bus: new EventBus(),
        logger,
        env: vars,
      }),
    ),
    management: failure(() => createManagementHandler({ logger, env: vars })),
    dlqRetry: withProcessEnv(vars, () =>
      failure(() => createDlqRetryHandler({ logger, platform })),
    ),
  });

  it.each([
    [
      'a bad variable',
      { KAFKA_PRODUCER_COMPRESSION_TYPE: 'zstd' },
      'KAFKA_PRODUCER_COMPRESSION_TYPE',
    ],
    // The rules across variables of settings each Lambda builds only at first use.
    [
      "the producer's rules",
      { KAFKA_PRODUCER_ACKS: '1', KAFKA_PRODUCER_IDEMPOTENT: 'true' },
      'KAFKA_PRODUCER_IDEMPOTENT',
    ],
    [
      "the connection's rules",
      { KAFKA_SECURITY_PROTOCOL: 'SASL_SSL', KAFKA_SASL_MECHANISM: 'PLAIN' },
      'KAFKA_SASL_USERNAME',
    ],
  ])("%s: every Lambda's init fails, naming it, not its first request", (_what, vars, named) => {
    const failures = initFailures(vars);
    expect(Object.keys(failures)).toEqual(['publish', 'consumer', 'management', 'dlqRetry']);
    for (const [fn, message] of Object.entries(failures))
      expect([fn, message]).toEqual([fn, expect.stringContaining(`${named}:`)]);
  });

  it('builds no connection or producer schema at init when none of their variables is set: their defaults satisfy the rules', () => {
    expect(() => loadKafkaConnectionConfig({})).not.toThrow();
    expect(() => loadProducerConfig({})).not.toThrow();
    expect(() => checkFunctionEnvironment({})).not.toThrow();
  });
});

describe("the seed's variables", () => {
  it('maps KAFKA_CONSUMER_* onto the local ESM: max poll records -> batch size, offset reset -> starting position', () => {
    const def = withSeedConsumerSettings(platform, {
      KAFKA_CONSUMER_MAX_POLL_RECORDS: '500',
      KAFKA_CONSUMER_AUTO_OFFSET_RESET: 'latest',
    });
    expect(def.consumers.length).toBeGreaterThan(0);
    for (const consumer of def.consumers)
      expect(consumer).toMatchObject({ batchSize: 500, startingPosition: 'LATEST' });
    expect(withSeedConsumerSettings(platform, {})).toBe(platform);
  });

  it('warns once, with the reason, about each one that does not map (SCHEMA_REGISTRY_URL is honoured)', () => {
    const warnings: unknown[][] = [];
    const spy = new Logger({ serviceName: 'test' });
    jest.spyOn(spy, 'warn').mockImplementation((...args: unknown[]) => void warnings.push(args));
    const warned = warnIgnoredSeedVariables(spy, {
      ENABLE_EVENT_SOURCING: 'true',
      KAFKA_CONSUMER_GROUP_ID: 'xseven-ai-consumers',
      KAFKA_CONSUMER_ENABLE_AUTO_COMMIT: 'false',
      SCHEMA_REGISTRY_URL: 'http://localhost:8081',
    });
    expect(warned).toEqual(['KAFKA_CONSUMER_GROUP_ID', 'ENABLE_EVENT_SOURCING']);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]?.[1]).toMatchObject({ reason: expect.stringContaining('consumer group') });
    expect(warnIgnoredSeedVariables(spy, { KAFKA_CONSUMER_ENABLE_AUTO_COMMIT: 'true' })).toEqual([
      'KAFKA_CONSUMER_ENABLE_AUTO_COMMIT',
    ]);
  });
});
