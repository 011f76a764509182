export { EventType, EVENT_TYPES } from './event-types';
export { envelopeSchema, createEnvelope, DEFAULT_SOURCE } from './envelope';
export type { RawEnvelope, EventEnvelope, NewEvent } from './envelope';
export { eventDataSchemas, dataSchemaFor, CURRENT_DATA_VERSION } from './schemas';
export type { EventData, EventDataInput } from './schemas';
export { recordKeyFor } from './keys';
export { validateEvent } from './validate';
export { EventValidationError } from './errors';
