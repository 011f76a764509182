import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { uniquePrefix } from '../../support/kafka';
import { eventually } from '../../support/eventually';
import {
  freePort,
  startLocalPlatform,
  stopLocalPlatform,
  waitForOutput,
} from '../../support/local-process';

/** A span as OTLP/HTTP JSON writes it (ids in hex, as the OTLP JSON encoding specifies). */
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: Record<string, unknown> }[];
  status?: { code?: number };
}
interface OtlpRequest {
  resourceSpans: {
    resource: { attributes: { key: string; value: { stringValue?: string } }[] };
    scopeSpans: { spans: OtlpSpan[] }[];
  }[];
}

/** A tiny OTLP/HTTP receiver: keeps every span of every JSON request to /v1/traces. */
const otlpReceiver = async (): Promise<{
  server: Server;
  endpoint: string;
  spans: OtlpSpan[];
  services: Set<string>;
  contentTypes: Set<string>;
}> => {
  const spans: OtlpSpan[] = [];
  const services = new Set<string>();
  const contentTypes = new Set<string>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        res.writeHead(404).end();
        return;
      }
      contentTypes.add(req.headers['content-type'] ?? '');
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpRequest;
      for (const rs of body.resourceSpans) {
        const service = rs.resource.attributes.find((a) => a.key === 'service.name');
        if (service?.value.stringValue !== undefined) services.add(service.value.stringValue);
        for (const ss of rs.scopeSpans) spans.push(...ss.spans);
      }
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, endpoint: `http://127.0.0.1:${port}`, spans, services, contentTypes };
};

const attribute = (span: OtlpSpan | undefined, key: string): unknown => {
  const value = span?.attributes.find((a) => a.key === key)?.value;
  return value === undefined ? undefined : Object.values(value)[0];
};

// OTLP's SpanKind numbers.
const SERVER = 2;
const PRODUCER = 4;
const CONSUMER = 5;

describe('npm start with OTEL_EXPORTER_OTLP_ENDPOINT', () => {
  let child: ChildProcess | undefined;
  let receiver: Awaited<ReturnType<typeof otlpReceiver>> | undefined;

  afterAll(async () => {
    await stopLocalPlatform(child);
    await new Promise((resolve) => receiver?.server.close(resolve));
  }, 60_000);

  it('exports the request, publish and consumer spans of one event over OTLP/HTTP, in one trace, parented by the record', async () => {
    receiver = await otlpReceiver();
    const port = await freePort();
    const started = startLocalPlatform({
      XSEVEN_API_PORT: String(port),
      XSEVEN_TOPIC_PREFIX: uniquePrefix('otlp'),
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_SERVICE_NAME: 'xseven-otlp-test',
      // The batch processor's delay: spans reach the receiver soon after they end.
      OTEL_BSP_SCHEDULE_DELAY: '200',
    });
    child = started;
    await waitForOutput(started, 'xseven-events is running locally', 120_000);

    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const callerSpan = 'b7ad6b7169203331';
    const response = await fetch(`http://127.0.0.1:${port}/api/v1/kafka/events/conversation`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        traceparent: `00-${traceId}-${callerSpan}-01`,
      },
      body: JSON.stringify({ conversation_id: 'conv_o', user_id: 'user_o', action: 'started' }),
    });
    expect(response.status).toBe(200);
    const { event_id: eventId, topic } = (await response.json()) as {
      event_id: string;
      topic: string;
    };

    const spans = await eventually(async (): Promise<OtlpSpan[]> => {
      const inTrace = receiver?.spans.filter((s) => s.traceId === traceId) ?? [];
      const consumer = inTrace.find((s) => s.kind === CONSUMER);
      if (consumer === undefined) throw new Error('no consumer span received yet');
      return inTrace;
    }, 60_000);

    const server = spans.find((s) => s.kind === SERVER);
    const producer = spans.find((s) => s.kind === PRODUCER);
    const consumer = spans.find((s) => s.kind === CONSUMER);
    // request (child of the caller's span) -> send (its child) -> process (child of the send).
    expect(server).toMatchObject({
      name: 'POST /api/v1/kafka/events/conversation',
      parentSpanId: callerSpan,
    });
    expect(producer).toMatchObject({ name: `send ${topic}`, parentSpanId: server?.spanId });
    expect(attribute(producer, 'messaging.message.id')).toBe(eventId);
    expect(attribute(producer, 'messaging.destination.name')).toBe(topic);
    expect(consumer).toMatchObject({ name: `process ${topic}`, parentSpanId: producer?.spanId });
    expect(attribute(consumer, 'messaging.message.id')).toBe(eventId);
    expect(new Set(spans.map((s) => s.spanId)).size).toBe(spans.length);
    expect(receiver.services).toEqual(new Set(['xseven-otlp-test']));
    expect([...receiver.contentTypes].every((t) => t.startsWith('application/json'))).toBe(true);
  }, 240_000);
});
