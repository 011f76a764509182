import type { DeadLetterFailure } from '../dlq/dead-letter';
import { ValidationError } from '../errors';
import { FailureCategory } from '../platform/schema';
import { RecordFailureError } from './errors';

/**
 * Which failure categories are worth retrying, explicitly. The same bytes
 * fail deserialization and validation the same way every time; processing,
 * timeout and dependency failures may pass on a later attempt, and so may a
 * record of an unknown schema version once a newer consumer is deployed.
 */
export const RETRIABLE_BY_CATEGORY = {
  [FailureCategory.Deserialization]: false,
  [FailureCategory.SchemaValidation]: false,
  [FailureCategory.Processing]: true,
  [FailureCategory.Timeout]: true,
  [FailureCategory.Dependency]: true,
  [FailureCategory.UnknownSchemaVersion]: true,
} as const satisfies Record<FailureCategory, boolean>;

/** A classified failure, ready for the DLQ headers: every field known. */
export type ClassifiedFailure = Required<DeadLetterFailure>;

/** Network error codes of Node that mean "the dependency is unreachable". */
const NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'EPIPE',
]);

const STACK_LINES = 6;
const MESSAGE_MAX = 1000;

const isDependencyFailure = (error: Error): boolean => {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  if (error.name.startsWith('KafkaJS')) return true;
  return (error as { retriable?: unknown }).retriable === true;
};

const categoryOf = (error: unknown): FailureCategory => {
  if (error instanceof RecordFailureError) return error.category;
  if (error instanceof ValidationError) return FailureCategory.SchemaValidation;
  if (error instanceof Error && isDependencyFailure(error)) return FailureCategory.Dependency;
  return FailureCategory.Processing;
};

/**
 * The first `lines` lines of an error's stack (message line included).
 *
 * @example
 * ```ts
 * stackExcerpt(new Error('boom'), 3); // 'Error: boom\n    at ...\n    at ...'
 * ```
 */
export const stackExcerpt = (error: unknown, lines = STACK_LINES): string =>
  error instanceof Error && typeof error.stack === 'string'
    ? error.stack.split('\n').slice(0, lines).join('\n')
    : '';

/**
 * Classifies anything thrown while handling a record: our record errors keep
 * their category; validation errors are `schema_validation`; network and
 * kafkajs errors, and errors flagged `retriable`, are `dependency`; anything
 * else a handler throws is `processing`.
 *
 * @example
 * ```ts
 * classifyFailure(new Error('boom')).category; // 'processing'
 * classifyFailure(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })).category; // 'dependency'
 * ```
 */
export const classifyFailure = (error: unknown): ClassifiedFailure => {
  const category = categoryOf(error);
  const raw = error instanceof Error ? error.message : String(error);
  return {
    category,
    retriable: RETRIABLE_BY_CATEGORY[category],
    message: raw.length > MESSAGE_MAX ? `${raw.slice(0, MESSAGE_MAX)}…` : raw,
    stack: stackExcerpt(error),
  };
};
