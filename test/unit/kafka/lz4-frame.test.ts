import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import { registerCompressionCodecs } from '../../../shared/kafka/codecs';
import type { Codec } from '../../support/codecs';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const xxh32 = require('lz4js/xxh32.js') as {
  hash(seed: number, src: Uint8Array, index: number, length: number): number;
};

describe('the LZ4 frame the platform writes', () => {
  it('opens with the header Kafka reads: magic, independent 64 KiB blocks, and their xxHash32 checksum', async () => {
    registerCompressionCodecs();
    const codec = (CompressionCodecs[CompressionTypes.LZ4] as () => Codec)();
    const payload = Buffer.from('{"event":"an event of the platform"}'.repeat(100));
    const frame = await codec.compress({ buffer: payload });
    expect([...frame.subarray(0, 6)]).toEqual([0x04, 0x22, 0x4d, 0x18, 0x60, 0x40]);
    expect(frame[6]).toBe((xxh32.hash(0, frame, 4, 2) >>> 8) & 0xff);
    expect(await codec.decompress(frame)).toEqual(payload);
  });
});
