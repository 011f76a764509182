import { join } from 'node:path';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Kafka } from 'kafkajs';
import type { MSKEvent } from 'aws-lambda';
import type { PlatformDefinition } from '../../shared/platform/schema';
import { withAdmin } from '../../shared/kafka/admin';
import { withBatchingWindows } from '../../shared/platform/batching-window';
import type { BatchingWindows } from '../../shared/platform/batching-window';
import { LocalEnv, readEnv } from '../../shared/platform/env';
import { KafkaProducer } from '../../shared/kafka/producer';
import { loadProducerConfig } from '../../shared/kafka/producer-config';
import { dlqProducerConfig } from '../../shared/kafka/producer-instance';
import { registerEsmControl } from '../../shared/management/runtime-hooks';
import type { EsmControl } from '../../shared/management/runtime-hooks';
import { ConsumerEsm } from './consumer-esm';
import type { InvocationOutcome, LambdaHandler } from './delivery';
import { loadLocalEsmConfig } from './config';
import type { EsmMemoryBounds } from './config';
import { EsmConfigError } from './errors';
import { localClusterArn } from './local-arns';

const REPO_ROOT = join(__dirname, '..', '..');

/**
 * Loads a consumer's handler module (a path of the definition, e.g.
 * `functions/consumers/conversation-log.ts`) and returns its `handler`.
 *
 * @example
 * ```ts
 * const handler = await loadHandler('functions/consumers/conversation-log.ts');
 * ```
 */
export const loadHandler = async (handlerModule: string): Promise<LambdaHandler> => {
  const mod = (await import(join(REPO_ROOT, handlerModule))) as { handler?: unknown };
  if (typeof mod.handler !== 'function')
    throw new EsmConfigError(`${handlerModule} does not export a handler function`);
  return mod.handler as LambdaHandler;
};

/** The ARN of the cluster `kafka` talks to: one per local cluster, as in AWS. */
const clusterArnOf = (kafka: Kafka, name: string): Promise<string> =>
  withAdmin(kafka, async (admin) =>
    localClusterArn(name, (await admin.describeCluster()).clusterId),
  );

/** Options of {@link startLocalEsm}. */
export interface LocalEsmOptions {
  readonly platform: PlatformDefinition;
  readonly kafka: Kafka;
  readonly logger: Logger;
  /** Brokers, for the events' `bootstrapServers`. */
  readonly brokers: readonly string[];
  /** The seed's KAFKA_CONSUMER_FETCH_MIN_BYTES (kafkajs `minBytes`). @default `fetchMinBytes` of consumer-esm.ts (16 KiB with a batching window, else 1) */
  readonly fetchMinBytes?: number | undefined;
  /** Only these consumers (by name). @default every consumer of the definition */
  readonly consumers?: readonly string[];
  /** Handlers by consumer name, instead of loading the definition's modules. */
  readonly handlers?: Readonly<Record<string, LambdaHandler>>;
  readonly onInvocation?: (consumer: string, event: MSKEvent, outcome: InvocationOutcome) => void;
  readonly backoffMs?: (retry: number) => number;
  /** Register with the management API's ESM control. @default true */
  readonly register?: boolean;
  /** The local stand-in of the S3 on-failure bucket. @default XSEVEN_ON_FAILURE_DIR or .xseven/on-failure */
  readonly onFailureDir?: string;
  /** Wait between two attempts to write to an unwritable on-failure destination. @default 1 s */
  readonly onFailureRetryMs?: number;
  /** Byte bounds of each mapping. @default from the environment (XSEVEN_ESM_READ_AHEAD_BYTES...) */
  readonly memory?: EsmMemoryBounds;
  /** Batching windows overriding the definition's. @default XSEVEN_BATCHING_WINDOW_MS */
  readonly batchingWindows?: BatchingWindows;
}

/** The running local ESMs. */
export interface RunningLocalEsm extends EsmControl {
  readonly esms: readonly ConsumerEsm[];
  readonly stop: () => Promise<void>;
}

/**
 * Starts the local event source mappings of the definition's consumers (one
 * per consumer and topic, with AWS's group ids, see `esmGroupId`, all
 * carrying the cluster's ARN as their `eventSourceArn`) and
 * registers them with the ESM control, so the management API can pause a
 * group (it then has no active member) to reset its offsets.
 *
 * @example
 * ```ts
 * const esm = await startLocalEsm({ platform, kafka, logger, brokers: ['127.0.0.1:9092'] });
 * await esm.stop();
 * ```
 */
export const startLocalEsm = async (options: LocalEsmOptions): Promise<RunningLocalEsm> => {
  const { kafka, logger } = options;
  const platform = withBatchingWindows(
    options.platform,
    options.batchingWindows ?? readEnv(LocalEnv.BatchingWindowMs),
  );
  const selected = platform.consumers.filter(
    (c) => options.consumers === undefined || options.consumers.includes(c.name),
  );
  const eventSourceArn = await clusterArnOf(kafka, platform.name);
  const config = loadLocalEsmConfig();
  const onFailureDir = options.onFailureDir ?? config.onFailureDir;
  const memory = options.memory ?? config.memory;
  // One producer for every mapping's on-failure destination, connected on its first write.
  const producer = new KafkaProducer({
    kafka,
    config: dlqProducerConfig(loadProducerConfig()),
    logger,
  });
  const esms: ConsumerEsm[] = [];
  for (const consumer of selected) {
    const handler =
      options.handlers?.[consumer.name] ?? (await loadHandler(consumer.handlerModule));
    const onInvocation = options.onInvocation;
    // As in AWS: one event source mapping per topic the consumer reads.
    for (const topic of consumer.topics)
      esms.push(
        new ConsumerEsm({
          consumer,
          topic,
          kafka,
          logger,
          handler,
          producer,
          onFailureDir,
          memory,
          ...(options.fetchMinBytes === undefined ? {} : { fetchMinBytes: options.fetchMinBytes }),
          ...(options.onFailureRetryMs === undefined
            ? {}
            : { onFailureRetryMs: options.onFailureRetryMs }),
          source: {
            eventSourceArn,
            bootstrapServers: options.brokers.join(','),
          },
          ...(onInvocation
            ? { onInvocation: (event, outcome) => onInvocation(consumer.name, event, outcome) }
            : {}),
          ...(options.backoffMs ? { backoffMs: options.backoffMs } : {}),
        }),
      );
  }
  await Promise.all(esms.map((esm) => esm.start()));
  const byGroup = (groupId: string): ConsumerEsm | undefined =>
    esms.find((esm) => esm.groupId === groupId);
  const control: EsmControl = {
    owns: (groupId) => byGroup(groupId) !== undefined,
    pause: async (groupId) => {
      await byGroup(groupId)?.stop();
    },
    resume: async (groupId) => {
      await byGroup(groupId)?.start();
    },
  };
  if (options.register !== false) registerEsmControl(control);
  return {
    ...control,
    esms,
    stop: async () => {
      if (options.register !== false) registerEsmControl(undefined);
      await Promise.all(esms.map((esm) => esm.stop()));
      await producer.disconnect();
    },
  };
};
