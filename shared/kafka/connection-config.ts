import * as z from 'zod';
import { lazy } from '../lazy';
import { KafkaEnv, envShape, parseEnv, refineWith } from '../platform/env';
import type { EnvProblem, EnvShape } from '../platform/env';

/** The variables the connection's rules across variables read. */
export const CONNECTION_RULE_VARIABLES = [
  KafkaEnv.SecurityProtocol,
  KafkaEnv.SaslMechanism,
  KafkaEnv.SaslUsername,
  KafkaEnv.SaslPassword,
  KafkaEnv.AwsRegion,
] as const;
type ConnectionRuleInput = z.output<z.ZodObject<EnvShape<typeof CONNECTION_RULE_VARIABLES>>>;

/** SASL needs a mechanism, PLAIN and SCRAM their credentials, MSK IAM a region. */
const connectionProblems = (env: ConnectionRuleInput): EnvProblem[] => {
  const problems: EnvProblem[] = [];
  const sasl = env.KAFKA_SECURITY_PROTOCOL.startsWith('SASL');
  if (sasl && env.KAFKA_SASL_MECHANISM === undefined)
    problems.push({
      variable: 'KAFKA_SASL_MECHANISM',
      message: `is required with ${env.KAFKA_SECURITY_PROTOCOL}`,
    });
  const needsPassword =
    sasl && env.KAFKA_SASL_MECHANISM !== undefined && env.KAFKA_SASL_MECHANISM !== 'AWS_MSK_IAM';
  if (needsPassword && (!env.KAFKA_SASL_USERNAME || !env.KAFKA_SASL_PASSWORD))
    problems.push({
      variable: 'KAFKA_SASL_USERNAME',
      message: `KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are required with ${env.KAFKA_SASL_MECHANISM}`,
    });
  if (env.KAFKA_SASL_MECHANISM === 'AWS_MSK_IAM' && !env.AWS_REGION)
    problems.push({ variable: 'AWS_REGION', message: 'is required with AWS_MSK_IAM' });
  return problems;
};

/**
 * The problems of the connection's rules across variables, from the values
 * of (at least) {@link CONNECTION_RULE_VARIABLES} as their own schemas parse
 * them: a function's init checks the rules this way without building the
 * whole settings (shared/kafka/check-settings.ts).
 *
 * @example
 * ```ts
 * connectionRuleProblems({ KAFKA_SECURITY_PROTOCOL: 'SASL_SSL' }); // [{ variable: 'KAFKA_SASL_MECHANISM', ... }]
 * ```
 */
export const connectionRuleProblems = (values: Readonly<Record<string, unknown>>): EnvProblem[] =>
  // Parsed by these variables' own schemas: the values have the rule input's types.
  connectionProblems(values as ConnectionRuleInput);

/** Environment of a Kafka connection (the contract's {@link KafkaEnv}). */
export const kafkaConnectionEnvSchema = lazy(() =>
  z
    .object(
      envShape(
        KafkaEnv.BootstrapServers,
        KafkaEnv.ClientId,
        KafkaEnv.SecurityProtocol,
        KafkaEnv.SaslMechanism,
        KafkaEnv.SaslUsername,
        KafkaEnv.SaslPassword,
        KafkaEnv.SslCaFile,
        KafkaEnv.SslCertFile,
        KafkaEnv.SslKeyFile,
        KafkaEnv.ConnectionTimeoutMs,
        KafkaEnv.RequestTimeoutMs,
        KafkaEnv.AwsRegion,
      ),
    )
    .superRefine(refineWith(connectionProblems)),
);

export type KafkaConnectionConfig = z.output<ReturnType<typeof kafkaConnectionEnvSchema>>;

/**
 * Reads and validates the Kafka connection settings from the environment.
 *
 * @example
 * ```ts
 * const config = loadKafkaConnectionConfig(process.env);
 * config.KAFKA_BOOTSTRAP_SERVERS; // ['127.0.0.1:9092']
 * ```
 */
export const loadKafkaConnectionConfig = (
  env: Readonly<Record<string, string | undefined>> = process.env,
): KafkaConnectionConfig => parseEnv(kafkaConnectionEnvSchema(), env);
