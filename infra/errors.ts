import { XsevenError } from '../shared/errors';
import type { XsevenErrorOptions } from '../shared/errors';

/**
 * The CDK context (`-c xseven:...` or cdk.json) is missing a value or holds a
 * bad one. Never retriable: the same context fails the same way.
 *
 * @example
 * ```ts
 * throw new InfraConfigError('xseven:clusterArn: required with clusterMode "existing"');
 * ```
 */
export class InfraConfigError extends XsevenError {
  public constructor(message: string, options: Omit<XsevenErrorOptions, 'retriable'> = {}) {
    super('INFRA_CONFIG_INVALID', message, { ...options, retriable: false });
  }
}

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
