import * as z from 'zod';
import { latestVersionOf, schemaVersionOf, schemaVersions } from './catalogue';
import type { SchemaVersion } from './catalogue';
import type { EventType } from './event-types';
import { SchemaNotFoundError } from './errors';
import { parseSchemaLabel, registrySchemaName, schemaFilePath } from './schema-ref';

/** A JSON Schema document (draft 2020-12), as JSON. */
export type JsonSchemaDocument = Readonly<Record<string, unknown>>;

const documents = new WeakMap<SchemaVersion, JsonSchemaDocument>();

/**
 * The JSON Schema (draft 2020-12) of a zod writer schema: `io: 'input'` (what
 * a producer writes: a field with a default is optional and shows its
 * `default`); strict objects come out as `additionalProperties: false`.
 * Anything zod cannot express in JSON Schema throws.
 *
 * @example
 * ```ts
 * jsonSchemaFromZod(z.strictObject({ a: z.string() })).required; // ['a']
 * ```
 */
export const jsonSchemaFromZod = (writer: z.ZodType): JsonSchemaDocument =>
  z.toJSONSchema(writer, { target: 'draft-2020-12', io: 'input', unrepresentable: 'throw' });

/**
 * The JSON Schema (draft 2020-12) of a version, generated from its zod
 * writer schema ({@link jsonSchemaFromZod}), with `$id` = the version's
 * `dataschema` URI and a title. Memoized.
 *
 * @example
 * ```ts
 * jsonSchemaOf(currentVersionOf('user.action')).$id; // 'https://schemas.xseven.ai/events/user.action/versions/1.1'
 * ```
 */
export const jsonSchemaOf = (version: SchemaVersion): JsonSchemaDocument => {
  const cached = documents.get(version);
  if (cached) return cached;
  const { $schema, ...rest } = jsonSchemaFromZod(version.writer);
  const document = {
    $schema,
    $id: version.uri,
    title: `${version.eventType} ${version.label}`,
    ...rest,
  };
  documents.set(version, document);
  return document;
};

/**
 * The committed text of a schema document: 2-space JSON and a final newline
 * (`npm run schemas:generate` writes it; the guard compares it byte for byte).
 */
export const schemaDocumentText = (document: JsonSchemaDocument): string =>
  `${JSON.stringify(document, null, 2)}\n`;

/** Every version's repository path and committed text, as the generator writes them. */
export const generatedSchemaFiles = (): ReadonlyMap<string, string> =>
  new Map(schemaVersions().map((v) => [schemaFilePath(v), schemaDocumentText(jsonSchemaOf(v))]));

/** One schema version as listed by `GET /schemas` (snake_case, as the API). */
export interface SchemaSummary {
  readonly event_type: EventType;
  readonly major: number;
  readonly version: number;
  /** `<major>.<version>`: the `{n}` of `GET /schemas/{event_type}/versions/{n}`. */
  readonly label: string;
  /** The `dataschema` URI records of this version carry (the document's `$id`). */
  readonly dataschema: string;
  /** The schema's name in the Glue registry and the Confluent subject. */
  readonly registry_name: string;
  /** Whether producers write this version now. */
  readonly current: boolean;
}

/**
 * Every schema version of every event type (what `GET /schemas` answers).
 *
 * @example
 * ```ts
 * listSchemas()[0]; // { event_type: 'conversation.started', major: 1, version: 1, label: '1.1', ... }
 * ```
 */
export const listSchemas = (): readonly SchemaSummary[] =>
  schemaVersions().map((v) => ({
    event_type: v.eventType,
    major: v.major,
    version: v.version,
    label: v.label,
    dataschema: v.uri,
    registry_name: registrySchemaName(v.eventType, v.major),
    current: v.current,
  }));

/**
 * The JSON Schema document of one version (what
 * `GET /schemas/{event_type}/versions/{n}` answers, `{n}` being the label
 * `<major>.<version>`, or `latest` for the version producers write now).
 * Throws {@link SchemaNotFoundError} (404) for an unknown type, label or version.
 *
 * @example
 * ```ts
 * getSchemaDocument('user.action', '1.1').title; // 'user.action 1.1'
 * ```
 */
export const getSchemaDocument = (eventType: string, label: string): JsonSchemaDocument => {
  const ref = parseSchemaLabel(label);
  const version =
    label === 'latest'
      ? schemaVersions().find((v) => v.eventType === eventType && v.current)
      : ref && schemaVersionOf({ eventType, ...ref });
  if (version) return jsonSchemaOf(version);
  throw new SchemaNotFoundError(
    eventType,
    latestVersionOf(eventType, 1) === undefined ? undefined : label,
  );
};
