/**
 * How a schema version is named, everywhere: in a record's `dataschema`, in
 * the repository (`schemas/`), in the registries and at the API. Pure
 * functions without dependencies, so that shared/platform (and through it
 * infra/) can use them. See docs/schemas.md.
 *
 * A schema version is an event type, a major version (a compatibility line:
 * a change that breaks a consumer of the previous version needs a new major)
 * and a version 1..n within that major, labelled `<major>.<n>`.
 */

/** One version of one event type's data schema. */
export interface SchemaRef {
  readonly eventType: string;
  /** The compatibility line, 1.. (a record's `dataversion`). */
  readonly major: number;
  /** 1.. within the major; equals the registries' version number of the major's schema. */
  readonly version: number;
}

/**
 * Base of every `dataschema` URI. An identifier, not a host to call: the
 * path after it maps to the committed file and to the API route (see
 * {@link schemaUri}).
 */
export const SCHEMA_URI_BASE = 'https://schemas.xseven.ai/events';

/** Repository folder holding the committed JSON Schema files. */
export const SCHEMAS_DIR = 'schemas';

/**
 * The compatibility mode of every registry schema (Glue and Confluent name
 * it alike): a new version reads the data of the previous one. The guard
 * adds one rule of the FORWARD side (required fields stay required and
 * present); see docs/schemas.md.
 */
export const SCHEMA_COMPATIBILITY = 'BACKWARD';

const LABEL = /^([1-9][0-9]{0,5})\.([1-9][0-9]{0,5})$/;
const EVENT_TYPE = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/;

/**
 * `<major>.<version>`, e.g. `1.2`.
 *
 * @example
 * ```ts
 * schemaLabel({ eventType: 'user.action', major: 1, version: 2 }); // '1.2'
 * ```
 */
export const schemaLabel = (ref: SchemaRef): string => `${ref.major}.${ref.version}`;

/** Parses a `<major>.<version>` label, or undefined. */
export const parseSchemaLabel = (
  label: string,
): { readonly major: number; readonly version: number } | undefined => {
  const match = LABEL.exec(label);
  return match ? { major: Number(match[1]), version: Number(match[2]) } : undefined;
};

/**
 * The `dataschema` URI of a version: `<base>/<event type>/versions/<label>`.
 * Its path after the base is the API route's path after `/schemas/`; the
 * committed file is `schemas/<event type>/<label>.json`.
 *
 * @example
 * ```ts
 * schemaUri({ eventType: 'user.action', major: 1, version: 1 });
 * // 'https://schemas.xseven.ai/events/user.action/versions/1.1'
 * ```
 */
export const schemaUri = (ref: SchemaRef): string =>
  `${SCHEMA_URI_BASE}/${ref.eventType}/versions/${schemaLabel(ref)}`;

const refOf = (eventType: string, label: string): SchemaRef | undefined => {
  const parsed = EVENT_TYPE.test(eventType) ? parseSchemaLabel(label) : undefined;
  return parsed && { eventType, ...parsed };
};

/**
 * The version a `dataschema` URI names, or undefined when it is not one of ours.
 *
 * @example
 * ```ts
 * parseSchemaUri('https://schemas.xseven.ai/events/user.action/versions/1.3')?.version; // 3
 * ```
 */
export const parseSchemaUri = (uri: string): SchemaRef | undefined => {
  if (!uri.startsWith(`${SCHEMA_URI_BASE}/`)) return undefined;
  const parts = uri.slice(SCHEMA_URI_BASE.length + 1).split('/');
  if (parts.length !== 3 || parts[1] !== 'versions') return undefined;
  return refOf(parts[0] ?? '', parts[2] ?? '');
};

/**
 * The committed file of a version, relative to the repository root.
 *
 * @example
 * ```ts
 * schemaFilePath({ eventType: 'user.action', major: 1, version: 1 }); // 'schemas/user.action/1.1.json'
 * ```
 */
export const schemaFilePath = (ref: SchemaRef): string =>
  `${SCHEMAS_DIR}/${ref.eventType}/${schemaLabel(ref)}.json`;

/**
 * The version a file path (relative to `schemas/`: `<event type>/<label>.json`) holds.
 */
export const parseSchemaFileName = (relativePath: string): SchemaRef | undefined => {
  const parts = relativePath.split('/');
  const file = parts[1] ?? '';
  if (parts.length !== 2 || !file.endsWith('.json')) return undefined;
  return refOf(parts[0] ?? '', file.slice(0, -'.json'.length));
};

/**
 * The name of a major's schema in both registries: the Glue schema name and
 * the Confluent subject. Glue allows letters, digits, `-`, `_`, `$` and `#`
 * only, so the event type's dots become `-` (event types never hold one).
 *
 * @example
 * ```ts
 * registrySchemaName('system.health_check', 1); // 'system-health_check-v1'
 * ```
 */
export const registrySchemaName = (eventType: string, major: number): string =>
  `${eventType.replaceAll('.', '-')}-v${major}`;

/** Orders versions by event type, major, version. */
export const compareSchemaRefs = (a: SchemaRef, b: SchemaRef): number =>
  a.eventType.localeCompare(b.eventType) || a.major - b.major || a.version - b.version;
