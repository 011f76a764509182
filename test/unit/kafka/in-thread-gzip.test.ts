import { gzipSync, unzipSync } from 'node:zlib';
import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import { gzipOnThisThread } from '../../../shared/kafka/codecs';
import { gzipCodec, settlesAtOnce } from '../../support/codecs';

describe('gzip on the calling thread (the local ESM worker)', () => {
  const original = CompressionCodecs[CompressionTypes.GZIP];
  afterEach(() => {
    CompressionCodecs[CompressionTypes.GZIP] = original;
  });

  const payload = Buffer.from(
    JSON.stringify({ records: Array.from({ length: 500 }, (_, i) => i) }),
  );

  it("kafkajs' own codec waits for the thread pool", async () => {
    expect(await settlesAtOnce(gzipCodec().decompress(gzipSync(payload)))).toBe(false);
  });

  it('reads and writes what kafkajs and the broker read and write, done before the call returns', async () => {
    gzipOnThisThread();
    const codec = gzipCodec();
    const read = codec.decompress(gzipSync(payload));
    expect(await settlesAtOnce(read)).toBe(true);
    expect(await read).toEqual(payload);
    const written = codec.compress({ buffer: payload });
    expect(await settlesAtOnce(written)).toBe(true);
    expect(unzipSync(await written)).toEqual(payload);
  });

  it('fails on bytes that are not gzip, as the pool codec does', async () => {
    gzipOnThisThread();
    await expect(gzipCodec().decompress(Buffer.from('not gzip'))).rejects.toThrow();
  });
});
