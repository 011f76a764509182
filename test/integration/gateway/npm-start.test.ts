import type { ChildProcess } from 'node:child_process';
import { uniquePrefix } from '../../support/kafka';
import {
  freePort,
  startLocalPlatform,
  stopLocalPlatform,
  waitForOutput,
} from '../../support/local-process';
import { startTestSchemaRegistry } from '../../support/schema-registry';
import type { TestSchemaRegistry } from '../../support/schema-registry';

describe('npm start', () => {
  let child: ChildProcess | undefined;
  let registry: TestSchemaRegistry | undefined;

  afterAll(async () => {
    await registry?.close();
    await stopLocalPlatform(child);
  }, 60_000);

  it("registers the committed schemas, then serves the seed's publish example through the local API gateway", async () => {
    const port = await freePort();
    registry = await startTestSchemaRegistry();
    const prefix = uniquePrefix('start');
    const started = startLocalPlatform({
      XSEVEN_API_PORT: String(port),
      XSEVEN_TOPIC_PREFIX: prefix,
      SCHEMA_REGISTRY_URL: registry.url,
    });
    child = started;
    await waitForOutput(started, 'API gateway listening', 120_000);
    // registered at topics provisioning time, before the services start
    expect(registry.subjects.get(`${prefix}conversation-started-v1`)).toHaveLength(1);
    expect(registry.config.get(`${prefix}conversation-started-v1`)).toBe('BACKWARD');
    expect(registry.subjects.size).toBe(12);
    const response = await fetch(`http://localhost:${port}/api/v1/kafka/events/conversation`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        conversation_id: 'conv_123',
        user_id: 'user_456',
        action: 'started',
        metadata: { conversation_type: 'support' },
      }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      status: 'published',
      event_type: 'conversation.started',
      key: 'conv_123',
    });
    const openapi = await fetch(`http://localhost:${port}/api/v1/kafka/openapi.json`);
    expect(openapi.status).toBe(200);
  }, 180_000);
});
