import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Admin, IHeaders, Kafka } from 'kafkajs';
import { createTopicsAndWait } from '../../../shared/kafka/topic-readiness';
import { createManagementHandler } from '../../../shared/management/app';
import type { ManagementHandler, ManagementHandlerOptions } from '../../../shared/management/app';
import { provisionTopics, topicConfigs } from '../../../local/provision';
import type { PlatformDefinition } from '../../../shared/platform';
import { platform, withNamespace } from '../../../shared/platform';
import { authorizers } from '../../support/authorizers';
import { documented } from '../../support/openapi-contract';
import { testKafka, uniquePrefix } from '../../support/kafka';
import { lambdaContext, managementEvent } from './events';
import type { EventChanges, ManagementFixture } from './events';

/** A namespaced, provisioned platform and a management handler serving it. */
export interface Harness {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly def: PlatformDefinition;
  readonly prefix: string;
  readonly management: ManagementHandler;
  /** Invokes the handler with a fixture event, authorized as the local operator (JWT, every scope). */
  readonly call: (
    fixture: ManagementFixture,
    changes?: EventChanges,
  ) => Promise<APIGatewayProxyStructuredResultV2>;
  readonly close: () => Promise<void>;
}

/**
 * Provisions the definition, again when KRaft's metadata lags behind a
 * creation (kafkajs then reports UNKNOWN_TOPIC_OR_PARTITION although the
 * topics exist; provisioning is idempotent).
 */
const provisionWithRetry = async (admin: Admin, def: PlatformDefinition): Promise<void> => {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await provisionTopics(admin, def);
      return;
    } catch (error) {
      if (attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 300 * attempt));
    }
  }
};

/** Starts a harness: provisions the definition under a unique prefix on the real broker. */
export const startHarness = async (
  label: string,
  env: Record<string, string> = {},
  options: Omit<ManagementHandlerOptions, 'env' | 'platform' | 'prefix' | 'kafka'> = {},
): Promise<Harness> => {
  const kafka = testKafka(`mgmt-${label}`);
  const admin = kafka.admin();
  await admin.connect();
  const prefix = uniquePrefix(label);
  const def = withNamespace(platform, prefix);
  await provisionWithRetry(admin, def);
  const management = createManagementHandler({
    env: { ...process.env, ...env },
    platform: def,
    prefix,
    kafka,
    logger: new Logger({
      serviceName: 'management-test',
      logLevel: process.env.MGMT_TEST_LOG === '1' ? 'ERROR' : 'SILENT',
    }),
    // The local runtime's topic configs (replication clamped to the brokers), as `npm start` registers them.
    topicConfigs,
    ...options,
  });
  const call = async (
    fixture: ManagementFixture,
    changes: EventChanges = {},
  ): Promise<APIGatewayProxyStructuredResultV2> => {
    const event = managementEvent(fixture, { authorizer: authorizers.operatorJwt, ...changes });
    // Every answer a test receives is one the OpenAPI document describes.
    return documented(event, await management.handler(event, lambdaContext()));
  };
  const close = async (): Promise<void> => {
    await management.close();
    const mine = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (mine.length > 0) await admin.deleteTopics({ topics: mine }).catch(() => undefined);
    const groups = (await admin.listGroups()).groups
      .map((g) => g.groupId)
      .filter((g) => g.startsWith(prefix));
    if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined);
    await admin.disconnect();
  };
  return { kafka, admin, def, prefix, management, call, close };
};

/** Produces `count` records to one partition; returns nothing until the broker acked. */
export const produce = async (
  kafka: Kafka,
  topic: string,
  count: number,
  partition: number,
  headers: IHeaders = {},
): Promise<void> => {
  const producer = kafka.producer();
  await producer.connect();
  try {
    await producer.send({
      topic,
      acks: -1,
      messages: Array.from({ length: count }, (_, i) => ({
        partition,
        key: `k${i}`,
        value: JSON.stringify({ i }),
        headers,
      })),
    });
  } finally {
    await producer.disconnect();
  }
};

/** Creates a scratch topic directly on the broker. */
export const createScratchTopic = async (
  admin: Admin,
  topic: string,
  partitions: number,
): Promise<void> => {
  await createTopicsAndWait(admin, [{ topic, numPartitions: partitions, replicationFactor: 1 }]);
};
