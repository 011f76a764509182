import { XsevenError } from '../errors';
import type { XsevenErrorOptions } from '../errors';

/**
 * A record read from the dead-letter queue does not carry the DLQ headers
 * (shared/dlq/headers.ts) in a usable form. Never retriable: the same bytes
 * fail the same way; the mover archives such records instead of dropping them.
 *
 * @example
 * ```ts
 * throw new DlqRecordInvalidError('xseven-dlq-original-topic: Required');
 * ```
 */
export class DlqRecordInvalidError extends XsevenError {
  public constructor(message: string, options: Omit<XsevenErrorOptions, 'retriable'> = {}) {
    super('DLQ_RECORD_INVALID', message, { ...options, retriable: false });
  }
}

/**
 * Moving records out of the dead-letter queue failed (the Kafka transaction
 * was aborted, nothing moved). Retriable: the next run starts again from the
 * last committed DLQ offset.
 *
 * @example
 * ```ts
 * throw new DlqMoveError('transaction aborted', { cause: err });
 * ```
 */
export class DlqMoveError extends XsevenError {
  public constructor(message: string, options: Omit<XsevenErrorOptions, 'retriable'> = {}) {
    super('DLQ_MOVE_FAILED', message, { ...options, retriable: true });
  }
}

/**
 * Failed records could not be written to the dead-letter queue. The
 * invocation must fail (or report exactly those records) so they are
 * delivered again: nothing is dropped.
 *
 * @example
 * ```ts
 * throw new DlqWriteError('3 records could not be dead-lettered', { cause: err });
 * ```
 */
export class DlqWriteError extends XsevenError {
  public constructor(message: string, options: Omit<XsevenErrorOptions, 'retriable'> = {}) {
    super('DLQ_WRITE_FAILED', message, { ...options, retriable: true });
  }
}
