/**
 * The environment contract of the platform: every variable the code reads
 * or the CDK stack writes, each once (name, zod schema, meaning).
 */

export { envRecord, envShape, envVar, readEnv } from './contract';
export type { EnvShape, EnvVar } from './contract';
export {
  booleanFlagSchema,
  brokerListSchema,
  environmentError,
  parseEnv,
  refineWith,
} from './parse';
export type { EnvProblem } from './parse';
export {
  KafkaEnv,
  ProducerCompression,
  ProducerEnv,
  SaslMechanism,
  SecurityProtocol,
} from './kafka';
export { LocalEnv } from './local';
export { AlertLevel, AlertThresholdEnv, ConsumerEnv, ManagementEnv, PlatformEnv } from './runtime';

export { checkEnvironment, ENV_VARIABLES, FUNCTION_ENV_VARIABLES } from './check';
