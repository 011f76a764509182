import * as z from 'zod';
import type { EnvVar } from './contract';
import { envShape } from './contract';
import { KafkaEnv, ProducerEnv } from './kafka';
import { LocalEnv } from './local';
import { parseEnv } from './parse';
import { AlertThresholdEnv, ConsumerEnv, ManagementEnv, PlatformEnv } from './runtime';

/** Every variable a function (Lambda) reads: the contract less the local runtime's. */
export const FUNCTION_ENV_VARIABLES: readonly EnvVar[] = [
  ...Object.values(PlatformEnv),
  ...Object.values(KafkaEnv),
  ...Object.values(ProducerEnv),
  ...Object.values(ConsumerEnv),
  ...Object.values(ManagementEnv),
  ...Object.values(AlertThresholdEnv).flatMap((levels) => Object.values(levels)),
];

/**
 * Every variable of the contract.
 *
 * @example
 * ```ts
 * ENV_VARIABLES.map((v) => `${v.name}: ${v.doc}`);
 * ```
 */
export const ENV_VARIABLES: readonly EnvVar[] = [
  ...FUNCTION_ENV_VARIABLES,
  ...Object.values(LocalEnv),
];

/**
 * Validates `vars` at once, at start (npm start, a Lambda's init) rather
 * than at first use: a ConfigError names every bad variable.
 *
 * @example
 * ```ts
 * checkEnvironment(FUNCTION_ENV_VARIABLES, { KAFKA_PRODUCER_COMPRESSION_TYPE: 'zstd' });
 * // throws: invalid environment: KAFKA_PRODUCER_COMPRESSION_TYPE: "zstd" is refused: ...
 * ```
 */
export const checkEnvironment = (
  vars: readonly EnvVar[] = ENV_VARIABLES,
  env: Readonly<Record<string, string | undefined>> = process.env,
): void => {
  // Only the variables that are set: every variable of the contract has a
  // default or is optional (test/unit/platform/env-contract.test.ts holds
  // it), so an unset one cannot be wrong, and a function's init builds the
  // schemas of its few set variables only (issue #13 item 6).
  const set = vars.filter((v) => env[v.name] !== undefined);
  if (set.length > 0) parseEnv(z.object(envShape(...set)), env);
};
