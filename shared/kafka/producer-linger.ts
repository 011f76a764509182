import { recordsBytes } from './records';
import type { OutgoingRecord } from './records';

/** Options of {@link LingerQueue}. */
export interface LingerQueueOptions<R> {
  /** How long the first waiting record waits for company. */
  readonly lingerMs: number;
  /** Pending bytes (keys + values) that flush at once. */
  readonly batchSizeBytes: number;
  /** Sends the coalesced records, returning one result per record, in order. */
  readonly flush: (records: readonly OutgoingRecord[]) => Promise<readonly R[]>;
}

interface Waiting<R> {
  readonly records: readonly OutgoingRecord[];
  readonly resolve: (results: R[]) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Coalesces concurrent sends into one produce request, as the Java
 * client's `linger.ms` and `batch.size`: the first waiting send starts a
 * timer of `lingerMs`; when it fires, or when the pending bytes reach
 * `batchSizeBytes`, everything pending is sent together and each caller
 * gets its own records' positions (or the shared error). Records that would
 * push the pending bytes past `batchSizeBytes` go in the next flush.
 *
 * @example
 * ```ts
 * const queue = new LingerQueue({ lingerMs: 5, batchSizeBytes: 16_384, flush: sendNow });
 * const [a, b] = await Promise.all([queue.add(recordsA), queue.add(recordsB)]); // one request
 * ```
 */
export class LingerQueue<R> {
  private readonly options: LingerQueueOptions<R>;
  private waiting: Waiting<R>[] = [];
  private bytes = 0;
  private timer: NodeJS.Timeout | undefined;

  public constructor(options: LingerQueueOptions<R>) {
    this.options = options;
  }

  /**
   * Queues records; resolves with their results (positions, outcomes) once their batch is sent.
   *
   * @example
   * ```ts
   * const positions = await queue.add([{ topic, key, value }]);
   * ```
   */
  public add(records: readonly OutgoingRecord[]): Promise<R[]> {
    const size = recordsBytes(records);
    // Never let a flush grow past the batch size because of these records:
    // send what waits first (a broker refuses record batches over its limit).
    if (this.waiting.length > 0 && this.bytes + size > this.options.batchSizeBytes)
      void this.flushAll();
    return new Promise<R[]>((resolve, reject) => {
      this.waiting.push({ records, resolve, reject });
      this.bytes += size;
      if (this.bytes >= this.options.batchSizeBytes) void this.flushAll();
      else this.timer ??= setTimeout(() => void this.flushAll(), this.options.lingerMs);
    });
  }

  /**
   * Sends everything pending now.
   *
   * @example
   * ```ts
   * await queue.flushAll();
   * ```
   */
  public async flushAll(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.waiting;
    this.waiting = [];
    this.bytes = 0;
    if (batch.length === 0) return;
    try {
      const positions = await this.options.flush(batch.flatMap((w) => w.records));
      let start = 0;
      for (const w of batch) {
        w.resolve(positions.slice(start, start + w.records.length));
        start += w.records.length;
      }
    } catch (error) {
      for (const w of batch) w.reject(error);
    }
  }
}
