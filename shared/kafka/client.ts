import { readFileSync } from 'node:fs';
import type { ISocketFactory, Kafka, KafkaConfig, RetryOptions, SASLOptions } from 'kafkajs';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { KafkaConnectionConfig } from './connection-config';
import { loadKafkaConnectionConfig } from './connection-config';
import { registerCompressionCodecs } from './codecs';
import { kafkajs } from './kafkajs';
import { kafkajsLogCreator } from './kafkajs-log';

const saslOptions = (config: KafkaConnectionConfig): SASLOptions | undefined => {
  if (!config.KAFKA_SECURITY_PROTOCOL.startsWith('SASL')) return undefined;
  const username = config.KAFKA_SASL_USERNAME ?? '';
  const password = config.KAFKA_SASL_PASSWORD ?? '';
  switch (config.KAFKA_SASL_MECHANISM) {
    case 'SCRAM-SHA-256':
      return { mechanism: 'scram-sha-256', username, password };
    case 'SCRAM-SHA-512':
      return { mechanism: 'scram-sha-512', username, password };
    case 'AWS_MSK_IAM': {
      const region = config.AWS_REGION ?? '';
      return {
        mechanism: 'oauthbearer',
        oauthBearerProvider: async () => {
          // Loaded lazily: only IAM deployments pay for the signer and the AWS SDK.
          const { generateAuthToken } = await import('aws-msk-iam-sasl-signer-js');
          const { token } = await generateAuthToken({ region });
          return { value: token };
        },
      };
    }
    default:
      return { mechanism: 'plain', username, password };
  }
};

const sslOptions = (config: KafkaConnectionConfig): KafkaConfig['ssl'] => {
  const tls =
    config.KAFKA_SECURITY_PROTOCOL === 'SSL' || config.KAFKA_SECURITY_PROTOCOL === 'SASL_SSL';
  if (!tls) return false;
  const files = [config.KAFKA_SSL_CAFILE, config.KAFKA_SSL_CERTFILE, config.KAFKA_SSL_KEYFILE];
  if (files.every((f) => f === undefined)) return true;
  return {
    ...(config.KAFKA_SSL_CAFILE ? { ca: [readFileSync(config.KAFKA_SSL_CAFILE, 'utf8')] } : {}),
    ...(config.KAFKA_SSL_CERTFILE ? { cert: readFileSync(config.KAFKA_SSL_CERTFILE, 'utf8') } : {}),
    ...(config.KAFKA_SSL_KEYFILE ? { key: readFileSync(config.KAFKA_SSL_KEYFILE, 'utf8') } : {}),
  };
};

/** Options of {@link createKafka}. */
export interface CreateKafkaOptions {
  /** Connection settings. @default loaded from process.env */
  readonly config?: KafkaConnectionConfig;
  /** Client id. @default config.KAFKA_CLIENT_ID */
  readonly clientId?: string;
  /** Logger for kafkajs' own logs. @default kafkajs logs are silenced */
  readonly logger?: Logger;
  /**
   * kafkajs' connection retry (how long connecting to an unreachable cluster
   * keeps trying). Request paths that must answer fast (publish: 503 within
   * seconds) bound it. @default kafkajs' own (5 retries, up to ~30 s)
   */
  readonly retry?: RetryOptions;
  /** How connections are opened. @default kafkajs' own (TCP or TLS to the broker asked for) */
  readonly socketFactory?: ISocketFactory;
}

/**
 * Builds a kafkajs client from validated connection settings: PLAINTEXT,
 * TLS, SASL PLAIN/SCRAM, or MSK IAM (OAUTHBEARER).
 *
 * @example
 * ```ts
 * const kafka = createKafka({ clientId: 'publish-api' });
 * const producer = kafka.producer({ idempotent: true });
 * ```
 */
export const createKafka = (options: CreateKafkaOptions = {}): Kafka => {
  // Every client may write or read lz4 and snappy records (kafkajs bundles gzip only).
  registerCompressionCodecs();
  const config = options.config ?? loadKafkaConnectionConfig();
  const sasl = saslOptions(config);
  const { Kafka, logLevel } = kafkajs();
  return new Kafka({
    clientId: options.clientId ?? config.KAFKA_CLIENT_ID,
    brokers: config.KAFKA_BOOTSTRAP_SERVERS,
    ssl: sslOptions(config),
    ...(sasl ? { sasl } : {}),
    connectionTimeout: config.KAFKA_CONNECTION_TIMEOUT_MS,
    requestTimeout: config.KAFKA_REQUEST_TIMEOUT_MS,
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.socketFactory ? { socketFactory: options.socketFactory } : {}),
    ...(options.logger
      ? { logCreator: kafkajsLogCreator(options.logger), logLevel: logLevel.WARN }
      : { logLevel: logLevel.NOTHING }),
  });
};
