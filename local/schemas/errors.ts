import { XsevenError } from '../../shared/errors';
import type { XsevenErrorOptions } from '../../shared/errors';

/**
 * The Confluent-compatible registry named by `SCHEMA_REGISTRY_URL` refused a
 * schema (incompatible, invalid), holds versions that differ from the
 * committed files, or could not be reached.
 *
 * @example
 * ```ts
 * throw new SchemaRegistryError('user-action-v1 1.2: 409 incompatible', { retriable: false });
 * ```
 */
export class SchemaRegistryError extends XsevenError {
  public constructor(message: string, options: XsevenErrorOptions = {}) {
    super('SCHEMA_REGISTRY_FAILED', message, options);
  }
}
