import type { JsonSchemaDocument } from './json-schema';
import { compareSchemaRefs, schemaLabel } from './schema-ref';
import type { SchemaRef } from './schema-ref';

/**
 * What makes a new version incompatible with the previous one of its major.
 * BACKWARD (the registries' mode: the new version reads the previous one's
 * data) plus one FORWARD rule, so that a consumer of the previous version
 * still finds every field it requires: `required_removed`.
 */
export const Incompatibility = {
  /** A field of the previous version is gone (its data could not be read by the new, closed object). */
  RemovedField: 'removed_field',
  /** A required field became optional: a consumer of the previous version would miss it. */
  RequiredRemoved: 'required_removed',
  /** A new field is required without a default: the previous version's data lacks it. */
  NewRequiredField: 'new_required_field',
  /** A type, bound, pattern, format, const or object model accepts less than before. */
  NarrowedType: 'narrowed_type',
  /** An enum lost a value (enums only grow). */
  EnumShrunk: 'enum_shrunk',
  /** A field's default changed: data without it would now mean something else. */
  DefaultChanged: 'default_changed',
  /** A keyword the guard cannot compare changed: treated as breaking. */
  UnsupportedChange: 'unsupported_change',
} as const;
export type Incompatibility = (typeof Incompatibility)[keyof typeof Incompatibility];

/** One reason a version is not compatible with the previous one. */
export interface CompatibilityIssue {
  readonly kind: Incompatibility;
  /** Where, e.g. `message_type` or `dimensions.*` (`(root)` for the data itself). */
  readonly path: string;
  readonly message: string;
}

type Schema = Readonly<Record<string, unknown>>;

const ALL_TYPES = ['array', 'boolean', 'integer', 'null', 'number', 'object', 'string'];
/** Keywords that only annotate: never a compatibility question. */
const ANNOTATIONS = new Set(['$schema', '$id', 'title', 'description', 'examples', 'deprecated']);
/** Keywords handled below; any other keyword that differs is an unsupported change. */
const HANDLED = new Set([
  'type',
  'enum',
  'const',
  'default',
  'properties',
  'required',
  'additionalProperties',
  'propertyNames',
  'items',
  'pattern',
  'format',
  'multipleOf',
]);
const LOWER_BOUNDS = ['minLength', 'minimum', 'exclusiveMinimum', 'minItems', 'minProperties'];
const UPPER_BOUNDS = ['maxLength', 'maximum', 'exclusiveMaximum', 'maxItems', 'maxProperties'];

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const asSchema = (value: unknown): Schema =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Schema) : {};
const typesOf = (s: Schema): string[] =>
  s.type === undefined
    ? ALL_TYPES
    : Array.isArray(s.type)
      ? (s.type as string[])
      : [String(s.type)];
const isOpen = (s: Schema): boolean =>
  s.additionalProperties === undefined ||
  s.additionalProperties === true ||
  same(s.additionalProperties, {});
const at = (path: string, name: string): string => (path === '' ? name : `${path}.${name}`);
const shown = (path: string): string => (path === '' ? '(root)' : path);

class Comparison {
  public readonly issues: CompatibilityIssue[] = [];

  public add(kind: Incompatibility, path: string, message: string): void {
    this.issues.push({ kind, path: shown(path), message });
  }

  public schema(prev: Schema, next: Schema, path: string): void {
    this.types(prev, next, path);
    this.values(prev, next, path);
    this.bounds(prev, next, path);
    if (typesOf(prev).includes('object') && typesOf(next).includes('object'))
      this.object(prev, next, path);
    if (prev.items !== undefined || next.items !== undefined)
      this.schema(asSchema(prev.items), asSchema(next.items), at(path, '[]'));
    if (prev.propertyNames !== undefined || next.propertyNames !== undefined)
      this.schema(asSchema(prev.propertyNames), asSchema(next.propertyNames), at(path, '(key)'));
    for (const key of new Set([...Object.keys(prev), ...Object.keys(next)])) {
      const known = ANNOTATIONS.has(key) || HANDLED.has(key);
      if (!known && !LOWER_BOUNDS.includes(key) && !UPPER_BOUNDS.includes(key))
        if (!same(prev[key], next[key]))
          this.add(Incompatibility.UnsupportedChange, path, `"${key}" changed`);
    }
  }

  private types(prev: Schema, next: Schema, path: string): void {
    const accepted = typesOf(next);
    const lost = typesOf(prev).filter(
      (t) => !accepted.includes(t) && !(t === 'integer' && accepted.includes('number')),
    );
    if (lost.length > 0)
      this.add(Incompatibility.NarrowedType, path, `no longer accepts ${lost.join(', ')}`);
  }

  private values(prev: Schema, next: Schema, path: string): void {
    if (Array.isArray(next.enum)) {
      if (!Array.isArray(prev.enum))
        this.add(Incompatibility.NarrowedType, path, 'now restricted to an enum');
      else {
        const lost = prev.enum.filter((v) => !(next.enum as unknown[]).some((n) => same(n, v)));
        if (lost.length > 0)
          this.add(
            Incompatibility.EnumShrunk,
            path,
            `enum lost ${lost.map((v) => JSON.stringify(v)).join(', ')}`,
          );
      }
    }
    if ('const' in next && !same(prev.const, next.const))
      this.add(Incompatibility.NarrowedType, path, `now constant ${JSON.stringify(next.const)}`);
    if ('default' in prev && !same(prev.default, next.default))
      this.add(
        Incompatibility.DefaultChanged,
        path,
        `default changed from ${JSON.stringify(prev.default)} to ${JSON.stringify(next.default)}`,
      );
    for (const key of ['pattern', 'format', 'multipleOf'])
      if (key in next && !same(prev[key], next[key]))
        this.add(Incompatibility.NarrowedType, path, `"${key}" added or changed`);
  }

  private bounds(prev: Schema, next: Schema, path: string): void {
    const check = (keys: readonly string[], tighter: (p: number, n: number) => boolean): void => {
      for (const key of keys) {
        const n = next[key];
        if (typeof n !== 'number') continue;
        const p = prev[key];
        if (typeof p !== 'number' || tighter(p, n))
          this.add(
            Incompatibility.NarrowedType,
            path,
            `"${key}" ${typeof p === 'number' ? `tightened from ${p} to ${n}` : `added (${n})`}`,
          );
      }
    };
    check(LOWER_BOUNDS, (p, n) => n > p);
    check(UPPER_BOUNDS, (p, n) => n < p);
  }

  private object(prev: Schema, next: Schema, path: string): void {
    const prevProps = asSchema(prev.properties);
    const nextProps = asSchema(next.properties);
    const prevRequired = new Set((prev.required as string[] | undefined) ?? []);
    const nextRequired = new Set((next.required as string[] | undefined) ?? []);
    for (const [name, schema] of Object.entries(prevProps)) {
      const where = at(path, name);
      if (!(name in nextProps)) {
        this.add(Incompatibility.RemovedField, where, 'field removed');
        continue;
      }
      if (prevRequired.has(name) && !nextRequired.has(name))
        this.add(Incompatibility.RequiredRemoved, where, 'required field made optional');
      if (!prevRequired.has(name) && nextRequired.has(name))
        this.add(Incompatibility.NewRequiredField, where, 'optional field made required');
      this.schema(asSchema(schema), asSchema(nextProps[name]), where);
    }
    for (const name of Object.keys(nextProps)) {
      if (name in prevProps) continue;
      const where = at(path, name);
      if (nextRequired.has(name))
        this.add(
          Incompatibility.NewRequiredField,
          where,
          'new required field without a default (give it a default, or make it optional)',
        );
      else if (isOpen(prev))
        this.add(
          Incompatibility.NarrowedType,
          where,
          'field added to an open object (earlier data may hold any value under that name)',
        );
    }
    if (isOpen(prev) && !isOpen(next))
      this.add(Incompatibility.NarrowedType, path, 'additionalProperties narrowed (open before)');
    else if (prev.additionalProperties !== false && !isOpen(next))
      this.schema(
        asSchema(prev.additionalProperties),
        asSchema(next.additionalProperties),
        at(path, '*'),
      );
  }
}

/**
 * Checks that `next` may follow `prev` in the same major: everything `prev`
 * accepted, `next` accepts (BACKWARD), and no field `prev` required is
 * gone or optional. Returns every incompatibility (none: compatible).
 *
 * @example
 * ```ts
 * checkCompatibility(v1, v2); // [{ kind: 'enum_shrunk', path: 'status', message: 'enum lost "degraded"' }]
 * ```
 */
export const checkCompatibility = (
  prev: JsonSchemaDocument,
  next: JsonSchemaDocument,
): readonly CompatibilityIssue[] => {
  const comparison = new Comparison();
  comparison.schema(prev, next, '');
  return comparison.issues;
};

/** A version and its document, for {@link checkEvolution}. */
export interface VersionedDocument {
  readonly ref: SchemaRef;
  readonly document: JsonSchemaDocument;
}

/**
 * Checks every version against the previous version of its major (the first
 * version of a major is free: that is what a major is for). Returns one
 * message per incompatible version, saying what broke and what to do.
 *
 * @example
 * ```ts
 * checkEvolution(versions); // ['user.action 1.2 is not backward compatible with 1.1: ...']
 * ```
 */
export const checkEvolution = (versions: readonly VersionedDocument[]): string[] => {
  const sorted = [...versions].sort((a, b) => compareSchemaRefs(a.ref, b.ref));
  const problems: string[] = [];
  sorted.forEach((current, i) => {
    const previous = sorted[i - 1];
    const { ref } = current;
    if (ref.version === 1) return;
    if (
      previous?.ref.eventType !== ref.eventType ||
      previous.ref.major !== ref.major ||
      previous.ref.version !== ref.version - 1
    ) {
      problems.push(
        `${ref.eventType} ${schemaLabel(ref)}: version ${ref.version - 1} of major ${ref.major} is missing (versions are numbered 1..n without gaps)`,
      );
      return;
    }
    const issues = checkCompatibility(previous.document, current.document);
    if (issues.length === 0) return;
    problems.push(
      `${ref.eventType} ${schemaLabel(ref)} is not backward compatible with ${schemaLabel(previous.ref)}: ${issues
        .map((i) => `${i.path}: ${i.message} [${i.kind}]`)
        .join('; ')}. A breaking change needs a new MAJOR version: ` +
        `add it as major ${ref.major + 1} (${ref.eventType} ${ref.major + 1}.1), see docs/schemas.md.`,
    );
  });
  return problems;
};

/**
 * Compares the schema files the generator would write with the committed
 * ones (both by repository path). A committed version is immutable; a new
 * version must be committed; a committed version cannot disappear.
 *
 * @example
 * ```ts
 * compareWithCommitted(generatedSchemaFiles(), committed); // [] when in sync
 * ```
 */
export const compareWithCommitted = (
  generated: ReadonlyMap<string, string>,
  committed: ReadonlyMap<string, string>,
): string[] => {
  const problems: string[] = [];
  for (const [path, text] of generated) {
    const old = committed.get(path);
    if (old === undefined)
      problems.push(
        `${path}: new schema version not committed yet: run \`npm run schemas:generate\` and commit the file`,
      );
    else if (old !== text)
      problems.push(
        `${path}: a committed schema version changed. Committed versions are immutable: revert the change (to its zod schema or the file) and add a new version instead (a new major for a breaking change, see docs/schemas.md)`,
      );
  }
  for (const path of committed.keys())
    if (!generated.has(path))
      problems.push(
        `${path}: committed, but no zod schema defines this version any more: a published version cannot be removed`,
      );
  return problems;
};
