import { ConfigError } from '../../../shared/errors';
import { loadProducerConfig } from '../../../shared/kafka/producer-config';

const problemsOf = (env: Record<string, string>): string => {
  try {
    loadProducerConfig(env);
    return '';
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
};

describe('producer configuration from the environment', () => {
  it('defaults to an idempotent, acks=all, gzip producer with 3 retries', () => {
    expect(loadProducerConfig({})).toEqual({
      acks: -1,
      idempotent: true,
      retries: 3,
      retryBackoffMs: 100,
      retryMaxBackoffMs: 1000,
      retryDeadlineMs: 5000,
      deliveryTimeoutMs: 20_000,
      batchSizeBytes: 16_384,
      lingerMs: 0,
      compression: 'gzip',
      timeoutMs: 30_000,
      transactionalId: undefined,
    });
  });

  it("reads the seed's variables", () => {
    const config = loadProducerConfig({
      KAFKA_PRODUCER_ACKS: 'all',
      KAFKA_PRODUCER_RETRIES: '5',
      KAFKA_PRODUCER_BATCH_SIZE: '32768',
      KAFKA_PRODUCER_LINGER_MS: '20',
      KAFKA_PRODUCER_COMPRESSION_TYPE: 'NONE',
    });
    expect(config).toMatchObject({
      acks: -1,
      retries: 5,
      batchSizeBytes: 32_768,
      lingerMs: 20,
      compression: 'none',
    });
  });

  it("accepts the seed's low-latency acks=1 by turning idempotence off", () => {
    expect(loadProducerConfig({ KAFKA_PRODUCER_ACKS: '1' })).toMatchObject({
      acks: 1,
      idempotent: false,
    });
  });

  it("bounds the delivery timeout below API Gateway's 29-30 s integration timeout", () => {
    expect(
      loadProducerConfig({ KAFKA_PRODUCER_DELIVERY_TIMEOUT_MS: '28000' }).deliveryTimeoutMs,
    ).toBe(28_000);
    expect(problemsOf({ KAFKA_PRODUCER_DELIVERY_TIMEOUT_MS: '29000' })).toContain(
      'KAFKA_PRODUCER_DELIVERY_TIMEOUT_MS',
    );
  });

  it('rejects idempotence without acks=all, naming the variable', () => {
    expect(problemsOf({ KAFKA_PRODUCER_ACKS: '1', KAFKA_PRODUCER_IDEMPOTENT: 'true' })).toContain(
      'KAFKA_PRODUCER_IDEMPOTENT: an idempotent producer needs KAFKA_PRODUCER_ACKS=all',
    );
  });

  it("accepts the seed's lz4 and snappy (pure-JS codecs), refuses zstd with the reason", () => {
    expect(loadProducerConfig({ KAFKA_PRODUCER_COMPRESSION_TYPE: 'LZ4' }).compression).toBe('lz4');
    expect(loadProducerConfig({ KAFKA_PRODUCER_COMPRESSION_TYPE: 'snappy' }).compression).toBe(
      'snappy',
    );
    expect(problemsOf({ KAFKA_PRODUCER_COMPRESSION_TYPE: 'zstd' })).toContain(
      'KAFKA_PRODUCER_COMPRESSION_TYPE: "zstd" is refused: its kafkajs codec needs a native build',
    );
  });

  it('reports every bad variable at once', () => {
    const message = problemsOf({
      KAFKA_PRODUCER_ACKS: 'most',
      KAFKA_PRODUCER_RETRIES: '-1',
      KAFKA_PRODUCER_LINGER_MS: 'soon',
    });
    expect(message).toContain('KAFKA_PRODUCER_ACKS');
    expect(message).toContain('KAFKA_PRODUCER_RETRIES');
    expect(message).toContain('KAFKA_PRODUCER_LINGER_MS');
  });
});
