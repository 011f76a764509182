export { EventType, EVENT_TYPES } from './event-types';
export { envelopeSchema, createEnvelope, DEFAULT_SOURCE } from './envelope';
export type { RawEnvelope, EventEnvelope, NewEvent, NewEnvelope } from './envelope';
export { eventDataSchemas } from './schemas';
export type { EventData, EventDataInput } from './schemas';
export { schemaVersions, schemaVersionOf, latestVersionOf, currentVersionOf } from './catalogue';
export type { SchemaVersion } from './catalogue';
export {
  SCHEMA_URI_BASE,
  SCHEMAS_DIR,
  SCHEMA_COMPATIBILITY,
  schemaLabel,
  parseSchemaLabel,
  schemaUri,
  parseSchemaUri,
  schemaFilePath,
  parseSchemaFileName,
  registrySchemaName,
} from './schema-ref';
export type { SchemaRef } from './schema-ref';
export {
  jsonSchemaFromZod,
  jsonSchemaOf,
  schemaDocumentText,
  generatedSchemaFiles,
  listSchemas,
  getSchemaDocument,
} from './json-schema';
export type { JsonSchemaDocument, SchemaSummary } from './json-schema';
export {
  Incompatibility,
  checkCompatibility,
  checkEvolution,
  compareWithCommitted,
} from './compatibility';
export type { CompatibilityIssue, VersionedDocument } from './compatibility';
export { recordKeyFor } from './keys';
export { validateEvent, validateNewEnvelope, validateNewEvent } from './validate';
export { EventValidationError, UnknownSchemaVersionError, SchemaNotFoundError } from './errors';
export { EventHeader, CLOUDEVENTS_JSON, eventHeaders, toEventRecord } from './record';
export type { EventRecord } from './record';
