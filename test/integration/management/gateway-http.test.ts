import { Logger } from '@aws-lambda-powertools/logger';
import { startGateway } from '../../../local/gateway/server';
import type { RunningGateway } from '../../../local/gateway/server';
import { createScratchTopic, produce, startHarness } from './harness';
import type { Harness } from './harness';
import { parsePrometheusText, sampleValue } from '../../unit/management/prometheus-parser';

const TEST_TOKEN = 'test-token-0123456789abcdef';

describe('management API over HTTP through the local API gateway', () => {
  let h: Harness;
  let gateway: RunningGateway;
  beforeAll(async () => {
    h = await startHarness('mgmt-http');
    gateway = await startGateway({
      platform: h.def,
      port: 0,
      host: '127.0.0.1',
      logger: new Logger({ serviceName: 'gateway-test', logLevel: 'SILENT' }),
      auth: { mode: 'jwt', operatorToken: TEST_TOKEN, allowUnauthenticatedMutations: false },
      loadHandler: async (fn) => {
        if (fn !== 'management') throw new Error(`no ${fn} function in this test`);
        return { handler: h.management.handler };
      },
    });
  });
  afterAll(async () => {
    await gateway.stop();
    await h.close();
  });

  const api = (path: string): string => `${gateway.url}${h.def.apiBasePath}${path}`;
  const auth = { authorization: `Bearer ${TEST_TOKEN}` };

  it('answers 401 problem+json without the token and 200 with it', async () => {
    const refused = await fetch(api('/topics'));
    expect(refused.status).toBe(401);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    const listed = await fetch(api('/topics'), { headers: auth });
    expect(listed.status).toBe(200);
    const body = (await listed.json()) as { topics: { name: string }[] };
    expect(body.topics.map((t) => t.name)).toContain(h.def.dlq.topic);
  });

  it('creates a topic, resets a group and shows its lag in the Prometheus text, over HTTP', async () => {
    const topic = `${h.def.access.apiTopicPrefix}http`;
    const group = `${h.prefix}http-group`;
    const created = await fetch(api('/topics'), {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ name: topic, partitions: 1, replication_factor: 1 }),
    });
    expect(created.status).toBe(201);
    const reset = await fetch(api(`/consumers/${encodeURIComponent(topic)}/reset-offset`), {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ group, to: 'latest' }),
    });
    expect(reset.status).toBe(200);
    await produce(h.kafka, topic, 3, 0);
    const text = await (await fetch(api('/prometheus-metrics'), { headers: auth })).text();
    expect(
      sampleValue(parsePrometheusText(text), 'kafka_consumergroup_lag', {
        consumergroup: group,
        topic,
        partition: '0',
      }),
    ).toBe(3);
  });

  it('answers a malformed body with 400 problem+json, never a 5xx', async () => {
    const result = await fetch(api('/topics'), {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: '{"name": ',
    });
    expect(result.status).toBe(400);
    expect(result.headers.get('content-type')).toBe('application/problem+json');
  });

  it('keeps unrelated scratch topics out of a namespaced listing', async () => {
    await createScratchTopic(h.admin, `${h.prefix}listed`, 1);
    const body = (await (await fetch(api('/topics'), { headers: auth })).json()) as {
      topics: { name: string }[];
    };
    expect(body.topics.every((t) => t.name.startsWith(h.prefix))).toBe(true);
    expect(body.topics.map((t) => t.name)).toContain(`${h.prefix}listed`);
  });
});
