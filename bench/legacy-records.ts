/**
 * The records as they were before the CloudEvents binding was chosen from
 * measurements (issue #13 item 3), kept in bench/ only as the baseline of
 * `npm run bench publish`, and the other bindings measured against them.
 * Every variant holds the same event; see docs/publishing.md ("The event
 * record") for the choice.
 */
import { gzipSync } from 'node:zlib';
import type { Kafka, Message, Producer, ProducerBatch, RecordMetadata } from 'kafkajs';
import type { EventEnvelope } from '../shared/events/envelope';
import { CLOUDEVENTS_JSON, eventHeaders, toEventRecord } from '../shared/events/record';

/** The headers every record carried until 2026-12-02: the attributes copied as `ce_*`. */
export const legacyHeaders = (event: EventEnvelope): Record<string, string> => {
  const headers: Record<string, string> = {
    'content-type': CLOUDEVENTS_JSON,
    ce_specversion: event.specversion,
    ce_id: event.id,
    ce_type: event.type,
    ce_source: event.source,
    ce_time: event.time,
    ce_dataversion: String(event.dataversion),
  };
  if (event.dataschema !== undefined) headers['ce_dataschema'] = event.dataschema;
  if (event.subject !== undefined) headers['ce_subject'] = event.subject;
  if (event.correlationid !== undefined) headers['ce_correlationid'] = event.correlationid;
  if (typeof event.traceparent === 'string') {
    headers['traceparent'] = event.traceparent;
    if (typeof event.tracestate === 'string') headers['tracestate'] = event.tracestate;
  }
  return headers;
};

/**
 * Binary content mode: the value is `data` alone, `content-type` its media
 * type, and every other attribute (extensions included) a `ce_*` header, as
 * the binding requires (kafka-protocol-binding.md 3.2.3).
 */
const binaryMessage = (event: EventEnvelope, key: string): Message => {
  const headers: Record<string, string> = { 'content-type': event.datacontenttype };
  for (const name in event) {
    const value = event[name];
    if (name === 'data' || name === 'datacontenttype' || value === undefined) continue;
    headers[name === 'traceparent' || name === 'tracestate' ? name : `ce_${name}`] = String(value);
  }
  return { key, value: JSON.stringify(event.data), headers };
};

/** The ways of writing one event measured by the bench. */
export const Binding = {
  Legacy: 'structured mode + every attribute as ce_* (until 2026-12-02)',
  Binary: 'binary mode (data value, every attribute as ce_*)',
  StructuredOnly: 'structured mode, content-type only',
  Chosen: 'structured mode + ce_id, ce_type (chosen)',
} as const;
export type Binding = (typeof Binding)[keyof typeof Binding];

/** The kafkajs message of a validated event in a binding. */
export const messageIn = (binding: Binding, event: EventEnvelope): Message => {
  const record = toEventRecord(event, 'unused');
  switch (binding) {
    case Binding.Legacy:
      return { key: record.key, value: record.value, headers: legacyHeaders(event) };
    case Binding.Binary:
      return binaryMessage(event, record.key);
    case Binding.StructuredOnly:
      return {
        key: record.key,
        value: record.value,
        headers: { 'content-type': CLOUDEVENTS_JSON },
      };
    case Binding.Chosen:
      return { key: record.key, value: record.value, headers: eventHeaders(event) };
  }
};

/**
 * Bytes per record: key, value, header names and values before compression
 * (Kafka's framing aside), and the gzip of a batch's records concatenated (a
 * stand-in for the compressed record batch on the wire and on disk).
 */
export const recordBytes = (messages: readonly Message[]): { raw: number; gzip: number } => {
  const parts = messages.map((m) => {
    let text = String(m.key ?? '') + String(m.value ?? '');
    for (const name in m.headers) text += name + String(m.headers[name] ?? '');
    return Buffer.from(text);
  });
  const raw = parts.reduce((n, p) => n + p.length, 0);
  return { raw: raw / messages.length, gzip: gzipSync(Buffer.concat(parts)).length / parts.length };
};

/**
 * A client whose producers send one produce request per partition, all of a
 * call at once: the request pattern of KafkaProducer until 2026-12-02, kept
 * for the baseline whatever the producer does now.
 */
export const perPartitionRequests = (kafka: Kafka): Kafka => {
  const client = Object.create(kafka) as Kafka;
  client.producer = (config) => {
    const producer: Producer = kafka.producer(config);
    const sendBatch = producer.sendBatch.bind(producer);
    producer.sendBatch = async (batch: ProducerBatch): Promise<RecordMetadata[]> => {
      const requests = (batch.topicMessages ?? []).flatMap(({ topic, messages }) => {
        const byPartition = new Map<number, Message[]>();
        for (const m of messages) {
          const list = byPartition.get(m.partition ?? -1) ?? [];
          list.push(m);
          byPartition.set(m.partition ?? -1, list);
        }
        return [...byPartition.values()].map((list) =>
          sendBatch({ ...batch, topicMessages: [{ topic, messages: list }] }),
        );
      });
      return (await Promise.all(requests)).flat();
    };
    return producer;
  };
  return client;
};
