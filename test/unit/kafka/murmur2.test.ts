import fc from 'fast-check';
import { Partitioners } from 'kafkajs';
import type { PartitionMetadata } from 'kafkajs';
import { murmur2 } from '../../../shared/kafka/murmur2';
import { defaultPartitioner } from '../../../shared/kafka/producer-lanes';

// kafkajs' own port (64-bit Long arithmetic), which its default partitioner uses.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kafkajsMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2') as (
  key: string | Buffer,
) => number;

const partitions = (count: number): PartitionMetadata[] =>
  Array.from({ length: count }, (_, partitionId) => ({
    partitionId,
    leader: partitionId % 3 === 2 ? -1 : 1,
    replicas: [1],
    isr: [1],
    partitionErrorCode: 0,
  }));

describe('murmur2 in 32-bit arithmetic', () => {
  it('equals kafkajs murmur2 for any string key (ASCII, non-ASCII, lone surrogates) and any byte key', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 80 }),
          fc.string({ unit: 'binary', maxLength: 40 }),
          fc.uint8Array({ maxLength: 80 }).map((bytes) => Buffer.from(bytes)),
        ),
        (key) => {
          expect(murmur2(key)).toBe(kafkajsMurmur2(key));
        },
      ),
      { numRuns: 2000 },
    );
    for (const key of ['', 'a', 'ab', 'abc', 'abcd', 'conv_123', 'héllo', '日本語'])
      expect(murmur2(key)).toBe(kafkajsMurmur2(key));
  });

  it('places keyed records where kafkajs default partitioner does, and keeps its choice for the rest', () => {
    const ours = defaultPartitioner();
    const theirs = Partitioners.DefaultPartitioner();
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.integer({ min: 1, max: 64 }), (key, count) => {
        const args = {
          topic: 't',
          partitionMetadata: partitions(count),
          message: { key, value: 'v' },
        };
        expect(ours(args)).toBe(theirs(args));
      }),
    );
    const metadata = partitions(6);
    expect(
      ours({ topic: 't', partitionMetadata: metadata, message: { value: 'v', partition: 4 } }),
    ).toBe(4);
    // Without a key: round-robin over the partitions that have a leader, as kafkajs.
    const keyless = Array.from({ length: 12 }, () =>
      ours({ topic: 't', partitionMetadata: metadata, message: { value: 'v' } }),
    );
    expect(new Set(keyless)).toEqual(new Set([0, 1, 3, 4]));
  });
});
