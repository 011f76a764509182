import { ResourceNotFoundError, ValidationError } from '../errors';
import type { FieldIssue } from '../errors';

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

/**
 * An event names a schema version this code does not know: a major version
 * it has no schema for, or a newer version of a known major whose data the
 * newest known version cannot read. Not the record's fault: a newer
 * deployment may read it (consumers dead-letter it as
 * `unknown_schema_version`, retried later).
 *
 * @example
 * ```ts
 * throw new UnknownSchemaVersionError([{ path: 'dataversion', message: 'major version 2 of "user.action" is unknown' }]);
 * ```
 */
export class UnknownSchemaVersionError extends EventValidationError {}

/**
 * No schema version of that event type, major and version (404 at the API).
 *
 * @example
 * ```ts
 * throw new SchemaNotFoundError('user.action', '9.1');
 * ```
 */
export class SchemaNotFoundError extends ResourceNotFoundError {
  public constructor(eventType: string, label?: string) {
    super(
      label === undefined
        ? `no schema for event type "${eventType}"`
        : `no schema version "${label}" of event type "${eventType}"`,
    );
  }
}
