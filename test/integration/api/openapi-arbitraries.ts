import fc from 'fast-check';

/**
 * fast-check arbitraries from an OpenAPI 3 document: its operations, their
 * parameters and request-body schemas (JSON Schema, `$ref`s resolved),
 * read by structure only, so the generator follows the document when
 * routes or fields change.
 */
export type JsonSchema = Readonly<Record<string, unknown>>;

export interface OpenApiDocument {
  readonly paths?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly components?: Readonly<Record<string, unknown>>;
}

export interface Parameter {
  readonly name: string;
  readonly in: string;
  readonly schema?: JsonSchema;
}

export interface Operation {
  readonly method: string;
  readonly path: string;
  readonly parameters: readonly Parameter[];
  readonly bodySchema?: JsonSchema;
  readonly responses: Readonly<Record<string, unknown>>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Follows a local `$ref` (`#/components/...`). */
const deref = (value: unknown, doc: OpenApiDocument): Record<string, unknown> => {
  let current = value;
  for (let hops = 0; isObject(current) && typeof current.$ref === 'string' && hops < 20; hops++) {
    let target: unknown = doc;
    for (const part of current.$ref.replace(/^#\//, '').split('/'))
      target = isObject(target)
        ? target[part.replaceAll('~1', '/').replaceAll('~0', '~')]
        : undefined;
    current = target;
  }
  return isObject(current) ? current : {};
};

/** Every operation of the document, with its parameters (path- and operation-level) and JSON body schema. */
export const operationsOf = (doc: OpenApiDocument): Operation[] =>
  Object.entries(doc.paths ?? {}).flatMap(([path, item]) => {
    const shared = Array.isArray(item.parameters) ? item.parameters : [];
    return METHODS.filter((m) => isObject(item[m])).map((m) => {
      const op = item[m] as Record<string, unknown>;
      const parameters = [...shared, ...(Array.isArray(op.parameters) ? op.parameters : [])]
        .map((p) => deref(p, doc))
        .filter((p): p is Record<string, unknown> & Parameter => typeof p.name === 'string');
      const content = deref(op.requestBody, doc).content;
      const json = isObject(content)
        ? Object.entries(content).find(([type]) => type.includes('json'))?.[1]
        : undefined;
      const bodySchema = isObject(json) && isObject(json.schema) ? json.schema : undefined;
      return {
        method: m.toUpperCase(),
        path,
        parameters,
        ...(bodySchema === undefined ? {} : { bodySchema }),
        responses: isObject(op.responses) ? op.responses : {},
      };
    });
  });

/**
 * How an operation documents a status: by itself (`422`), by its range
 * (`4XX`), by `default` (OpenAPI's "any other"), or not at all.
 */
export const documentedAs = (
  operation: Operation,
  status: number,
): 'exact' | 'range' | 'default' | undefined => {
  const keys = Object.keys(operation.responses).map((k) => k.toUpperCase());
  if (keys.includes(String(status))) return 'exact';
  if (keys.includes(`${Math.floor(status / 100)}XX`)) return 'range';
  return keys.includes('DEFAULT') ? 'default' : undefined;
};

const bounded = (n: unknown, fallback: number, cap: number): number =>
  Math.min(typeof n === 'number' ? n : fallback, cap);

/**
 * An arbitrary of values valid (mostly) for a JSON Schema: objects with
 * their required keys and some optional ones, enums, bounded strings and
 * numbers; an unknown shape is any JSON value.
 */
export const arbitraryOf = (
  schema: JsonSchema,
  doc: OpenApiDocument,
  depth = 0,
): fc.Arbitrary<unknown> => {
  const s = deref(schema, doc);
  if (depth > 6) return fc.constant(null);
  if (Array.isArray(s.enum) && s.enum.length > 0) return fc.constantFrom(...(s.enum as unknown[]));
  if ('const' in s) return fc.constant(s.const);
  for (const key of ['anyOf', 'oneOf'] as const) {
    const options = s[key];
    if (Array.isArray(options) && options.length > 0)
      return fc.oneof(...options.map((o) => arbitraryOf(o as JsonSchema, doc, depth + 1)));
  }
  if (Array.isArray(s.allOf) && s.allOf.length > 0) {
    const merged: Record<string, unknown> = { type: 'object', properties: {}, required: [] };
    for (const part of s.allOf.map((p) => deref(p, doc))) {
      Object.assign(merged.properties as object, part.properties ?? {});
      (merged.required as unknown[]).push(...(Array.isArray(part.required) ? part.required : []));
    }
    return arbitraryOf(merged, doc, depth + 1);
  }
  const type = Array.isArray(s.type) ? s.type : [s.type];
  const nullable = s.nullable === true || type.includes('null');
  const base = ((): fc.Arbitrary<unknown> => {
    if (type.includes('object') || isObject(s.properties)) {
      const properties = isObject(s.properties) ? s.properties : {};
      const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : []);
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [name, sub] of Object.entries(properties))
        model[name] = arbitraryOf(sub as JsonSchema, doc, depth + 1);
      const known = fc.record(model, {
        requiredKeys: Object.keys(model).filter((k) => required.has(k)),
      });
      if (Object.keys(model).length > 0 || s.additionalProperties === false) return known;
      const values = isObject(s.additionalProperties)
        ? arbitraryOf(s.additionalProperties, doc, depth + 1)
        : fc.jsonValue({ maxDepth: 2 });
      return fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), values, { maxKeys: 4 });
    }
    if (type.includes('array')) {
      const items = isObject(s.items) ? arbitraryOf(s.items, doc, depth + 1) : fc.jsonValue();
      const minLength = bounded(s.minItems, 0, 3);
      return fc.array(items, {
        minLength,
        maxLength: Math.max(minLength, bounded(s.maxItems, 4, 4)),
      });
    }
    if (type.includes('string')) {
      if (s.format === 'date-time')
        return fc
          .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
          .map((d) => d.toISOString());
      const minLength = bounded(s.minLength, 0, 16);
      const maxLength = Math.max(minLength, bounded(s.maxLength, 24, 24));
      return fc.string({ minLength, maxLength });
    }
    if (type.includes('integer'))
      return fc.integer({
        min: typeof s.minimum === 'number' ? Math.ceil(s.minimum) : -1_000,
        max: typeof s.maximum === 'number' ? Math.floor(s.maximum) : 1_000_000,
      });
    if (type.includes('number'))
      return fc.double({
        noNaN: true,
        noDefaultInfinity: true,
        min: typeof s.minimum === 'number' ? s.minimum : -1e6,
        max: typeof s.maximum === 'number' ? s.maximum : 1e6,
      });
    if (type.includes('boolean')) return fc.boolean();
    return fc.jsonValue({ maxDepth: 2 });
  })();
  return nullable ? fc.option(base, { nil: null }) : base;
};
