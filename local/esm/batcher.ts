import { partitionKey } from './msk-event';
import type { PendingRecord } from './msk-event';

/** Options of {@link Batcher}. */
export interface BatcherOptions {
  /** Largest number of records per invocation (ESM BatchSize). */
  readonly batchSize: number;
  /**
   * How long a partial batch waits for more records (ESM
   * MaximumBatchingWindow), counted from when its first record was written
   * when that record is fresh (see {@link Batcher}).
   */
  readonly windowMs: number;
  /** Largest event payload, estimated per record. */
  readonly maxPayloadBytes: number;
  /** Fixed bytes of every event besides its records. */
  readonly overheadBytes: number;
  /** Records buffered at most before `waitForRoom` blocks the fetchers. */
  readonly maxBuffered: number;
  /**
   * Bytes (estimated, as for the payload) buffered at most before
   * `waitForRoom` blocks the fetchers: the read-ahead is bounded in bytes,
   * not only in records (100 KiB records would make 2,000 records 200 MB).
   * @default Infinity
   */
  readonly maxBufferedBytes?: number;
  /** Delivers one batch (retries included); rejects only when stopped. */
  readonly deliver: (records: readonly PendingRecord[]) => Promise<void>;
  /** Called after a batch is delivered, with the next offset to commit per partition. */
  readonly committed: (offsets: ReadonlyMap<string, PendingRecord>) => Promise<void>;
  readonly onError: (error: unknown) => void;
  /** The clock records' timestamps are compared with. @default Date.now */
  readonly now?: () => number;
}

/**
 * The record of highest offset of each partition. Records come in runs of
 * one partition: the map is touched once per run, not once per record.
 *
 * @example
 * ```ts
 * lastPerPartition(records).get('t-0')?.offset; // highest offset of t-0
 * ```
 */
export const lastPerPartition = (records: readonly PendingRecord[]): Map<string, PendingRecord> => {
  const last = new Map<string, PendingRecord>();
  const keep = (r: PendingRecord): void => {
    const key = partitionKey(r);
    const seen = last.get(key);
    if (seen === undefined || seen.offset < r.offset) last.set(key, r);
  };
  let run: PendingRecord | undefined;
  for (const r of records) {
    if (run === undefined) run = r;
    else if (run.partition !== r.partition || run.topic !== r.topic) {
      keep(run);
      run = r;
    } else if (run.offset < r.offset) run = r;
  }
  if (run !== undefined) keep(run);
  return last;
};

interface OpenBatch {
  readonly records: PendingRecord[];
  bytes: number;
  timer?: NodeJS.Timeout;
}

/**
 * Gathers fetched records of all partitions into ESM batches (by size,
 * payload and batching window) and delivers them one at a time, in fetch
 * order, so each partition stays in order and a failing batch blocks what
 * follows it. Offsets are handed to `committed` only after delivery.
 *
 * A partial batch waits for the window from when its first record was
 * written, if that record is fresh (written less than two windows ago):
 * the record may have waited already, in the broker, which holds a fetch up
 * to the window until bytes accumulate (consumer-esm.ts), so the window is
 * not counted twice. A batch opened by an older record (a backlog, a
 * restart) waits the whole window from now.
 *
 * @example
 * ```ts
 * const batcher = new Batcher({ batchSize: 100, windowMs: 500, ... });
 * batcher.add(records);
 * await batcher.waitForRoom();
 * ```
 */
export class Batcher {
  readonly #options: BatcherOptions;
  #open: OpenBatch | undefined;
  #chain: Promise<void> = Promise.resolve();
  #buffered = 0;
  #bufferedBytes = 0;
  #stopped = false;
  readonly #roomWaiters: (() => void)[] = [];

  public constructor(options: BatcherOptions) {
    this.#options = options;
  }

  /** Records buffered or being delivered. */
  public get buffered(): number {
    return this.#buffered;
  }

  /** Estimated bytes of the records buffered or being delivered. */
  public get bufferedBytes(): number {
    return this.#bufferedBytes;
  }

  /** Whether the fetchers may add more (under both the record and the byte bound). */
  public get hasRoom(): boolean {
    return (
      this.#buffered < this.#options.maxBuffered &&
      this.#bufferedBytes < (this.#options.maxBufferedBytes ?? Number.POSITIVE_INFINITY)
    );
  }

  /**
   * Adds fetched records (in partition order).
   *
   * @example
   * ```ts
   * batcher.add(batch.messages.map(toPending));
   * ```
   */
  public add(records: readonly PendingRecord[]): void {
    if (this.#stopped) return;
    const { batchSize, maxPayloadBytes, overheadBytes, windowMs } = this.#options;
    for (const record of records) {
      const size = record.estimatedBytes;
      const open = this.#open;
      if (open && (open.records.length >= batchSize || open.bytes + size > maxPayloadBytes))
        this.#seal();
      if (this.#open === undefined) {
        const created: OpenBatch = { records: [], bytes: overheadBytes };
        if (windowMs > 0)
          created.timer = setTimeout(() => this.#sealIf(created), this.#windowLeft(record));
        else setImmediate(() => this.#sealIf(created));
        this.#open = created;
      }
      this.#open.records.push(record);
      this.#open.bytes += size;
      this.#buffered += 1;
      this.#bufferedBytes += size;
    }
    if (this.#open && this.#open.records.length >= batchSize) this.#seal();
  }

  /**
   * Resolves when fewer than `maxBuffered` records and `maxBufferedBytes` bytes are pending (backpressure
   * for the fetchers), or at once when stopped.
   *
   * @example
   * ```ts
   * await batcher.waitForRoom();
   * ```
   */
  public waitForRoom(): Promise<void> {
    if (this.#stopped || this.hasRoom) return Promise.resolve();
    return new Promise((resolve) => this.#roomWaiters.push(resolve));
  }

  /**
   * Resolves when everything added so far has been delivered (or dropped by stop).
   *
   * @example
   * ```ts
   * batcher.flush(); await batcher.drained();
   * ```
   */
  public async drained(): Promise<void> {
    if (this.#open) this.#seal();
    await this.#chain;
  }

  /**
   * Stops: open records are dropped (never committed, so delivered again later).
   *
   * @example
   * ```ts
   * batcher.stop(); await batcher.drained();
   * ```
   */
  public stop(): void {
    this.#stopped = true;
    if (this.#open?.timer) clearTimeout(this.#open.timer);
    if (this.#open) this.#release(this.#open);
    this.#open = undefined;
    for (const wake of this.#roomWaiters.splice(0)) wake();
  }

  #windowLeft(first: PendingRecord): number {
    const { windowMs, now = Date.now } = this.#options;
    const waited = now() - first.timestamp;
    return waited >= 0 && waited < 2 * windowMs ? Math.max(0, windowMs - waited) : windowMs;
  }

  #sealIf(batch: OpenBatch): void {
    if (this.#open === batch) this.#seal();
  }

  #seal(): void {
    const batch = this.#open;
    if (batch === undefined) return;
    this.#open = undefined;
    if (batch.timer) clearTimeout(batch.timer);
    const { deliver, committed, onError } = this.#options;
    this.#chain = this.#chain.then(async () => {
      try {
        if (this.#stopped) return;
        await deliver(batch.records);
        await committed(lastPerPartition(batch.records));
      } catch (error) {
        // Nothing after a failed batch may be committed: stop, let the owner restart.
        this.stop();
        onError(error);
      } finally {
        this.#release(batch);
        while (this.hasRoom && this.#roomWaiters.length > 0) this.#roomWaiters.shift()?.();
      }
    });
  }

  #release(batch: OpenBatch): void {
    this.#buffered -= batch.records.length;
    this.#bufferedBytes -= batch.bytes - this.#options.overheadBytes;
  }
}
