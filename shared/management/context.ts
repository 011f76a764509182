import type { Logger } from '@aws-lambda-powertools/logger';
import type { Admin, Kafka } from 'kafkajs';
import type { ContractHandler } from '../http/serve-route';
import type { PlatformDefinition, TopicConfigPolicy } from '../platform';
import type { ManagementConfig } from './config';
import type { managementContracts } from './contracts';
import type { CounterSource } from './counters';
import type { EsmGate } from './esm-gate';

/**
 * What every management route gets: the (namespaced) platform definition,
 * the scope, settings, and the container-wide Kafka connection and
 * collaborators, created lazily and reused across warm invocations.
 */
export interface ManagementContext {
  readonly platform: PlatformDefinition;
  /** Topics and groups listed, reported and deleted are those starting with it. */
  readonly prefix: string;
  readonly config: ManagementConfig;
  readonly logger: Logger;
  readonly kafka: () => Kafka;
  /** The connected admin client of this container. */
  readonly admin: () => Promise<Admin>;
  /** In-process counters locally, CloudWatch in AWS. */
  readonly counters: () => Promise<CounterSource>;
  /** Local ESM control locally, the Lambda ESM API in AWS. */
  readonly esmGate: () => Promise<EsmGate>;
  /** The topic configs the drift check expects (the local runtime's, else the definition's). */
  readonly topicConfigs: () => TopicConfigPolicy;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

/** A management route's key below the API base path (`'DELETE /topics/{name}'`). */
export type ManagementRouteKey = keyof ReturnType<typeof managementContracts>;

/**
 * One management route's implementation: its input parsed with its contract
 * (contracts.ts; shared/http/serve-route.ts), and the context.
 */
export type RouteHandler<K extends ManagementRouteKey> = ContractHandler<
  ReturnType<typeof managementContracts>[K],
  ManagementContext
>;
