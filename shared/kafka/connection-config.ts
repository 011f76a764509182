import * as z from 'zod';
import { lazy } from '../lazy';
import { KafkaEnv, envShape, parseEnv } from '../platform/env';

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
    .superRefine((env, ctx) => {
      const sasl = env.KAFKA_SECURITY_PROTOCOL.startsWith('SASL');
      if (sasl && env.KAFKA_SASL_MECHANISM === undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['KAFKA_SASL_MECHANISM'],
          message: `is required with ${env.KAFKA_SECURITY_PROTOCOL}`,
        });
      const needsPassword =
        sasl &&
        env.KAFKA_SASL_MECHANISM !== undefined &&
        env.KAFKA_SASL_MECHANISM !== 'AWS_MSK_IAM';
      if (needsPassword && (!env.KAFKA_SASL_USERNAME || !env.KAFKA_SASL_PASSWORD))
        ctx.addIssue({
          code: 'custom',
          path: ['KAFKA_SASL_USERNAME'],
          message: `KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are required with ${env.KAFKA_SASL_MECHANISM}`,
        });
      if (env.KAFKA_SASL_MECHANISM === 'AWS_MSK_IAM' && !env.AWS_REGION)
        ctx.addIssue({
          code: 'custom',
          path: ['AWS_REGION'],
          message: 'is required with AWS_MSK_IAM',
        });
    }),
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
