import { XsevenError } from '../../shared/errors';
import type { XsevenErrorOptions } from '../../shared/errors';

type Options = Omit<XsevenErrorOptions, 'retriable'>;

/**
 * The local ESM was stopped (or paused) while a batch was pending: its
 * offsets are not committed and it is delivered again on the next start.
 *
 * @example
 * ```ts
 * if (signal.aborted) throw new EsmStoppedError('conversation-log');
 * ```
 */
export class EsmStoppedError extends XsevenError {
  public constructor(consumer: string) {
    super('ESM_STOPPED', `local ESM of "${consumer}" stopped with a batch pending`, {
      retriable: true,
    });
  }
}

/**
 * An invocation failed as AWS counts it: the function threw, timed out,
 * returned an invalid batchItemFailures response, or the payload was too big.
 *
 * @example
 * ```ts
 * throw new FunctionInvocationError('Task timed out after 60.00 seconds');
 * ```
 */
export class FunctionInvocationError extends XsevenError {
  public constructor(message: string, options: Options = {}) {
    super('FUNCTION_ERROR', message, { ...options, retriable: true });
  }
}

/**
 * The local ESM configuration is invalid (e.g. a handler module without `handler`).
 *
 * @example
 * ```ts
 * throw new EsmConfigError('functions/x.ts does not export a handler function');
 * ```
 */
export class EsmConfigError extends XsevenError {
  public constructor(message: string, options: Options = {}) {
    super('ESM_CONFIG_INVALID', message, { ...options, retriable: false });
  }
}
