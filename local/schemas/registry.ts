import { LocalEnv, readEnv } from '../../shared/platform/env';
import {
  registrySchemaName,
  SCHEMA_COMPATIBILITY,
  schemaLabel,
} from '../../shared/platform';
import type { CommittedSchema } from '../../shared/platform';
import { SchemaRegistryError } from './errors';

/**
 * The registry URL from the environment, or undefined (then the committed
 * files are the registry). A bad value stops the program, naming the variable.
 *
 * @example
 * ```ts
 * schemaRegistryUrl({ SCHEMA_REGISTRY_URL: 'http://localhost:8081/' }); // 'http://localhost:8081'
 * ```
 */
export const schemaRegistryUrl = (
  env: Readonly<Record<string, string | undefined>> = process.env,
): string | undefined => readEnv(LocalEnv.SchemaRegistryUrl, env);

/** What {@link registerSchemas} did. */
export interface RegistrationReport {
  /** Subjects touched, compatibility set on each. */
  readonly subjects: readonly string[];
  /** `subject version` newly registered. */
  readonly registered: readonly string[];
  /** `subject version` already there, identical. */
  readonly existing: readonly string[];
}

const MEDIA_TYPE = 'application/vnd.schemaregistry.v1+json';
const TIMEOUT_MS = 10_000;

interface RegistryAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

const call = async (
  url: string,
  method: 'GET' | 'POST' | 'PUT',
  body?: unknown,
): Promise<RegistryAnswer> => {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: { Accept: MEDIA_TYPE, 'Content-Type': MEDIA_TYPE },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    throw new SchemaRegistryError(`schema registry unreachable (${method} ${url})`, {
      cause: error,
      retriable: true,
    });
  }
  const text = await response.text();
  let parsed: unknown = {};
  try {
    parsed = text === '' ? {} : JSON.parse(text);
  } catch {
    parsed = { message: text.slice(0, 300) };
  }
  const json = typeof parsed === 'object' && parsed !== null ? parsed : { value: parsed };
  return { status: response.status, body: json as Record<string, unknown> };
};

const refused = (what: string, answer: RegistryAnswer): SchemaRegistryError =>
  new SchemaRegistryError(
    `${what}: the registry answered ${answer.status} ${String(answer.body.error_code ?? '')} ${String(answer.body.message ?? '')}`.trim(),
    { retriable: answer.status >= 500 },
  );

/**
 * Registers the committed schemas in a Confluent-compatible registry: one
 * subject per event type and major (`<prefix><registrySchemaName>`, e.g.
 * `conversation-started-v1`), compatibility BACKWARD set on each subject,
 * schemaType JSON, versions in order so that the registry's version numbers
 * are the files' (`1.2` is version 2 of `...-v1`). Idempotent: an identical
 * version already there is kept. Throws {@link SchemaRegistryError} when the
 * registry refuses a version (e.g. 409 incompatible) or numbers it otherwise
 * than the files (drift).
 *
 * @example
 * ```ts
 * await registerSchemas('http://localhost:8081', readCommittedSchemas(root));
 * ```
 */
export const registerSchemas = async (
  baseUrl: string,
  schemas: readonly CommittedSchema[],
  prefix = '',
): Promise<RegistrationReport> => {
  const subjects: string[] = [];
  const registered: string[] = [];
  const existing: string[] = [];
  for (const committed of schemas) {
    const subject = `${prefix}${registrySchemaName(committed.ref.eventType, committed.ref.major)}`;
    const path = `${baseUrl}/subjects/${encodeURIComponent(subject)}`;
    const label = `${subject} ${committed.ref.version} (${committed.path})`;
    if (!subjects.includes(subject)) {
      const config = await call(`${baseUrl}/config/${encodeURIComponent(subject)}`, 'PUT', {
        compatibility: SCHEMA_COMPATIBILITY,
      });
      if (config.status !== 200) throw refused(`setting the compatibility of ${subject}`, config);
      subjects.push(subject);
    }
    const request = { schemaType: 'JSON', schema: JSON.stringify(JSON.parse(committed.text)) };
    const found = await call(path, 'POST', request);
    if (found.status === 200) {
      if (found.body.version !== committed.ref.version)
        throw new SchemaRegistryError(
          `${label}: the registry holds this schema as version ${String(found.body.version)} (drift: ${schemaLabel(committed.ref)} must be version ${committed.ref.version})`,
        );
      existing.push(`${subject} ${committed.ref.version}`);
      continue;
    }
    if (found.status !== 404) throw refused(`looking up ${label}`, found);
    const added = await call(`${path}/versions`, 'POST', request);
    if (added.status !== 200) throw refused(`registering ${label}`, added);
    const latest = await call(`${path}/versions/latest`, 'GET');
    if (latest.body.version !== committed.ref.version)
      throw new SchemaRegistryError(
        `${label}: registered as version ${String(latest.body.version)} (drift: the subject holds versions the files do not)`,
      );
    registered.push(`${subject} ${committed.ref.version}`);
  }
  return { subjects, registered, existing };
};
