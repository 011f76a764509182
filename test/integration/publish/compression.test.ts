import { randomUUID } from 'node:crypto';
import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import type { Kafka } from 'kafkajs';
import { withAdmin } from '../../../shared/kafka/admin';
import { IN_THREAD_GZIP_MAX_BYTES } from '../../../shared/kafka/codecs';
import { loadProducerConfig } from '../../../shared/kafka/producer-config';
import { KafkaProducer } from '../../../shared/kafka/producer';
import { createTopicsAndWait } from '../../../shared/kafka/topic-readiness';
import { gzipCodec, settlesAtOnce } from '../../support/codecs';
import type { Codec } from '../../support/codecs';
import { readMessages, testKafka } from '../../support/kafka';

/** Counts what a registered codec compresses and decompresses (kafkajs looks codecs up per batch). */
const countCalls = (type: CompressionTypes.LZ4 | CompressionTypes.Snappy) => {
  const counts = { compressed: 0, decompressed: 0 };
  const original = CompressionCodecs[type] as () => Codec;
  CompressionCodecs[type] = () => {
    const codec = original();
    return {
      compress: (encoder: { buffer: Buffer }) => {
        counts.compressed += 1;
        return codec.compress(encoder);
      },
      decompress: (buffer: Buffer) => {
        counts.decompressed += 1;
        return codec.decompress(buffer);
      },
    };
  };
  return { counts, restore: () => (CompressionCodecs[type] = original) };
};

/**
 * A topic that keeps batches as the producer wrote them, and one whose
 * `compression.type` makes the broker decompress them and write them
 * again with `codec`.
 */
const createTopicPair = (
  kafka: Kafka,
  asWritten: string,
  recompressed: string,
  codec: string,
): Promise<void> =>
  withAdmin(kafka, (admin) =>
    createTopicsAndWait(admin, [
      { topic: asWritten, numPartitions: 1, replicationFactor: 1 },
      {
        topic: recompressed,
        numPartitions: 1,
        replicationFactor: 1,
        configEntries: [{ name: 'compression.type', value: codec }],
      },
    ]),
  ).then(() => undefined);

describe.each([
  ['lz4', CompressionTypes.LZ4],
  ['snappy', CompressionTypes.Snappy],
] as const)("the seed's %s compression on the real broker", (name, type) => {
  let kafka: Kafka;

  beforeAll(() => {
    kafka = testKafka(); // registers the codecs
  });

  it('round-trips through kafkajs, and the broker itself decodes it (re-compressing it to gzip)', async () => {
    const asWritten = `compression-${name}-${randomUUID().slice(0, 8)}`;
    const recompressed = `${asWritten}-gzip`;
    await createTopicPair(kafka, asWritten, recompressed, 'gzip');
    const calls = countCalls(type);
    const producer = new KafkaProducer({
      kafka,
      config: loadProducerConfig({ KAFKA_PRODUCER_COMPRESSION_TYPE: name }),
    });
    try {
      // ~200 KB per topic: several 64 KiB LZ4 blocks in one batch.
      const values = Array.from({ length: 50 }, (_, i) =>
        JSON.stringify({
          i,
          text: `the same words again and again ${i % 3} `.repeat(100),
          id: randomUUID(),
        }),
      );
      await producer.send(
        [asWritten, recompressed].flatMap((topic) =>
          values.map((value, i) => ({ topic, key: `k${i}`, value })),
        ),
      );
      expect(calls.counts.compressed).toBeGreaterThan(0);

      const read = await readMessages(kafka, [asWritten], values.length);
      expect(read.map((r) => r.message.value?.toString())).toEqual(values);
      // The broker kept our batch as written: reading it back needed our codec.
      expect(calls.counts.decompressed).toBeGreaterThan(0);

      // compression.type=gzip makes the broker decompress our batch with its
      // own (Java) codec and write it again as gzip.
      const decodedByBroker = await readMessages(kafka, [recompressed], values.length);
      expect(decodedByBroker.map((r) => r.message.value?.toString())).toEqual(values);
    } finally {
      calls.restore();
      await producer.disconnect();
    }
  }, 60_000);
});

describe("the platform producer's gzip on the real broker (small batches compressed on the calling thread)", () => {
  it('writes small and large batches that kafkajs and the broker read back intact', async () => {
    const kafka = testKafka();
    const asWritten = `compression-gzip-${randomUUID().slice(0, 8)}`;
    const recompressed = `${asWritten}-lz4`;
    await createTopicPair(kafka, asWritten, recompressed, 'lz4');
    const producer = new KafkaProducer({ kafka, config: loadProducerConfig({}) });
    try {
      await producer.connect();
      // Connecting made kafkajs' gzip compress a small batch before the call returns (no pool).
      expect(await settlesAtOnce(gzipCodec().compress({ buffer: Buffer.from('{}') }))).toBe(true);
      // One small event (compressed on the thread), then a batch above
      // IN_THREAD_GZIP_MAX_BYTES (compressed on the pool).
      const small = [JSON.stringify({ id: randomUUID(), text: 'one event' })];
      const large = Array.from({ length: 40 }, (_, i) =>
        JSON.stringify({ i, id: randomUUID(), text: `words ${i % 5} `.repeat(300) }),
      );
      expect(large.join('').length).toBeGreaterThan(IN_THREAD_GZIP_MAX_BYTES);
      for (const values of [small, large])
        await producer.send(
          [asWritten, recompressed].flatMap((topic) =>
            values.map((value, i) => ({ topic, key: `k${i}`, value })),
          ),
        );
      const values = [...small, ...large];
      const read = await readMessages(kafka, [asWritten], values.length);
      expect(read.map((r) => r.message.value?.toString())).toEqual(values);
      const decodedByBroker = await readMessages(kafka, [recompressed], values.length);
      expect(decodedByBroker.map((r) => r.message.value?.toString())).toEqual(values);
    } finally {
      await producer.disconnect();
    }
  }, 60_000);
});
