import Ajv2020 from 'ajv/dist/2020';
import type { Admin, Kafka } from 'kafkajs';
import { startGateway } from '../../../local/gateway/server';
import type { RunningGateway } from '../../../local/gateway/server';
import { provisionTopics } from '../../../local/provision';
import { EventHeader, SCHEMA_URI_BASE, listSchemas } from '../../../shared/events';
import { createLogger } from '../../../shared/observability/logger';
import { platform, withNamespace } from '../../../shared/platform';
import type { PlatformDefinition } from '../../../shared/platform';
import { readMessages, testKafka, uniquePrefix } from '../../support/kafka';

/**
 * Issue #16: a record published through the API names its schema
 * (`dataschema`), and the API serves that schema: resolved through
 * GET /schemas/{event_type}/versions/{n}, it validates the record's data.
 * Real gateway, real publish and management functions, real broker.
 */
describe('schemas served by the API resolve the dataschema of published records', () => {
  let kafka: Kafka;
  let admin: Admin;
  let def: PlatformDefinition;
  let gateway: RunningGateway;

  beforeAll(async () => {
    kafka = testKafka('gateway-schemas');
    admin = kafka.admin();
    await admin.connect();
    const prefix = uniquePrefix('gwschemas');
    def = withNamespace(platform, prefix);
    await provisionTopics(admin, def);
    process.env.XSEVEN_TOPIC_PREFIX = prefix;
    // The default local principal (no tokens) publishes and reads.
    gateway = await startGateway({
      platform: def,
      port: 0,
      host: '127.0.0.1',
      logger: createLogger('gateway-schemas-test'),
    });
  });

  afterAll(async () => {
    await gateway.stop();
    await admin.disconnect();
  });

  const api = (path: string): string => `${gateway.url}${def.apiBasePath}${path}`;

  it('publishes a record whose dataschema attribute resolves to the schema validating its data', async () => {
    const response = await fetch(api('/events/conversation'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        action: 'started',
        conversation_id: 'conv_schemas_1',
        user_id: 'user_1',
        metadata: { conversation_type: 'support' },
      }),
    });
    expect(response.status).toBe(200);
    const published = (await response.json()) as { event_id: string; topic: string };

    const [read] = (await readMessages(kafka, [published.topic], 1)).filter(
      (r) => r.message.headers?.[EventHeader.Id]?.toString() === published.event_id,
    );
    if (!read) throw new Error('the published record was not read back');
    const record = JSON.parse(String(read.message.value)) as {
      dataschema?: string;
      data: unknown;
    };
    // The attribute is in the value (records written before 2026-12-02 also had a ce_dataschema header).
    expect(record.dataschema).toBeDefined();

    // The URI's path after the base is the API path after /schemas/ (docs/schemas.md).
    const dataschema = record.dataschema ?? '';
    expect(dataschema.startsWith(`${SCHEMA_URI_BASE}/`)).toBe(true);
    const resolved = await fetch(api(`/schemas/${dataschema.slice(SCHEMA_URI_BASE.length + 1)}`));
    expect(resolved.status).toBe(200);
    expect(resolved.headers.get('content-type')).toBe('application/schema+json');
    const schema = (await resolved.json()) as { $id: string; title: string };
    expect(schema.$id).toBe(dataschema);

    const validate = new Ajv2020({ strict: true, allErrors: true }).compile(schema);
    expect(validate.errors ?? null).toBeNull();
    expect(validate(record.data)).toBe(true);
    // And the schema is not vacuous: it refuses data the API would refuse.
    expect(validate({ ...(record.data as object), undeclared_field: 1 })).toBe(false);
  });

  it('lists every version, serves `latest`, and answers 404 problem+json for an unknown type or version', async () => {
    const listed = (await (await fetch(api('/schemas'))).json()) as { schemas: unknown[] };
    expect(listed.schemas).toEqual(listSchemas());

    const current = listSchemas().find((s) => s.event_type === 'user.action' && s.current);
    const latest = (await (await fetch(api('/schemas/user.action/versions/latest'))).json()) as {
      $id: string;
    };
    expect(latest.$id).toBe(current?.dataschema);

    for (const path of [
      '/schemas/no.such.type/versions/1.1',
      '/schemas/user.action/versions/9.9',
    ]) {
      const missing = await fetch(api(path));
      expect({ path, status: missing.status }).toEqual({ path, status: 404 });
      expect(missing.headers.get('content-type')).toBe('application/problem+json');
    }
  });
});
