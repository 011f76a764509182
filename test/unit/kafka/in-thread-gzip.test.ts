import { gzipSync, unzipSync } from 'node:zlib';
import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import { gzipOnThisThread } from '../../../shared/kafka/codecs';

type Codec = {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
};

const gzipCodec = (): Codec => (CompressionCodecs[CompressionTypes.GZIP] as () => Codec)();

/** Whether `work` settles within a few microtask turns, i.e. without waiting for the thread pool. */
const settlesAtOnce = async (work: Promise<unknown>): Promise<boolean> => {
  let settled = false;
  void work.then(() => (settled = true));
  for (let turn = 0; turn < 5; turn += 1) await Promise.resolve();
  return settled;
};

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
