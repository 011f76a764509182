/**
 * The Kafka variables of the environment contract: the connection (the
 * seed's `KAFKA_*` plus MSK IAM) and the producer (`KAFKA_PRODUCER_*`).
 * shared/kafka reads them; the CDK stack writes the connection.
 */
import * as z from 'zod';
import { lazy } from '../../lazy';
import { envVar } from './contract';
import { booleanFlagSchema, brokerListSchema } from './parse';

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

/**
 * Compression codecs the producer can use: kafkajs bundles gzip; lz4 and
 * snappy are pure-JavaScript codecs shared/kafka registers
 * (lz4js, kafkajs-snappy), so they bundle into a Lambda with no native build.
 */
export const ProducerCompression = {
  None: 'none',
  Gzip: 'gzip',
  Lz4: 'lz4',
  Snappy: 'snappy',
} as const;
export type ProducerCompression = (typeof ProducerCompression)[keyof typeof ProducerCompression];

/** The connection of every Kafka client. */
export const KafkaEnv = {
  BootstrapServers: envVar(
    'KAFKA_BOOTSTRAP_SERVERS',
    () => brokerListSchema().default(['127.0.0.1:9092']),
    'Brokers, as JSON (`["localhost:9092"]`, the seed\'s form) or comma-separated',
  ),
  ClientId: envVar(
    'KAFKA_CLIENT_ID',
    () => z.string().min(1).default('xseven-events'),
    'kafkajs client id',
  ),
  SecurityProtocol: envVar(
    'KAFKA_SECURITY_PROTOCOL',
    () =>
      z
        .enum(Object.values(SecurityProtocol) as [SecurityProtocol, ...SecurityProtocol[]])
        .default('PLAINTEXT'),
    '`PLAINTEXT`, `SSL`, `SASL_PLAINTEXT`, `SASL_SSL`',
  ),
  SaslMechanism: envVar(
    'KAFKA_SASL_MECHANISM',
    () => z.enum(Object.values(SaslMechanism) as [SaslMechanism, ...SaslMechanism[]]).optional(),
    '`PLAIN`, `SCRAM-SHA-256`, `SCRAM-SHA-512`, `AWS_MSK_IAM` (OAUTHBEARER token from aws-msk-iam-sasl-signer-js)',
  ),
  SaslUsername: envVar('KAFKA_SASL_USERNAME', () => z.string().optional(), 'SASL PLAIN/SCRAM user'),
  SaslPassword: envVar(
    'KAFKA_SASL_PASSWORD',
    () => z.string().optional(),
    'SASL PLAIN/SCRAM password',
  ),
  SslCaFile: envVar('KAFKA_SSL_CAFILE', () => z.string().optional(), 'PEM file of the CA for TLS'),
  SslCertFile: envVar('KAFKA_SSL_CERTFILE', () => z.string().optional(), 'PEM client certificate'),
  SslKeyFile: envVar('KAFKA_SSL_KEYFILE', () => z.string().optional(), 'PEM client key'),
  ConnectionTimeoutMs: envVar(
    'KAFKA_CONNECTION_TIMEOUT_MS',
    () => z.coerce.number().int().min(100).default(3000),
    'Connection timeout',
  ),
  RequestTimeoutMs: envVar(
    'KAFKA_REQUEST_TIMEOUT_MS',
    () => z.coerce.number().int().min(100).default(30_000),
    'Request timeout',
  ),
  AwsRegion: envVar(
    'AWS_REGION',
    () => z.string().optional(),
    'Region of MSK IAM tokens (set by Lambda)',
  ),
} as const;

const COMPRESSIONS: readonly string[] = Object.values(ProducerCompression);

const compressionSchema = lazy(() =>
  z
    .string()
    .trim()
    .toLowerCase()
    .superRefine((value, ctx) => {
      if (COMPRESSIONS.includes(value)) return;
      ctx.addIssue({
        code: 'custom',
        message:
          value === 'zstd'
            ? '"zstd" is refused: its kafkajs codec needs a native build (@kafkajs/zstd) and no pure-JS or WASM zstd compressor bundles into a Lambda as one file; use "lz4", "snappy", "gzip" or "none"'
            : `"${value}" is not a compression type; use ${COMPRESSIONS.map((c) => `"${c}"`).join(', ')}`,
      });
    })
    .transform((value) => value as ProducerCompression),
);

const acksSchema = lazy(() =>
  z
    .enum(['all', '-1', '1', '0'])
    .transform((value): -1 | 0 | 1 =>
      value === 'all' || value === '-1' ? -1 : (Number(value) as 0 | 1),
    ),
);

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** The producer's settings: the seed's `KAFKA_PRODUCER_*` plus the backoff bounds. */
export const ProducerEnv = {
  Acks: envVar(
    'KAFKA_PRODUCER_ACKS',
    () => acksSchema().default(-1),
    '`all` (default, required by idempotence), `1` or `0`',
  ),
  Retries: envVar(
    'KAFKA_PRODUCER_RETRIES',
    () => int(0, 100).default(3),
    'Retries of a failed send after the first attempt, with exponential backoff and jitter',
  ),
  RetryBackoffMs: envVar(
    'KAFKA_PRODUCER_RETRY_BACKOFF_MS',
    () => int(0, 60_000).default(100),
    'First retry delay',
  ),
  RetryMaxBackoffMs: envVar(
    'KAFKA_PRODUCER_RETRY_MAX_BACKOFF_MS',
    () => int(0, 300_000).default(1000),
    'Longest retry delay',
  ),
  RetryDeadlineMs: envVar(
    'KAFKA_PRODUCER_RETRY_DEADLINE_MS',
    () => int(0, 600_000).default(5000),
    "No new send attempt starts this long after the first one (keeps a 503 inside API Gateway's 30 s)",
  ),
  DeliveryTimeoutMs: envVar(
    'KAFKA_PRODUCER_DELIVERY_TIMEOUT_MS',
    // At most 28 s: API Gateway's integration timeout is 29-30 s, and the
    // API must answer its own 503 (with Retry-After) before the gateway does.
    () => int(1_000, 28_000).default(20_000),
    "How long a send may take, retries included, before it fails with a delivery timeout (the records may or may not be written); at most 28000, under API Gateway's 29-30 s",
  ),
  BatchSize: envVar(
    'KAFKA_PRODUCER_BATCH_SIZE',
    () => int(1, 1_000_000).default(16_384),
    "Bytes of pending records (keys, values and headers) that flush a lingering batch at once (at most 1,000,000: under the broker's 1 MiB message limit)",
  ),
  LingerMs: envVar(
    'KAFKA_PRODUCER_LINGER_MS',
    () => int(0, 10_000).default(0),
    'How long concurrent sends wait to be coalesced into one request (0 = send at once)',
  ),
  CompressionType: envVar(
    'KAFKA_PRODUCER_COMPRESSION_TYPE',
    () => compressionSchema().default(ProducerCompression.Gzip),
    '`gzip` (default), `lz4`, `snappy` or `none` (`zstd` is refused at start: no codec bundles without a native build)',
  ),
  TimeoutMs: envVar(
    'KAFKA_PRODUCER_TIMEOUT_MS',
    () => int(100, 300_000).default(30_000),
    'How long the broker may take to acknowledge a produce request',
  ),
  Idempotent: envVar(
    'KAFKA_PRODUCER_IDEMPOTENT',
    () => booleanFlagSchema().optional(),
    'Idempotent producer (needs acks=all); default true when acks=all',
  ),
  TransactionalId: envVar(
    'KAFKA_PRODUCER_TRANSACTIONAL_ID',
    () => z.string().min(1).max(249).optional(),
    "Prefix of the transaction helper's transactional id (a UUID is appended per container); default `xseven-tx`",
  ),
} as const;
