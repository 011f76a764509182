import { isUtf8 } from 'node:buffer';
import type { EventEnvelope } from '../events/envelope';
import { EventValidationError, UnknownSchemaVersionError } from '../events/errors';
import { validateParsedEvent } from '../events/validate';
import { MAX_RECORD_BYTES } from '../platform/limits';
import { RecordDeserializationError, RecordSchemaError, RecordUnknownVersionError } from './errors';

/**
 * Turns a record value into a validated event: size limit, UTF-8, JSON,
 * envelope and data schema. Throws {@link RecordDeserializationError} for
 * bytes that are not an event, {@link RecordUnknownVersionError} for events
 * of a schema version this code does not know (a newer deployment may read
 * them), and {@link RecordSchemaError} for events that do not match their
 * schema (including unknown types). Unknown data fields are kept. Each
 * carries the envelope id when the value could be read, so the value is
 * parsed once, also when it fails.
 *
 * @example
 * ```ts
 * const event = parseEventValue(Buffer.from(JSON.stringify(envelope)));
 * event.type; // 'conversation.started'
 * ```
 */
export const parseEventValue = (
  value: Buffer | null,
  maxBytes: number = MAX_RECORD_BYTES,
): EventEnvelope => {
  if (value === null) throw new RecordDeserializationError('record has no value (tombstone)');
  if (value.length > maxBytes)
    throw new RecordDeserializationError(
      `record value of ${value.length} bytes exceeds the limit of ${maxBytes} bytes`,
      { eventId: eventIdOf(value) },
    );
  if (!isUtf8(value))
    throw new RecordDeserializationError('record value is not valid UTF-8', {
      eventId: eventIdOf(value),
    });
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch (error) {
    throw new RecordDeserializationError(
      `record value is not valid JSON: ${(error as Error).message}`,
      { cause: error },
    );
  }
  try {
    return validateParsedEvent(json);
  } catch (error) {
    if (error instanceof UnknownSchemaVersionError)
      throw new RecordUnknownVersionError(error.message, {
        cause: error,
        details: { issues: error.issues },
        eventId: idOf(json),
        correlationId: correlationIdOf(json),
      });
    if (error instanceof EventValidationError)
      throw new RecordSchemaError(error.message, {
        cause: error,
        details: { issues: error.issues },
        eventId: idOf(json),
        correlationId: correlationIdOf(json),
      });
    throw error;
  }
};

/**
 * The event id of a record value, if it is JSON with a string `id` (used to
 * label dead letters even when validation failed).
 *
 * @example
 * ```ts
 * eventIdOf(Buffer.from('{"id":"e1"}')); // 'e1'
 * ```
 */
export const eventIdOf = (value: Buffer | null): string | undefined => {
  if (value === null) return undefined;
  try {
    return idOf(JSON.parse(value.toString('utf8')));
  } catch {
    return undefined;
  }
};

/** The string `correlationid` of a parsed JSON value (our extension attribute), if any. */
const correlationIdOf = (json: unknown): string | undefined => {
  const id = (json as { correlationid?: unknown } | null)?.correlationid;
  return typeof id === 'string' ? id : undefined;
};

/** The string `id` of a parsed JSON value (the CloudEvents attribute), if any. */
const idOf = (json: unknown): string | undefined => {
  const id = (json as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : undefined;
};
