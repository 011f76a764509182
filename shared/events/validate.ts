import type { z } from 'zod';
import { envelopeSchema } from './envelope';
import type { EventEnvelope } from './envelope';
import { EventValidationError } from './errors';
import { dataSchemaFor } from './schemas';

const toIssues = (error: z.ZodError, prefix: string): { path: string; message: string }[] =>
  error.issues.map((i) => ({
    path: [prefix, ...i.path.map(String)].filter(Boolean).join('.'),
    message: i.message,
  }));

/**
 * Validates an envelope and its data against the schema of its type and
 * version; returns the event with defaults filled. Throws an
 * {@link EventValidationError} naming every failing path.
 *
 * @example
 * ```ts
 * const event = validateEvent(JSON.parse(recordValue));
 * if (event.type === 'conversation.started') event.data.conversation_id;
 * ```
 */
export const validateEvent = (input: unknown): EventEnvelope => {
  const envelope = envelopeSchema.safeParse(input);
  if (!envelope.success) throw new EventValidationError(toIssues(envelope.error, ''));
  const { type, dataversion } = envelope.data;
  const schema = dataSchemaFor(type, dataversion);
  if (!schema)
    throw new EventValidationError([
      { path: 'dataversion', message: `version ${dataversion} of "${type}" is unknown` },
    ]);
  const data = schema.safeParse(envelope.data.data);
  if (!data.success) throw new EventValidationError(toIssues(data.error, 'data'));
  // zod's output is a new object: the validated data replaces the raw one in place (no copy).
  const event = envelope.data as { data: unknown };
  event.data = data.data;
  return event as EventEnvelope;
};
