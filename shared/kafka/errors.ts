import { XsevenError } from '../errors';

/**
 * Topics are not served by every broker yet (a topic just created reaches
 * the brokers after the controller). Retriable: waiting longer may do.
 *
 * @example
 * ```ts
 * throw new TopicsNotServedError([{ name: 'orders' }], 'broker 2: orders has 0 partition(s)');
 * ```
 */
export class TopicsNotServedError extends XsevenError {
  public constructor(topics: readonly { readonly name: string }[], gap: string) {
    super(
      'TOPICS_NOT_SERVED',
      `topics not served by every broker yet (${topics.map((t) => t.name).join(', ')}): ${gap}`,
      { retriable: true, details: { topics: topics.map((t) => t.name), gap } },
    );
  }
}

/** Why a {@link DeliveryTimeoutError} could not confirm the records. */
export const DeliveryUncertainty = {
  /** The delivery timeout passed while a produce request was in flight. */
  Deadline: 'deadline',
  /** The retries ran out after an attempt that may have reached the log (request timed out, connection lost mid-request). */
  Unconfirmed: 'unconfirmed',
} as const;
export type DeliveryUncertainty = (typeof DeliveryUncertainty)[keyof typeof DeliveryUncertainty];

/**
 * A send ended without Kafka confirming its records, after a request that
 * may have reached a partition leader's log: the records may or may not be
 * written (a produce request that timed out can still be committed once
 * the replicas catch up). Retriable; a caller that retries with the same
 * event id lets consumers deduplicate.
 *
 * @example
 * ```ts
 * throw new DeliveryTimeoutError(3, DeliveryUncertainty.Deadline, 20_000);
 * ```
 */
export class DeliveryTimeoutError extends XsevenError {
  public constructor(
    records: number,
    reason: DeliveryUncertainty,
    timeoutMs: number,
    options: { readonly cause?: unknown } = {},
  ) {
    super(
      'DELIVERY_TIMEOUT',
      reason === DeliveryUncertainty.Deadline
        ? `Kafka did not confirm ${records} record(s) within ${timeoutMs} ms; they may or may not be written`
        : `Kafka did not confirm ${records} record(s) before the retries ran out, after a request that may have reached the log; they may or may not be written`,
      { ...options, retriable: true, details: { records, reason, timeout_ms: timeoutMs } },
    );
  }
}
