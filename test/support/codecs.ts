import { CompressionCodecs, CompressionTypes } from 'kafkajs';

/** A kafkajs codec, as `CompressionCodecs[type]()` returns it. */
export interface Codec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}

/** The gzip codec this thread's kafkajs uses now (kafkajs looks it up per batch). */
export const gzipCodec = (): Codec => (CompressionCodecs[CompressionTypes.GZIP] as () => Codec)();

/** Whether `work` settles within a few microtask turns, i.e. without waiting for the thread pool. */
export const settlesAtOnce = async (work: Promise<unknown>): Promise<boolean> => {
  let settled = false;
  void work.then(() => (settled = true));
  for (let turn = 0; turn < 5; turn += 1) await Promise.resolve();
  return settled;
};
