/**
 * The environment contract of the platform: every variable the code reads
 * or the CDK stack writes, each once (name, zod schema, meaning).
 */
import type { EnvVar } from './contract';
import { KafkaEnv, ProducerEnv } from './kafka';
import { LocalEnv } from './local';
import { AlertThresholdEnv, ConsumerEnv, ManagementEnv, PlatformEnv } from './runtime';

export { envRecord, envShape, envVar, readEnv } from './contract';
export type { EnvShape, EnvVar } from './contract';
export { booleanFlagSchema, brokerListSchema, parseEnv } from './parse';
export {
  KafkaEnv,
  ProducerCompression,
  ProducerEnv,
  SaslMechanism,
  SecurityProtocol,
} from './kafka';
export { LocalEnv } from './local';
export { AlertLevel, AlertThresholdEnv, ConsumerEnv, ManagementEnv, PlatformEnv } from './runtime';

/**
 * Every variable of the contract.
 *
 * @example
 * ```ts
 * ENV_VARIABLES.map((v) => `${v.name}: ${v.doc}`);
 * ```
 */
export const ENV_VARIABLES: readonly EnvVar[] = [
  ...Object.values(PlatformEnv),
  ...Object.values(KafkaEnv),
  ...Object.values(ProducerEnv),
  ...Object.values(ConsumerEnv),
  ...Object.values(ManagementEnv),
  ...Object.values(AlertThresholdEnv).flatMap((levels) => Object.values(levels)),
  ...Object.values(LocalEnv),
];
