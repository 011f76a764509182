import { XsevenError } from '../errors';

/**
 * An event's record is larger than a Kafka record may be (the broker's
 * `message.max.bytes`, 1 MiB by default). The caller's mistake: not retriable.
 *
 * @example
 * ```ts
 * throw new EventTooLargeError(2_000_000, 1_048_576);
 * ```
 */
export class EventTooLargeError extends XsevenError {
  public readonly sizeBytes: number;
  public readonly limitBytes: number;

  public constructor(sizeBytes: number, limitBytes: number) {
    super('EVENT_TOO_LARGE', `the event is ${sizeBytes} bytes; at most ${limitBytes} are allowed`, {
      details: { sizeBytes, limitBytes },
    });
    this.sizeBytes = sizeBytes;
    this.limitBytes = limitBytes;
  }
}
