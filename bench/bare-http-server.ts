/**
 * The bare server of `npm run bench http-publish`, in its own process as the
 * platform runs in its own (`npm start`): node:http + kafkajs, building the
 * same records as the publish routes (envelope with each event's
 * traceparent, validation, key, CloudEvents headers) and sending them
 * (idempotent, gzip, acks=all) with a stock kafkajs (bench/stock-kafkajs.ts)
 * before answering 200 with the offsets. Started by bench/http-publish.ts with an IPC channel:
 * it sends `{ port }` once listening, and exits when the channel closes (the
 * bench ended, or died). `BARE_PORT` fixes its port (to profile it by hand).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CompressionTypes } from 'kafkajs';
import { createEnvelope } from '../shared/events/envelope';
import type { NewEvent } from '../shared/events/envelope';
import type { EventType } from '../shared/events/event-types';
import { toEventRecord } from '../shared/events/record';
import { validateEvent } from '../shared/events/validate';
import { loadPlatform, topicForEventType } from '../shared/platform';
import { traceAttributes } from '../shared/publish/publish';
import { startTrace } from '../shared/tracing/trace-context';
import { stockKafka } from './stock-kafkajs';

interface WireEvent {
  readonly event_type: EventType;
  readonly data: Record<string, unknown>;
}

const main = async (): Promise<void> => {
  const def = loadPlatform().platform;
  const topic = topicForEventType(def, 'conversation.message');
  const kafka = stockKafka('bench-http-bare');
  const producer = kafka.producer({ idempotent: true, retry: { retries: 1 } });
  await producer.connect();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      const wire: WireEvent[] = req.url?.endsWith('/events/batch')
        ? (body.events as WireEvent[])
        : [{ event_type: 'conversation.message', data: body }];
      // The platform's records carry each event's span of the request's trace (traceparent): these too.
      const trace = startTrace();
      const messages = wire.map((e) => {
        const input = {
          type: e.event_type,
          data: e.data,
          ...traceAttributes(trace),
        } as unknown as NewEvent<EventType>;
        const record = toEventRecord(validateEvent(createEnvelope(input)), topic);
        return { key: record.key, value: record.value, headers: { ...record.headers } };
      });
      producer
        .send({ topic, messages, acks: -1, compression: CompressionTypes.GZIP })
        .then((written) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ written: written.map((w) => w.baseOffset) }));
        })
        .catch(() => {
          res.writeHead(503);
          res.end();
        });
    });
  });
  await new Promise<void>((resolve) =>
    server.listen(Number(process.env.BARE_PORT ?? 0), '127.0.0.1', resolve),
  );
  process.send?.({ port: (server.address() as AddressInfo).port });
  process.once('disconnect', () => {
    server.closeAllConnections();
    server.close();
    void producer.disconnect().finally(() => process.exit(0));
  });
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
