import { ValidationError } from '../errors';
import type { FieldIssue } from '../http/errors';

/**
 * An event (envelope or data) does not match its schema. `issues` names each
 * failing path, e.g. `data.user_id: Invalid input: expected string`.
 *
 * @example
 * ```ts
 * throw new EventValidationError([{ path: 'type', message: 'unknown event type' }]);
 * ```
 */
export class EventValidationError extends ValidationError {
  public readonly issues: readonly FieldIssue[];

  public constructor(issues: readonly FieldIssue[]) {
    super(`invalid event: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`, {
      details: { issues },
    });
    this.issues = issues;
  }
}
