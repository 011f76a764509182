import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerSchemas, schemaRegistryUrl } from '../../../local/schemas/registry';
import { ConfigError } from '../../../shared/errors';
import { readCommittedSchemas } from '../../../shared/platform';
import { startTestSchemaRegistry } from '../../support/schema-registry';
import type { TestSchemaRegistry } from '../../support/schema-registry';

const ROOT = join(__dirname, '..', '..', '..');
const committed = readCommittedSchemas(ROOT);

/** A copy of schemas/ where user.action gets a version 1.2 built by `change` from 1.1. */
const withUserAction12 = (change: (doc: Record<string, unknown>) => void): string => {
  const root = mkdtempSync(join(tmpdir(), 'xseven-registry-'));
  cpSync(join(ROOT, 'schemas'), join(root, 'schemas'), { recursive: true });
  const doc = JSON.parse(
    readFileSync(join(root, 'schemas/user.action/1.1.json'), 'utf8'),
  ) as Record<string, unknown>;
  doc.$id = 'https://schemas.xseven.ai/events/user.action/versions/1.2';
  change(doc);
  writeFileSync(join(root, 'schemas/user.action/1.2.json'), JSON.stringify(doc, null, 2));
  return root;
};
const withProperty = (doc: Record<string, unknown>, name: string, required: boolean): void => {
  doc.properties = { ...(doc.properties as object), [name]: { type: 'string' } };
  if (required) doc.required = [...(doc.required as string[]), name];
};

describe('the committed schemas in a Confluent-compatible registry', () => {
  let registry: TestSchemaRegistry;
  beforeEach(async () => {
    registry = await startTestSchemaRegistry();
  });
  afterEach(async () => {
    await registry.close();
  });

  it('registers one JSON subject per event type and major, compatibility BACKWARD, idempotently', async () => {
    const report = await registerSchemas(registry.url, committed, 'dev-');
    const subjects = committed.map((s) => `dev-${s.ref.eventType.replaceAll('.', '-')}-v1`);
    expect(report.subjects).toEqual(subjects);
    expect(report.registered).toEqual(subjects.map((s) => `${s} 1`));
    expect([...registry.subjects.keys()]).toEqual(subjects);
    for (const subject of subjects) expect(registry.config.get(subject)).toBe('BACKWARD');
    const stored = registry.subjects.get('dev-system-health_check-v1')?.[0] ?? '';
    expect(JSON.parse(stored)).toEqual(
      JSON.parse(committed.find((s) => s.ref.eventType === 'system.health_check')?.text ?? ''),
    );

    const again = await registerSchemas(registry.url, committed, 'dev-');
    expect(again.registered).toEqual([]);
    expect(again.existing).toHaveLength(subjects.length);
    expect(registry.subjects.get('dev-user-action-v1')).toHaveLength(1);
  });

  it('registers a later version as the next version of its subject', async () => {
    await registerSchemas(registry.url, committed);
    const root = withUserAction12((doc) => withProperty(doc, 'channel', false));
    const report = await registerSchemas(registry.url, readCommittedSchemas(root));
    expect(report.registered).toEqual(['user-action-v1 2']);
    expect(registry.subjects.get('user-action-v1')).toHaveLength(2);
  });

  it('reports a version the registry refuses as incompatible, naming subject, version and file', async () => {
    await registerSchemas(registry.url, committed);
    const root = withUserAction12((doc) => withProperty(doc, 'channel', true));
    await expect(registerSchemas(registry.url, readCommittedSchemas(root))).rejects.toThrow(
      /registering user-action-v1 2 \(schemas\/user\.action\/1\.2\.json\): the registry answered 409 409 Schema being registered is incompatible/,
    );
  });

  it('reports drift when the subject already holds other versions', async () => {
    const root = withUserAction12((doc) => withProperty(doc, 'channel', false));
    const onlyNew = readCommittedSchemas(root).filter(
      (s) => s.ref.eventType === 'user.action' && s.ref.version === 2,
    );
    await expect(registerSchemas(registry.url, onlyNew)).rejects.toThrow(
      /user-action-v1 2 .*registered as version 1 \(drift/,
    );
  });

  it('reads SCHEMA_REGISTRY_URL, refusing a value that is not an http(s) URL', () => {
    expect(schemaRegistryUrl({})).toBeUndefined();
    expect(schemaRegistryUrl({ SCHEMA_REGISTRY_URL: 'http://127.0.0.1:8081/' })).toBe(
      'http://127.0.0.1:8081',
    );
    expect(() => schemaRegistryUrl({ SCHEMA_REGISTRY_URL: 'ftp://x' })).toThrow(ConfigError);
    expect(() => schemaRegistryUrl({ SCHEMA_REGISTRY_URL: 'nope' })).toThrow(
      /SCHEMA_REGISTRY_URL/,
    );
  });

  it('says the registry is unreachable, retriable', async () => {
    const url = registry.url;
    await registry.close();
    await expect(registerSchemas(url, committed)).rejects.toMatchObject({
      code: 'SCHEMA_REGISTRY_FAILED',
      retriable: true,
      message: expect.stringContaining('schema registry unreachable') as unknown,
    });
    registry = await startTestSchemaRegistry();
  });
});
