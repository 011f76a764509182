import * as z from 'zod';
import {
  environmentError,
  envShape,
  FUNCTION_ENV_VARIABLES,
  KafkaEnv,
  parseEnv,
  ProducerEnv,
} from '../platform/env';
import type { EnvProblem, EnvVar } from '../platform/env';
import { CONNECTION_RULE_VARIABLES, connectionRuleProblems } from './connection-config';
import { PRODUCER_RULE_VARIABLES, producerRuleProblems } from './producer-config';

type Env = Readonly<Record<string, string | undefined>>;
type Values = Readonly<Record<string, unknown>>;

/** Settings with rules across their variables: the group, what its rules read, their problems. */
const GROUPS: readonly (readonly [
  vars: readonly EnvVar[],
  ruleVars: readonly EnvVar[],
  problems: (values: Values) => EnvProblem[],
])[] = [
  [Object.values(KafkaEnv), CONNECTION_RULE_VARIABLES, connectionRuleProblems],
  [Object.values(ProducerEnv), PRODUCER_RULE_VARIABLES, producerRuleProblems],
];

/**
 * A function's settings, checked at its init: each set variable, and the
 * rules across the variables of the Kafka connection and of the producer
 * (SASL needs its credentials, an idempotent producer acks=all) when one of
 * the group's variables is set (unset, a group takes its defaults, which
 * satisfy its rules: test/unit/platform/fail-fast.test.ts). One object of
 * the set variables and of those the rules read is parsed, so an init
 * builds no other schema (issue #13 item 6); the connection and the
 * producer read their whole settings at their first use.
 *
 * @example
 * ```ts
 * checkFunctionEnvironment({ KAFKA_PRODUCER_ACKS: '1', KAFKA_PRODUCER_IDEMPOTENT: 'true' });
 * // throws: invalid environment: KAFKA_PRODUCER_IDEMPOTENT: an idempotent producer needs ...
 * ```
 */
export const checkFunctionEnvironment = (env: Env = process.env): void => {
  const ruled = GROUPS.filter(([vars]) => vars.some((v) => env[v.name] !== undefined));
  const read = new Set(ruled.flatMap(([, ruleVars]) => ruleVars.map((v) => v.name)));
  const vars = FUNCTION_ENV_VARIABLES.filter((v) => env[v.name] !== undefined || read.has(v.name));
  if (vars.length === 0) return;
  const values: Values = parseEnv(z.object(envShape(...vars)), env);
  const problems = ruled.flatMap(([, , groupProblems]) => groupProblems(values));
  if (problems.length > 0) throw environmentError(problems);
};
