import type * as z from 'zod';
import { EVENT_TYPES } from './event-types';
import type { EventType } from './event-types';
import { schemaLabel, schemaUri } from './schema-ref';
import type { SchemaRef } from './schema-ref';
import { eventDataSchemas } from './schemas';
import { lazy } from '../lazy';

/** One version of an event type's data schema, ready to validate with. */
export interface SchemaVersion extends SchemaRef {
  readonly eventType: EventType;
  /** `<major>.<version>`. */
  readonly label: string;
  /** The `dataschema` URI of records written with this version. */
  readonly uri: string;
  /** The writer's contract: declared fields only. Producers validate with it. */
  readonly writer: z.ZodObject;
  /** The tolerant reader: the same fields, unknown ones kept. Consumers validate with it. */
  readonly reader: z.ZodObject;
  /** Whether producers write this version (the last version of the last major). */
  readonly current: boolean;
}

const majorsOf = (type: EventType): readonly (readonly (() => z.ZodObject)[])[] =>
  eventDataSchemas[type] as readonly (readonly (() => z.ZodObject)[])[];

const CATALOGUE: ReadonlyMap<string, readonly (readonly SchemaVersion[])[]> = new Map(
  EVENT_TYPES.map((eventType) => {
    const majors = majorsOf(eventType);
    return [
      eventType,
      majors.map((versions, m) =>
        versions.map((writer, v): SchemaVersion => {
          const ref = { eventType, major: m + 1, version: v + 1 };
          // Both schemas are built when first used, not at import (#13).
          const reader = lazy(() => writer().loose());
          return {
            ...ref,
            label: schemaLabel(ref),
            uri: schemaUri(ref),
            get writer() {
              return writer();
            },
            get reader() {
              return reader();
            },
            current: m === majors.length - 1 && v === versions.length - 1,
          };
        }),
      ),
    ];
  }),
);

/**
 * Every schema version of every event type, ordered by type (declaration
 * order), major and version.
 *
 * @example
 * ```ts
 * schemaVersions().map((v) => `${v.eventType} ${v.label}`); // ['conversation.started 1.1', ...]
 * ```
 */
export const schemaVersions = (): readonly SchemaVersion[] =>
  [...CATALOGUE.values()].flatMap((majors) => majors.flat());

/**
 * A version, or undefined when the event type, major or version is unknown.
 *
 * @example
 * ```ts
 * schemaVersionOf({ eventType: 'user.action', major: 1, version: 1 })?.uri;
 * ```
 */
export const schemaVersionOf = (ref: SchemaRef): SchemaVersion | undefined =>
  CATALOGUE.get(ref.eventType)?.[ref.major - 1]?.[ref.version - 1];

/**
 * The newest version of a major that this code knows, or undefined when the
 * event type or the major is unknown. Consumers read every record of the
 * major with it (BACKWARD: a version reads the data of the versions before it).
 *
 * @example
 * ```ts
 * latestVersionOf('user.action', 1)?.label; // '1.1'
 * ```
 */
export const latestVersionOf = (eventType: string, major: number): SchemaVersion | undefined => {
  const versions = CATALOGUE.get(eventType)?.[major - 1];
  return versions?.[versions.length - 1];
};

const CURRENT: ReadonlyMap<string, SchemaVersion> = new Map(
  schemaVersions()
    .filter((v) => v.current)
    .map((v) => [v.eventType, v]),
);

/**
 * The version producers write for an event type: the last version of its last major.
 *
 * @example
 * ```ts
 * currentVersionOf('user.action').major; // 1, the record's `dataversion`
 * ```
 */
export const currentVersionOf = (eventType: EventType): SchemaVersion =>
  CURRENT.get(eventType) as SchemaVersion;
