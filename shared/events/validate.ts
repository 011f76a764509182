import type { z } from 'zod';
import { latestVersionOf, schemaVersionOf } from './catalogue';
import type { SchemaVersion } from './catalogue';
import { passesEnvelopeSchema } from './created-envelope';
import { envelopeSchema } from './envelope';
import type { EventEnvelope, NewEnvelope, RawEnvelope } from './envelope';
import type { EventType } from './event-types';
import { EventValidationError, UnknownSchemaVersionError } from './errors';
import { parseSchemaUri } from './schema-ref';

const toIssues = (error: z.ZodError, prefix: string): { path: string; message: string }[] =>
  error.issues.map((i) => ({
    path: [prefix, ...i.path.map(String)].filter(Boolean).join('.'),
    message: i.message,
  }));

const parseEnvelope = (input: unknown): RawEnvelope => {
  const envelope = envelopeSchema().safeParse(input);
  if (!envelope.success) throw new EventValidationError(toIssues(envelope.error, ''));
  return envelope.data;
};

/** zod's output is a new object: the validated data replaces the raw one in place (no copy). */
const withData = (envelope: RawEnvelope, data: unknown): EventEnvelope => {
  const event = envelope as { data: unknown };
  event.data = data;
  return event as EventEnvelope;
};

const unknownMajor = (envelope: RawEnvelope): UnknownSchemaVersionError =>
  new UnknownSchemaVersionError([
    {
      path: 'dataversion',
      message: `major version ${envelope.dataversion} of "${envelope.type}" is unknown here`,
    },
  ]);

/**
 * The data of a validated envelope, read by the newest version this code
 * knows of its major: the tolerant reader of {@link validateEvent}.
 */
const readData = (envelope: RawEnvelope): EventEnvelope => {
  const known = latestVersionOf(envelope.type, envelope.dataversion);
  if (!known) throw unknownMajor(envelope);
  const data = known.reader.safeParse(envelope.data);
  if (data.success) return withData(envelope, data.data);
  const issues = toIssues(data.error, 'data');
  const named = envelope.dataschema === undefined ? undefined : parseSchemaUri(envelope.dataschema);
  if (
    named?.eventType === envelope.type &&
    named.major === envelope.dataversion &&
    named.version > known.version
  )
    throw new UnknownSchemaVersionError([
      {
        path: 'dataschema',
        message: `version ${named.major}.${named.version} of "${envelope.type}" is newer than ${known.label}, the newest known here, which cannot read its data`,
      },
      ...issues,
    ]);
  throw new EventValidationError(issues);
};

/**
 * Validates a received event as a tolerant reader: the envelope, then its
 * data against the newest version this code knows of the record's major
 * (`dataversion`). Unknown data fields are kept (a newer version's fields
 * pass through untouched); defaults are filled. Throws an
 * {@link UnknownSchemaVersionError} for an unknown major, or for a newer
 * version (named by `dataschema`) whose data the known version cannot read;
 * an {@link EventValidationError} naming every failing path otherwise.
 *
 * @example
 * ```ts
 * const event = validateEvent(JSON.parse(recordValue));
 * if (event.type === 'conversation.started') event.data.conversation_id;
 * ```
 */
export const validateEvent = (input: unknown): EventEnvelope => readData(parseEnvelope(input));

/**
 * {@link validateEvent} for a value the caller has just parsed from JSON
 * and keeps no other reference to (a consumed record's): an envelope with
 * every attribute present is checked in plain code
 * ({@link passesEnvelopeSchema}, which never accepts what the schema
 * refuses) and completed in place, in the order its producer wrote it;
 * the schema runs only when that check fails (to fill a default, or to
 * name the failing paths). zod's walk of the envelope was the largest
 * part of a consumer's validation of each record (issue #13,
 * docs/consumers.md). Same results and errors as {@link validateEvent}.
 *
 * @example
 * ```ts
 * const event = validateParsedEvent(JSON.parse(value.toString('utf8')));
 * ```
 */
export const validateParsedEvent = (json: unknown): EventEnvelope =>
  readData(
    typeof json === 'object' &&
      json !== null &&
      !Array.isArray(json) &&
      passesEnvelopeSchema(json as NewEnvelope<EventType>)
      ? (json as RawEnvelope)
      : parseEnvelope(json),
  );

const writerOf = (envelope: RawEnvelope): SchemaVersion => {
  const latest = latestVersionOf(envelope.type, envelope.dataversion);
  if (!latest) throw unknownMajor(envelope);
  const { dataschema } = envelope;
  if (dataschema === undefined || dataschema === latest.uri) return latest;
  const named = parseSchemaUri(dataschema);
  const version =
    named?.eventType === envelope.type && named.major === envelope.dataversion
      ? schemaVersionOf(named)
      : undefined;
  if (!version)
    throw new EventValidationError([
      {
        path: 'dataschema',
        message: `does not name a known version of "${envelope.type}" major ${envelope.dataversion}`,
      },
    ]);
  return version;
};

/**
 * Validates an event about to be written: the envelope, then its data
 * against the writer's contract of the version its `dataschema` names (the
 * newest of its major when absent, then named): declared fields only.
 * Returns the event with defaults filled; throws an
 * {@link EventValidationError} naming every failing path.
 *
 * @example
 * ```ts
 * const event = validateNewEvent(createEnvelope({ type: 'user.action', data: { user_id: 'u1', action: 'login' } }));
 * ```
 */
export const validateNewEvent = (input: unknown): EventEnvelope => {
  const envelope = parseEnvelope(input);
  const version = writerOf(envelope);
  const data = version.writer.safeParse(envelope.data);
  if (!data.success) throw new EventValidationError(toIssues(data.error, 'data'));
  if (envelope.dataschema !== version.uri) envelope.dataschema = version.uri;
  return withData(envelope, data.data);
};

/**
 * Validates an event about to be written whose data its caller already
 * parsed with the writer's contract of its type's current version (the
 * typed publish routes: their request schemas extend it), so the data is
 * validated once: the envelope is validated and names the current version.
 * An envelope naming another version has its data validated as
 * {@link validateNewEvent} does. Throws an {@link EventValidationError}.
 *
 * @example
 * ```ts
 * const data = conversationRequestSchema.parse(body); // the current writer, extended
 * const event = validateNewEnvelope(createEnvelope({ type: 'conversation.started', data }));
 * ```
 */
export const validateNewEnvelope = (input: unknown): EventEnvelope => {
  const envelope = parseEnvelope(input);
  const version = writerOf(envelope);
  if (!version.current) return validateNewEvent(envelope);
  if (envelope.dataschema !== version.uri) envelope.dataschema = version.uri;
  return envelope as EventEnvelope;
};

/**
 * Validates an envelope `createEnvelope` just built, as
 * {@link validateNewEvent} does (or {@link validateNewEnvelope} with
 * `dataValidated`), with the envelope attributes checked in plain code
 * ({@link passesEnvelopeSchema}); the schema runs only when that check
 * fails, to name the paths. The envelope is completed in place (it is the
 * caller's own, fresh object), not copied. Throws an
 * {@link EventValidationError}.
 *
 * @example
 * ```ts
 * const event = validateCreatedEnvelope(createEnvelope({ type: 'user.action', data }));
 * ```
 */
export const validateCreatedEnvelope = (
  envelope: NewEnvelope<EventType>,
  dataValidated = false,
): EventEnvelope => {
  if (!passesEnvelopeSchema(envelope))
    return dataValidated ? validateNewEnvelope(envelope) : validateNewEvent(envelope);
  const raw = envelope as unknown as RawEnvelope;
  const version = writerOf(raw);
  if (raw.dataschema !== version.uri) raw.dataschema = version.uri;
  if (dataValidated && version.current) return raw as EventEnvelope;
  const data = version.writer.safeParse(raw.data);
  if (!data.success) throw new EventValidationError(toIssues(data.error, 'data'));
  return withData(raw, data.data);
};
