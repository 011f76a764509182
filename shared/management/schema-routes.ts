/**
 * The event schemas as the API serves them (issue #16, docs/schemas.md):
 * the list of every version and one version's JSON Schema document, which a
 * record's `dataschema` names. Read routes of the management function: a
 * caller with the read (or operate) scope, or the `operator` policy, may read
 * them, as consumers in other languages need to (docs/schemas.md).
 */
import { getSchemaDocument, listSchemas } from '../events';
import { jsonResponse } from '../http/problem';
import type { RouteHandler } from './context';

/** The media type of a JSON Schema document (JSON Schema 2020-12, section 14.1). */
export const SCHEMA_CONTENT_TYPE = 'application/schema+json';

/**
 * GET /schemas: `{ schemas: [...] }`, every version of every event type.
 *
 * @example
 * ```ts
 * const routes = { 'GET /schemas': schemaListRoute };
 * ```
 */
export const schemaListRoute: RouteHandler<'GET /schemas'> = async () =>
  jsonResponse(200, { schemas: listSchemas() });

/**
 * GET /schemas/{event_type}/versions/{n}: the JSON Schema document of a
 * version (`{n}`: `<major>.<version>` or `latest`); 404 problem+json for an
 * unknown type, label or version (SchemaNotFoundError).
 *
 * @example
 * ```ts
 * const routes = { 'GET /schemas/{event_type}/versions/{n}': schemaDocumentRoute };
 * ```
 */
export const schemaDocumentRoute: RouteHandler<'GET /schemas/{event_type}/versions/{n}'> = async ({
  path,
}) =>
  jsonResponse(200, getSchemaDocument(path.event_type, path.n), {
    'content-type': SCHEMA_CONTENT_TYPE,
  });
