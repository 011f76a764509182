import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkCompatibility } from '../../shared/events';

/**
 * A minimal, faithful test server of the Confluent Schema Registry REST
 * endpoints the platform uses (no Confluent-compatible registry runs here
 * without Docker: Karapace is not on PyPI, Apicurio ships no runnable jar on
 * Maven Central). Same paths, media type, status and error codes as
 * Confluent's API reference: PUT/GET /config/{subject}, POST /subjects/{subject}
 * (look-up), POST /subjects/{subject}/versions (register: an identical
 * schema keeps its version; otherwise checked against the latest under the
 * subject's compatibility, 409 when incompatible), GET /subjects,
 * GET /subjects/{subject}/versions[/{version}|/latest]. JSON schemas only
 * (a missing schemaType means AVRO: 422). Its BACKWARD check is the
 * platform's own guard.
 */
export interface TestSchemaRegistry {
  readonly url: string;
  /** Subject -> its schemas in version order (schema strings as registered). */
  readonly subjects: Map<string, string[]>;
  /** Subject -> compatibility level set on it. */
  readonly config: Map<string, string>;
  /** Every request, `METHOD path`. */
  readonly requests: string[];
  close(): Promise<void>;
}

const LEVELS = new Set([
  'NONE',
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
]);

const readBody = async (req: IncomingMessage): Promise<Record<string, unknown>> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
};

export const startTestSchemaRegistry = async (): Promise<TestSchemaRegistry> => {
  const subjects = new Map<string, string[]>();
  const config = new Map<string, string>();
  const requests: string[] = [];
  const ids: string[] = [];
  const idOf = (schema: string): number => {
    if (!ids.includes(schema)) ids.push(schema);
    return ids.indexOf(schema) + 1;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/vnd.schemaregistry.v1+json' });
      res.end(JSON.stringify(body));
    };
    const error = (status: number, code: number, message: string): void =>
      send(status, { error_code: code, message });
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push(`${req.method ?? ''} ${path}`);
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    const [area, subject, sub, version] = parts;

    if (area === 'config' && subject !== undefined && parts.length === 2) {
      if (req.method === 'PUT') {
        const level = String((await readBody(req)).compatibility);
        if (!LEVELS.has(level)) return error(422, 42203, 'Invalid compatibility level');
        config.set(subject, level);
        return send(200, { compatibility: level });
      }
      const level = config.get(subject);
      return level === undefined
        ? error(
            404,
            40408,
            `Subject '${subject}' does not have subject-level compatibility configured`,
          )
        : send(200, { compatibilityLevel: level });
    }
    if (area !== 'subjects') return error(404, 404, 'HTTP 404 Not Found');
    if (subject === undefined) return send(200, [...subjects.keys()]);
    const versions = subjects.get(subject);

    if (req.method === 'POST') {
      const body = await readBody(req);
      if (body.schemaType !== 'JSON') return error(422, 42201, 'Invalid schema: not AVRO');
      const schema = String(body.schema);
      const at = versions?.indexOf(schema) ?? -1;
      if (sub === undefined) {
        if (!versions) return error(404, 40401, `Subject '${subject}' not found.`);
        if (at < 0) return error(404, 40403, 'Schema not found');
        return send(200, { subject, version: at + 1, id: idOf(schema), schema });
      }
      if (at >= 0) return send(200, { id: idOf(schema) });
      const latest = versions?.[versions.length - 1];
      if (latest !== undefined && (config.get(subject) ?? 'BACKWARD') === 'BACKWARD') {
        const issues = checkCompatibility(
          JSON.parse(latest) as Record<string, unknown>,
          JSON.parse(schema) as Record<string, unknown>,
        );
        if (issues.length > 0)
          return error(
            409,
            409,
            `Schema being registered is incompatible with an earlier schema for subject "${subject}", details: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
          );
      }
      subjects.set(subject, [...(versions ?? []), schema]);
      return send(200, { id: idOf(schema) });
    }
    if (!versions) return error(404, 40401, `Subject '${subject}' not found.`);
    if (sub === 'versions' && version === undefined)
      return send(
        200,
        versions.map((_, i) => i + 1),
      );
    const n = version === 'latest' ? versions.length : Number(version);
    const schema = versions[n - 1];
    if (sub !== 'versions' || schema === undefined)
      return error(404, 40402, `Version ${String(version)} not found.`);
    return send(200, { subject, version: n, id: idOf(schema), schemaType: 'JSON', schema });
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      res.writeHead(500);
      res.end(String(e));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    subjects,
    config,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
};
