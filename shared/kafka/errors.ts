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
