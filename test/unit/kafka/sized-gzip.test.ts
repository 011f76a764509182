import { gzipSync, unzipSync } from 'node:zlib';
import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import {
  IN_THREAD_GZIP_MAX_BYTES,
  gzipOnThisThread,
  gzipOptionsFor,
  gzipSmallBatchesInThread,
  sizedGzip,
  unzipOptionsFor,
} from '../../../shared/kafka/codecs';
import { gzipCodec, settlesAtOnce } from '../../support/codecs';
import type { Codec } from '../../support/codecs';

/** Exactly `bytes` bytes of JSON-like text. */
const payloadOf = (bytes: number): Buffer => {
  const text = Buffer.from(`{"text":"${'an event of the platform '.repeat(bytes / 25 + 1)}`);
  const payload = text.subarray(0, bytes);
  expect(payload.length).toBe(bytes);
  return payload;
};

/** A pool codec that records what it was given. */
const recordingPool = () => {
  const calls = { compressed: [] as number[], decompressed: 0 };
  const pool: Codec = {
    compress: async ({ buffer }) => {
      calls.compressed.push(buffer.length);
      return gzipSync(buffer);
    },
    decompress: async (buffer) => {
      calls.decompressed += 1;
      return unzipSync(buffer);
    },
  };
  return { pool, calls };
};

describe('sizedGzip', () => {
  it('compresses a batch of at most maxBytes on the calling thread, into gzip any reader reads', async () => {
    const { pool, calls } = recordingPool();
    const codec = sizedGzip(pool, 1024);
    const payload = payloadOf(1024);
    const written = codec.compress({ buffer: payload });
    expect(await settlesAtOnce(written)).toBe(true);
    expect(unzipSync(await written)).toEqual(payload);
    expect(calls.compressed).toEqual([]);
  });

  it('hands a larger batch, and every decompression, to the pool', async () => {
    const { pool, calls } = recordingPool();
    const codec = sizedGzip(pool, 1024);
    const payload = payloadOf(1025);
    expect(unzipSync(await codec.compress({ buffer: payload }))).toEqual(payload);
    expect(calls.compressed).toEqual([1025]);
    expect(await codec.decompress(gzipSync(payload))).toEqual(payload);
    expect(calls.decompressed).toBe(1);
  });
});

describe('gzipOptionsFor', () => {
  it("sizes the window to span the whole input, from zlib's smallest (512 bytes) to its default (32 KiB)", () => {
    // zlib keeps 262 bytes of lookahead beyond the window.
    expect(gzipOptionsFor(0)).toMatchObject({ windowBits: 9, memLevel: 2, chunkSize: 64 });
    expect(gzipOptionsFor(600)).toMatchObject({ windowBits: 10, memLevel: 3, chunkSize: 664 });
    expect(gzipOptionsFor(2 ** 14 - 262)).toMatchObject({
      windowBits: 14,
      memLevel: 7,
      chunkSize: 2 ** 14 - 198,
    });
    expect(gzipOptionsFor(2 ** 14 - 261)).toMatchObject({ windowBits: 15, memLevel: 8 });
    expect(gzipOptionsFor(10 * 1024 * 1024)).toMatchObject({
      windowBits: 15,
      memLevel: 8,
      chunkSize: 16 * 1024,
    });
  });

  it.each([0, 1, 600, 5_000, 40_000, 200_000])(
    'gzips %i bytes into what zlib reads back, no larger than with its defaults',
    (bytes) => {
      const payload = payloadOf(bytes);
      const sized = gzipSync(payload, gzipOptionsFor(bytes));
      expect(unzipSync(sized)).toEqual(payload);
      expect(sized.length).toBeLessThanOrEqual(gzipSync(payload).length);
    },
  );
});

describe('unzipOptionsFor', () => {
  it("gives an output buffer of about what the input inflates to, from 1 KiB to zlib's 16 KiB", () => {
    expect(unzipOptionsFor(20).chunkSize).toBe(1024);
    expect(unzipOptionsFor(600).chunkSize).toBe(2400);
    expect(unzipOptionsFor(4096).chunkSize).toBe(16 * 1024);
    expect(unzipOptionsFor(1_000_000).chunkSize).toBe(16 * 1024);
  });
});

describe('gzipSmallBatchesInThread (every producer of the platform)', () => {
  const original = CompressionCodecs[CompressionTypes.GZIP];
  afterAll(() => {
    CompressionCodecs[CompressionTypes.GZIP] = original;
  });

  it("makes kafkajs' gzip compress small batches at once, and large ones and reads on the pool", async () => {
    gzipSmallBatchesInThread();
    gzipSmallBatchesInThread(); // calling it again changes nothing
    const codec = gzipCodec();
    const small = payloadOf(IN_THREAD_GZIP_MAX_BYTES);
    const written = codec.compress({ buffer: small });
    expect(await settlesAtOnce(written)).toBe(true);
    expect(unzipSync(await written)).toEqual(small);

    const large = payloadOf(IN_THREAD_GZIP_MAX_BYTES + 1);
    const pooled = codec.compress({ buffer: large });
    expect(await settlesAtOnce(pooled)).toBe(false);
    expect(unzipSync(await pooled)).toEqual(large);

    const read = codec.decompress(gzipSync(small));
    expect(await settlesAtOnce(read)).toBe(false);
    expect(await read).toEqual(small);

    // Read with an output buffer sized to the batch (unzipOptionsFor), not a 16 KiB one of its own.
    const oneEvent = payloadOf(700);
    const readSmall = codec.decompress(gzipSync(oneEvent));
    expect(await settlesAtOnce(readSmall)).toBe(false);
    expect(await readSmall).toEqual(oneEvent);
    expect((await readSmall).buffer.byteLength).toBeLessThan(16 * 1024);
  });

  it("does not undo gzipOnThisThread (the ESM worker's producer keeps reading on its thread)", async () => {
    gzipOnThisThread();
    gzipSmallBatchesInThread();
    const read = gzipCodec().decompress(gzipSync(payloadOf(100)));
    expect(await settlesAtOnce(read)).toBe(true);
  });
});
