import * as z from 'zod';
import { brokerListSchema, parseEnv } from '../config/env';

export const SecurityProtocol = {
  Plaintext: 'PLAINTEXT',
  Ssl: 'SSL',
  SaslPlaintext: 'SASL_PLAINTEXT',
  SaslSsl: 'SASL_SSL',
} as const;
export type SecurityProtocol = (typeof SecurityProtocol)[keyof typeof SecurityProtocol];

export const SaslMechanism = {
  Plain: 'PLAIN',
  ScramSha256: 'SCRAM-SHA-256',
  ScramSha512: 'SCRAM-SHA-512',
  /** Amazon MSK IAM, through SASL OAUTHBEARER and aws-msk-iam-sasl-signer-js. */
  AwsMskIam: 'AWS_MSK_IAM',
} as const;
export type SaslMechanism = (typeof SaslMechanism)[keyof typeof SaslMechanism];

/** Environment of a Kafka connection (the seed's variables plus MSK IAM). */
export const kafkaConnectionEnvSchema = z
  .object({
    KAFKA_BOOTSTRAP_SERVERS: brokerListSchema.default(['127.0.0.1:9092']),
    KAFKA_CLIENT_ID: z.string().min(1).default('xseven-events'),
    KAFKA_SECURITY_PROTOCOL: z
      .enum(Object.values(SecurityProtocol) as [SecurityProtocol, ...SecurityProtocol[]])
      .default('PLAINTEXT'),
    KAFKA_SASL_MECHANISM: z
      .enum(Object.values(SaslMechanism) as [SaslMechanism, ...SaslMechanism[]])
      .optional(),
    KAFKA_SASL_USERNAME: z.string().optional(),
    KAFKA_SASL_PASSWORD: z.string().optional(),
    KAFKA_SSL_CAFILE: z.string().optional(),
    KAFKA_SSL_CERTFILE: z.string().optional(),
    KAFKA_SSL_KEYFILE: z.string().optional(),
    KAFKA_CONNECTION_TIMEOUT_MS: z.coerce.number().int().min(100).default(3000),
    KAFKA_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
    AWS_REGION: z.string().optional(),
    XSEVEN_TOPIC_PREFIX: z
      .string()
      .regex(/^[a-zA-Z0-9._-]*$/)
      .default(''),
  })
  .superRefine((env, ctx) => {
    const sasl = env.KAFKA_SECURITY_PROTOCOL.startsWith('SASL');
    if (sasl && env.KAFKA_SASL_MECHANISM === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['KAFKA_SASL_MECHANISM'],
        message: `is required with ${env.KAFKA_SECURITY_PROTOCOL}`,
      });
    const needsPassword =
      sasl && env.KAFKA_SASL_MECHANISM !== undefined && env.KAFKA_SASL_MECHANISM !== 'AWS_MSK_IAM';
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
  });

export type KafkaConnectionConfig = z.output<typeof kafkaConnectionEnvSchema>;

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
): KafkaConnectionConfig => parseEnv(kafkaConnectionEnvSchema, env);
