import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareSchemaRefs, parseSchemaFileName, SCHEMAS_DIR } from '../events/schema-ref';
import type { SchemaRef } from '../events/schema-ref';
import { SchemaFilesError } from './errors';

/** A committed JSON Schema file (`schemas/<event type>/<major>.<version>.json`). */
export interface CommittedSchema {
  readonly ref: SchemaRef;
  /** Relative to the repository root, e.g. `schemas/user.action/1.1.json`. */
  readonly path: string;
  readonly text: string;
}

/**
 * The committed schema files of a repository, ordered by event type, major
 * and version: what infra registers in Glue and the local registry client
 * registers in a Confluent-compatible registry. They are read as files (not
 * generated from the zod code) so that infra depends on nothing but this
 * folder. Throws {@link SchemaFilesError} for a file that is not named
 * `<event type>/<major>.<version>.json` or is not JSON.
 *
 * @example
 * ```ts
 * readCommittedSchemas('/repo')[0]?.path; // 'schemas/ai.model.switched/1.1.json'
 * ```
 */
export const readCommittedSchemas = (projectRoot: string): readonly CommittedSchema[] => {
  const dir = join(projectRoot, SCHEMAS_DIR);
  if (!existsSync(dir)) return [];
  const problems: string[] = [];
  const schemas: CommittedSchema[] = [];
  for (const type of readdirSync(dir, { withFileTypes: true })) {
    if (!type.isDirectory()) continue;
    for (const file of readdirSync(join(dir, type.name))) {
      const relative = `${type.name}/${file}`;
      const path = `${SCHEMAS_DIR}/${relative}`;
      const ref = parseSchemaFileName(relative);
      const text = readFileSync(join(dir, relative), 'utf8');
      if (!ref) problems.push(`${path}: not named <event type>/<major>.<version>.json`);
      else if (!isJsonObject(text)) problems.push(`${path}: not a JSON object`);
      else schemas.push({ ref, path, text });
    }
  }
  if (problems.length > 0) throw new SchemaFilesError(problems);
  return schemas.sort((a, b) => compareSchemaRefs(a.ref, b.ref));
};

const isJsonObject = (text: string): boolean => {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
};

/** Keywords of draft 2020-12 that draft-07 does not know (or reads otherwise). */
const NOT_IN_DRAFT_07 = [
  '$defs',
  '$anchor',
  '$dynamicRef',
  '$dynamicAnchor',
  '$vocabulary',
  'prefixItems',
  'dependentRequired',
  'dependentSchemas',
  'unevaluatedItems',
  'unevaluatedProperties',
  'minContains',
  'maxContains',
];

const draft07Keywords = (value: unknown, path: string, found: string[]): void => {
  if (Array.isArray(value)) value.forEach((v, i) => draft07Keywords(v, `${path}[${i}]`, found));
  else if (typeof value === 'object' && value !== null)
    for (const [key, child] of Object.entries(value)) {
      // Inside `properties` the keys are field names, not keywords.
      if (!path.endsWith('.properties') && NOT_IN_DRAFT_07.includes(key))
        found.push(`${path}.${key}`);
      if (key === 'items' && Array.isArray(child)) found.push(`${path}.items (array form)`);
      draft07Keywords(child, `${path}.${key}`, found);
    }
};

/**
 * The definition registered in AWS Glue for a committed schema: Glue
 * validates JSON Schema with the Everit library, drafts 04, 06 and 07 only
 * (AWS Glue developer guide, "AWS Glue Schema Registry"), so the document is
 * declared draft-07. Our schemas use only keywords whose meaning is the same
 * in both drafts; anything else is refused here (and by the guard's test).
 *
 * @example
 * ```ts
 * JSON.parse(glueSchemaDefinition(text)).$schema; // 'http://json-schema.org/draft-07/schema#'
 * ```
 */
export const glueSchemaDefinition = (text: string): string => {
  const document = JSON.parse(text) as Record<string, unknown>;
  const found: string[] = [];
  draft07Keywords(document, '', found);
  if (found.length > 0)
    throw new SchemaFilesError(
      found.map((f) => `${String(document.$id)}: ${f} has no draft-07 equivalent`),
    );
  return JSON.stringify({ ...document, $schema: 'http://json-schema.org/draft-07/schema#' });
};
