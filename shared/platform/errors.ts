import { XsevenError } from '../errors';

/**
 * The platform definition is invalid. `problems` lists every rule broken,
 * each naming its culprit (topic, route, consumer...).
 *
 * @example
 * ```ts
 * throw new PlatformDefinitionError(['topic "a" is defined twice']);
 * ```
 */
export class PlatformDefinitionError extends XsevenError {
  public readonly problems: readonly string[];

  public constructor(problems: readonly string[]) {
    super(
      'PLATFORM_DEFINITION_INVALID',
      `invalid platform definition:\n- ${problems.join('\n- ')}`,
      {
        details: { problems },
      },
    );
    this.problems = problems;
  }
}

/**
 * The committed schema files (`schemas/`) are malformed. `problems` names each file.
 *
 * @example
 * ```ts
 * throw new SchemaFilesError(['schemas/x/1.json: not named <event type>/<major>.<version>.json']);
 * ```
 */
export class SchemaFilesError extends XsevenError {
  public readonly problems: readonly string[];

  public constructor(problems: readonly string[]) {
    super('SCHEMA_FILES_INVALID', `invalid schema files:\n- ${problems.join('\n- ')}`, {
      details: { problems },
    });
    this.problems = problems;
  }
}
