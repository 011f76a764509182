import { regexes } from 'zod/v4/core';
import { lazy } from '../lazy';
import { EVENT_TYPES } from './event-types';
import type { EventType } from './event-types';
import type { NewEnvelope } from './envelope';

const TYPES: ReadonlySet<string> = new Set<string>(EVENT_TYPES);

/**
 * The envelope schema's check of `time`: `z.iso.datetime({ offset: true })`
 * tests exactly this regular expression of zod's (zod/v4/core `regexes`),
 * tested here without zod's parse around it, which cost more than the rest
 * of the check on a single-event request (each starts a new millisecond).
 */
const isoTime = lazy(() => regexes.datetime({ offset: true }));
/** The last `time` that passed: the events of one batch share it (one per millisecond). */
let lastTime: string | undefined;

const timeIsValid = (time: unknown): boolean => {
  if (time === lastTime) return true;
  if (typeof time !== 'string' || !isoTime().test(time)) return false;
  lastTime = time;
  return true;
};

const text = (value: unknown, min: number, max: number): boolean =>
  typeof value === 'string' && value.length >= min && value.length <= max;

/**
 * Whether an envelope built by `createEnvelope` passes the envelope schema
 * (`envelopeSchema` of envelope.ts), checked in plain code: the publish
 * path validates every event it builds, and zod's generic object walk was
 * half of that validation's time (issue #13). It never accepts what the
 * schema refuses (a test compares them); when it says no, the caller runs
 * the schema itself, which names the failing paths.
 *
 * @example
 * ```ts
 * if (!passesEnvelopeSchema(envelope)) validateNewEvent(envelope); // throws naming the paths
 * ```
 */
export const passesEnvelopeSchema = (envelope: NewEnvelope<EventType>): boolean =>
  envelope.specversion === '1.0' &&
  text(envelope.id, 1, 256) &&
  text(envelope.source, 1, 1024) &&
  TYPES.has(envelope.type) &&
  timeIsValid(envelope.time) &&
  envelope.datacontenttype === 'application/json' &&
  (envelope.dataschema === undefined || text(envelope.dataschema, 1, 2048)) &&
  (envelope.subject === undefined || text(envelope.subject, 0, 1024)) &&
  (envelope.correlationid === undefined || text(envelope.correlationid, 1, 256)) &&
  // zod's `int()` is a safe integer: 2 ** 53 is an integer it refuses.
  Number.isSafeInteger(envelope.dataversion) &&
  envelope.dataversion >= 1 &&
  // The schema's `data` is any value but a missing one (a record's JSON without `data`).
  envelope.data !== undefined;
