import { XsevenError } from '../errors';
import type { XsevenErrorOptions } from '../errors';
import { HttpError } from '../http/errors';
import type { FieldIssue } from '../http/errors';

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
 * 422: a manual retry request does not match its schema.
 *
 * @example
 * ```ts
 * throw new DlqRetryRequestError([{ path: 'source', message: 'Invalid option' }]);
 * ```
 */
export class DlqRetryRequestError extends HttpError {
  public constructor(issues: readonly FieldIssue[]) {
    super(
      422,
      'DLQ_RETRY_REQUEST_INVALID',
      `invalid retry request: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`,
      { issues },
    );
  }
}
