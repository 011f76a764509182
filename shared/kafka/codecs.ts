import type * as Zlib from 'node:zlib';
import type { ZlibOptions } from 'node:zlib';
import { lazy } from '../lazy';
import { kafkajs } from './kafkajs';
import type * as Lz4 from 'lz4js';

/**
 * node:zlib, required when kafkajs first compresses or decompresses: like
 * kafkajs (shared/kafka/kafkajs.ts) it is no part of a handler's init,
 * and a consumer Lambda, which gets its records decompressed from the
 * event source mapping, loads it only to send a dead letter.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const zlib = lazy(() => require('node:zlib') as typeof Zlib);

/**
 * A kafkajs codec: what `CompressionCodecs[type]` must return.
 * (kafkajs passes an Encoder; only its buffer is read.)
 */
interface Codec {
  compress(encoder: { readonly buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}

/** LZ4 frame constants (https://github.com/lz4/lz4/blob/dev/doc/lz4_Frame_format.md). */
const LZ4_MAGIC = 0x184d2204;
/** FLG: version 01, block independence (Kafka's reader refuses dependent blocks). */
const LZ4_FLG = 0x60;
/** BD: 64 KiB blocks, as Kafka's own writer (KafkaLZ4BlockOutputStream). */
const LZ4_BD = 4 << 4;
/**
 * HC: the second byte of the xxHash32 (seed 0) of FLG and BD, which never
 * change here: the frame format's header checksum, so the header is
 * always `04 22 4D 18 60 40 82`. A unit test computes it, and the broker
 * checks it when it reads our LZ4 (test/integration/publish/compression).
 */
const LZ4_HC = 0x82;
const LZ4_BLOCK = 64 * 1024;
const LZ4_UNCOMPRESSED = 0x80000000;

/**
 * LZ4 in the frame format Kafka reads (independent blocks, header checksum),
 * written block by block with lz4js' block compressor: pure JavaScript, so
 * it bundles into a Lambda with no native build. (lz4js' own frame writer
 * declares dependent blocks, which the broker refuses: "Dependent block
 * stream is unsupported".) Loaded on first use.
 */
const lz4Codec = (): Codec => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const lz4 = require('lz4js') as typeof Lz4;
  const hashTable = new Uint32Array(1 << 16);
  const compress = (src: Buffer): Buffer => {
    const blocks = Math.max(1, Math.ceil(src.length / LZ4_BLOCK));
    const out = Buffer.alloc(7 + blocks * (4 + lz4.compressBound(LZ4_BLOCK)) + 4);
    out.writeUInt32LE(LZ4_MAGIC, 0);
    out[4] = LZ4_FLG;
    out[5] = LZ4_BD;
    out[6] = LZ4_HC;
    let at = 7;
    const block = Buffer.alloc(lz4.compressBound(LZ4_BLOCK));
    for (let start = 0; start < src.length; start += LZ4_BLOCK) {
      const length = Math.min(LZ4_BLOCK, src.length - start);
      hashTable.fill(0); // independent blocks: no match reaches into an earlier one
      const size = lz4.compressBlock(src, block, start, length, hashTable);
      if (size === 0 || size >= length) {
        out.writeUInt32LE((LZ4_UNCOMPRESSED | length) >>> 0, at);
        src.copy(out, at + 4, start, start + length);
        at += 4 + length;
      } else {
        out.writeUInt32LE(size, at);
        block.copy(out, at + 4, 0, size);
        at += 4 + size;
      }
    }
    out.writeUInt32LE(0, at); // end mark
    return out.subarray(0, at + 4);
  };
  return {
    compress: async ({ buffer }) => compress(buffer),
    decompress: async (buffer) => Buffer.from(lz4.decompress(buffer)),
  };
};

/**
 * Snappy by kafkajs-snappy (snappyjs, pure JavaScript; it reads the xerial
 * framing the Java client writes). Loaded on first use.
 */
const snappyCodec = (): Codec => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const createSnappyCodec = require('kafkajs-snappy') as () => Codec;
  return createSnappyCodec();
};

let registered = false;

/**
 * Registers the LZ4 and Snappy codecs with kafkajs (which bundles only
 * gzip), so every client can write them and read records others wrote
 * with them. Idempotent; the codecs' modules load on first use only.
 * Zstandard has no codec that bundles into a Lambda without a native
 * build: `KAFKA_PRODUCER_COMPRESSION_TYPE=zstd` is refused at start.
 *
 * @example
 * ```ts
 * registerCompressionCodecs();
 * await producer.send({ topic, messages, compression: CompressionTypes.LZ4 });
 * ```
 */
export const registerCompressionCodecs = (): void => {
  if (registered) return;
  registered = true;
  let lz4: Codec | undefined;
  let snappy: Codec | undefined;
  const { CompressionCodecs, CompressionTypes } = kafkajs();
  CompressionCodecs[CompressionTypes.LZ4] = () => (lz4 ??= lz4Codec());
  CompressionCodecs[CompressionTypes.Snappy] = () => (snappy ??= snappyCodec());
};

/** zlib's smallest window (2^9 bytes) and largest (2^15, its default). */
const MIN_WINDOW_BITS = 9;
const MAX_WINDOW_BITS = 15;
/** node's zlib output buffer (zlib.constants.Z_DEFAULT_CHUNK); gzip's output of one event fits a far smaller one. */
const DEFAULT_CHUNK = 16 * 1024;
/** Bytes deflate keeps ahead of the window (zlib's MIN_LOOKAHEAD). */
const LOOKAHEAD = 262;

/**
 * zlib options sized to what one call compresses: a window that still
 * spans the whole input, a hash table to match, and an output buffer no
 * larger than the input needs. zlib's defaults set up a 32 KiB window,
 * zero 128 KiB of hash heads and allocate 16 KiB of output for every
 * stream: a third of the cost of gzipping a record batch of one event
 * (~600 bytes), which takes ~22 µs sized and ~32 with the defaults when
 * caches are cold, as in the gateway (docs/performance.md). The output is
 * zlib's default's byte for byte on almost every input (118 of 119 sizes
 * from 1 byte to 70 KB; the other 0.5 % larger), and any gzip reader
 * reads it: the window size is not part of the gzip format.
 *
 * @example
 * ```ts
 * gzipSync(batch, gzipOptionsFor(batch.length)); // 600 bytes: a 1 KiB window, a 1,024-entry hash table
 * ```
 */
export const gzipOptionsFor = (length: number): ZlibOptions => {
  const windowBits = Math.min(
    MAX_WINDOW_BITS,
    Math.max(MIN_WINDOW_BITS, Math.ceil(Math.log2(length + LOOKAHEAD))),
  );
  // zlib's hash table has 2^(memLevel + 7) heads; its default memLevel 8 goes with the 32 KiB window.
  // 64 bytes over the input hold gzip's header and trailer even when the input does not compress.
  return { windowBits, memLevel: windowBits - 7, chunkSize: Math.min(DEFAULT_CHUNK, length + 64) };
};

/** The smallest output buffer {@link unzipOptionsFor} gives (node's own minimum is 64 bytes). */
const MIN_UNZIP_CHUNK = 1024;

/**
 * zlib options of one decompression: an output buffer of about what the
 * input inflates to (4x, at most zlib's default 16 KiB; a larger output
 * takes several). Why: node allocates a fresh `chunkSize` buffer for every
 * call and returns a view of it, and kafkajs' records are views of that,
 * so each record of a one-event batch kept a 16 KiB ArrayBuffer alive
 * until it was collected. In the local ESM thread at ~900 such records a
 * second, that external memory had V8 run a full mark-compact every
 * ~0.5 s instead of every ~2.4 s (docs/performance.md). Below 4 KiB node
 * takes the buffer from its shared pool.
 *
 * @example
 * ```ts
 * unzipSync(batch, unzipOptionsFor(batch.length)); // 600 bytes in: a 2,400-byte output buffer
 * ```
 */
export const unzipOptionsFor = (length: number): ZlibOptions => ({
  chunkSize: Math.min(DEFAULT_CHUNK, Math.max(MIN_UNZIP_CHUNK, length * 4)),
});

/** gzip on the calling thread, sized to the input ({@link gzipOptionsFor}). */
const gzipHere = (buffer: Buffer): Buffer => zlib().gzipSync(buffer, gzipOptionsFor(buffer.length));

/**
 * gunzip on libuv's pool, as kafkajs' own codec, with the output buffer
 * sized as {@link unzipOptionsFor}: the reads of a thread other than the
 * ESM worker once one of its producers has connected (the DLQ mover, the
 * in-process ESMs of the soak and latency benches).
 */
const unzipOnPool = (buffer: Buffer): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    zlib().unzip(buffer, unzipOptionsFor(buffer.length), (error, result) =>
      error ? reject(error) : resolve(result),
    );
  });

/** gzip on the calling thread: zlib's synchronous calls (kafkajs' own codec uses the thread pool). */
const inThreadGzip: Codec = {
  compress: async ({ buffer }) => gzipHere(buffer),
  // unzip, as kafkajs' codec: it reads gzip and zlib streams alike.
  decompress: async (buffer) => zlib().unzipSync(buffer, unzipOptionsFor(buffer.length)),
};

/**
 * Record batches up to this many bytes are gzipped on the calling thread
 * by {@link gzipSmallBatchesInThread}. A hop to libuv's pool costs ~70 µs
 * of wall time and ~90 µs of CPU whatever the size, more than compressing
 * a batch of this size on the thread takes (~12 µs for 1 KiB, ~130 µs for
 * 64 KiB, measured on the 2-core machine of docs/performance.md); a larger
 * batch still goes to the pool, so the event loop is never held for long.
 */
export const IN_THREAD_GZIP_MAX_BYTES = 64 * 1024;

/**
 * A gzip codec that compresses batches of at most `maxBytes` on the calling
 * thread and hands larger ones, and every decompression, to `pool`.
 *
 * @example
 * ```ts
 * const codec = sizedGzip(kafkajsOwnGzipCodec, IN_THREAD_GZIP_MAX_BYTES);
 * await codec.compress({ buffer: Buffer.from('{}') }); // gzipped on this thread
 * ```
 */
export const sizedGzip = (pool: Codec, maxBytes: number): Codec => ({
  compress: async (encoder) =>
    encoder.buffer.length <= maxBytes ? gzipHere(encoder.buffer) : pool.compress(encoder),
  decompress: (buffer) => pool.decompress(buffer),
});

/** Whether this thread's gzip was moved off kafkajs' pool codec (kafkajs, and this module, load once per thread). */
let gzipPlaced = false;

/**
 * Makes this thread's kafkajs compress record batches of at most
 * {@link IN_THREAD_GZIP_MAX_BYTES} on the thread itself (larger ones, and
 * decompression, stay on libuv's pool): every producer of the platform
 * (the publish path, the DLQ, a Lambda's container) calls it when it
 * connects. A publish of one event compresses ~1 KiB, for which the pool's
 * hop cost more than the compression; the HTTP publish routes served
 * ~5-20 % more requests without it at one client (issue #13 item 2,
 * docs/performance.md).
 * Idempotent; does not undo {@link gzipOnThisThread}.
 *
 * @example
 * ```ts
 * gzipSmallBatchesInThread();
 * await producer.send({ topic, messages, compression: CompressionTypes.GZIP });
 * ```
 */
export const gzipSmallBatchesInThread = (): void => {
  if (gzipPlaced) return;
  gzipPlaced = true;
  const { CompressionCodecs, CompressionTypes } = kafkajs();
  const pool = (CompressionCodecs[CompressionTypes.GZIP] as () => Codec)();
  const codec = sizedGzip(
    { compress: (encoder) => pool.compress(encoder), decompress: unzipOnPool },
    IN_THREAD_GZIP_MAX_BYTES,
  );
  CompressionCodecs[CompressionTypes.GZIP] = () => codec;
};

/**
 * Makes this thread's kafkajs compress and decompress gzip on the thread
 * itself instead of libuv's thread pool, for a thread that has nothing
 * else to do meanwhile and runs at a lower priority: the local ESMs'
 * worker (local/esm/worker.ts, local/esm/thread-priority.ts). On the pool
 * (four threads per process, at the process's priority) the worker's
 * decompression of every fetched batch ran at the gateway's priority and
 * queued with the gateway's own compression, which slowed the API's answers
 * (docs/performance.md, "the ESM thread decompresses on itself"). Per
 * thread: a worker thread loads its own kafkajs, so the gateway's producer
 * keeps {@link gzipSmallBatchesInThread}.
 *
 * @example
 * ```ts
 * lowerThreadPriority();
 * gzipOnThisThread();
 * ```
 */
export const gzipOnThisThread = (): void => {
  gzipPlaced = true;
  const { CompressionCodecs, CompressionTypes } = kafkajs();
  CompressionCodecs[CompressionTypes.GZIP] = () => inThreadGzip;
};
