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

  it("keeps no 16 KiB output buffer alive behind a small batch's bytes", async () => {
    gzipOnThisThread();
    const oneEvent = Buffer.from(JSON.stringify({ id: 'e1', data: { text: 'hello '.repeat(60) } }));
    const read = await gzipCodec().decompress(gzipSync(oneEvent));
    expect(read).toEqual(oneEvent);
    // node's default gives every call a buffer of its own of zlib's 16 KiB chunk, which the
    // records (views of it) kept alive; sized, a small output comes from node's shared pool.
    expect(read.buffer.byteLength).toBeLessThan(16 * 1024);
  });

  it('reads a batch that inflates far beyond its output buffer, whole', async () => {
    gzipOnThisThread();
    const repetitive = Buffer.from('the same line again\n'.repeat(20_000));
    const compressed = gzipSync(repetitive);
    expect(repetitive.length).toBeGreaterThan(100 * compressed.length);
    // Buffer#equals: jest's toEqual walks 400 KB element by element.
    expect((await gzipCodec().decompress(compressed)).equals(repetitive)).toBe(true);
  });

  it('fails on bytes that are not gzip, as the pool codec does', async () => {
    gzipOnThisThread();
    await expect(gzipCodec().decompress(Buffer.from('not gzip'))).rejects.toThrow();
  });
});
