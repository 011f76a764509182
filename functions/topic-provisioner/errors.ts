import { XsevenError } from '../../shared/errors';
import type { XsevenErrorOptions } from '../../shared/errors';

/**
 * A topic custom-resource request could not be carried out (bad request
 * properties, or the broker refused the change).
 *
 * @example
 * ```ts
 * throw new TopicProvisioningError('cannot shrink "a" from 6 to 3 partitions');
 * ```
 */
export class TopicProvisioningError extends XsevenError {
  public constructor(message: string, options: XsevenErrorOptions = {}) {
    super('TOPIC_PROVISIONING_FAILED', message, options);
  }
}
