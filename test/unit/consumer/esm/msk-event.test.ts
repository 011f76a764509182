import { KafkaMskEventSchema } from '@aws-lambda-powertools/parser/schemas/kafka';
import fc from 'fast-check';
import { buildMskEvent, signedBytes, toMskRecord } from '../../../../local/esm/msk-event';
import { knownDecoded } from '../../../../shared/consumer/known-records';
import { decodeRecord, headerBytes } from '../../../../shared/consumer/msk-record';
import { pending } from './records';

const source = {
  eventSourceArn: 'arn:aws:kafka:local:0:cluster/x/y',
  bootstrapServers: 'h1:9092,h2:9092',
};

describe('the local MSK event', () => {
  it('groups records by "topic-partition" in offset order', () => {
    const event = buildMskEvent([pending(5, 1), pending(2, 0), pending(1, 0)], source);
    expect(Object.keys(event.records)).toEqual(['t-1', 't-0']);
    expect(event.records['t-0']?.map((r) => r.offset)).toEqual([1, 2]);
    expect(KafkaMskEventSchema.safeParse(event).success).toBe(true);
  });

  it('omits the key of a keyless record and base64-encodes key and value', () => {
    const keyless = toMskRecord(pending(1, 0, { key: null }));
    expect('key' in keyless).toBe(false);
    const keyed = toMskRecord(pending(2));
    expect(Buffer.from(keyed.key, 'base64').toString()).toBe('k2');
    expect(Buffer.from(keyed.value, 'base64').toString()).toBe('v2');
  });

  it('omits the value of a tombstone, as AWS does, and keeps its key and headers', () => {
    const tombstone = toMskRecord(pending(3, 0, { value: null, headers: { h: 'x' } }));
    expect('value' in tombstone).toBe(false);
    expect(Buffer.from(tombstone.key, 'base64').toString()).toBe('k3');
    expect(tombstone.headers).toEqual([{ h: [120] }]);
    const bare = toMskRecord(pending(4, 0, { key: null, value: null }));
    expect(Object.keys(bare).sort()).toEqual([
      'headers',
      'offset',
      'partition',
      'timestamp',
      'timestampType',
      'topic',
    ]);
    // The consumer's decoder reads the missing value as null (a tombstone).
    const decoded = decodeRecord(tombstone);
    expect('error' in decoded ? decoded : decoded.value).toBeNull();
  });

  it('writes headers as one object per value, repeated headers kept', () => {
    const record = toMskRecord(pending(1, 0, { headers: { a: Buffer.from('x'), b: ['1', '2'] } }));
    expect(record.headers).toEqual([{ a: [120] }, { b: [49] }, { b: [50] }]);
  });

  it("carries each record's bytes for the consumer: exactly what decoding the event gives", () => {
    const records = [
      pending(2, 0, { headers: { a: Buffer.from([0xc3, 0xa9]), b: ['1', '2'] } }),
      pending(1, 0, { key: null }),
      pending(3, 0, { value: null }),
      pending(7, 1),
    ];
    const event = buildMskEvent(records, source);
    for (const group of Object.values(event.records)) {
      const at = knownDecoded(group);
      group.forEach((raw, i) => expect(at?.(i, raw)).toEqual(decodeRecord(raw)));
    }
    // Invisible in the event's JSON and to equality checks.
    expect(JSON.parse(JSON.stringify(event))).toEqual(event);
  });

  it('decodes a record again once its value, key or headers were replaced', () => {
    const event = buildMskEvent([pending(1, 0), pending(2, 0)], source);
    const group = event.records['t-0'] ?? [];
    const at = knownDecoded(group);
    const [first, second] = group;
    if (first === undefined || second === undefined) throw new Error('two records expected');
    first.value = Buffer.from('changed').toString('base64');
    expect(at?.(0, first)).toBeUndefined();
    expect(at?.(1, second)).toBeDefined();
    // Another record at that index, or a group built elsewhere (AWS): nothing known.
    expect(at?.(1, { ...second })).toBeUndefined();
    expect(knownDecoded([...group])).toBeUndefined();
  });

  it('round-trips any header bytes through signed bytes and the consumer decoder', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const signed = signedBytes(Buffer.from(bytes));
        expect(signed.every((b) => b >= -128 && b <= 127)).toBe(true);
        expect(headerBytes(signed)).toEqual(Buffer.from(bytes));
      }),
    );
  });
});
