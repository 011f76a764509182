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
