import { decodeRecord, headerBytes, parseMskEvent } from '../../../shared/consumer/msk-record';
import { ValidationError } from '../../../shared/errors';

const base = { topic: 't', partition: 1, offset: 9, timestamp: 1, timestampType: 'CREATE_TIME' };

describe('decodeRecord', () => {
  it('decodes base64 key and value and header byte arrays', () => {
    const out = decodeRecord({
      ...base,
      key: Buffer.from('k1').toString('base64'),
      value: Buffer.from('{"a":1}').toString('base64'),
      headers: [{ h1: [104, 105] }, { h2: [] }],
    });
    if ('error' in out) throw out.error;
    expect(out.key?.toString()).toBe('k1');
    expect(out.value?.toString()).toBe('{"a":1}');
    expect(out.headers.map((h) => [h.name, h.value.toString()])).toEqual([
      ['h1', 'hi'],
      ['h2', ''],
    ]);
  });

  it('reads signed (Java) and unsigned header bytes as the same bytes', () => {
    expect(headerBytes([-61, -87]).toString()).toBe('é');
    expect(headerBytes([195, 169]).toString()).toBe('é');
  });

  it('treats an absent key as null and keeps an empty header list', () => {
    const out = decodeRecord({ ...base, value: '', headers: [] });
    if ('error' in out) throw out.error;
    expect(out.key).toBeNull();
    expect(out.value?.length).toBe(0);
    expect(out.headers).toEqual([]);
  });

  it.each(['not base64!', 'abc', 'ab=c'])(
    'returns a deserialization failure for the non-base64 value %p, keeping its bytes',
    (value) => {
      const out = decodeRecord({ ...base, value, headers: [] });
      if (!('error' in out)) throw new Error('expected a failure');
      expect(out.error.category).toBe('deserialization');
      expect(out.record.value?.toString()).toBe(value);
      expect(out.record.offset).toBe(9);
    },
  );

  it('returns a deserialization failure for header bytes out of range', () => {
    const out = decodeRecord({ ...base, value: '', headers: [{ h: [300] }] });
    expect('error' in out && out.error.category).toBe('deserialization');
  });

  it('throws a ValidationError when the record has no coordinates', () => {
    expect(() => decodeRecord({ value: '' })).toThrow(ValidationError);
  });
});

describe('parseMskEvent', () => {
  it('accepts MSK and self-managed events and rejects anything else', () => {
    expect(parseMskEvent({ eventSource: 'aws:kafka', records: {} }).eventSource).toBe('aws:kafka');
    expect(parseMskEvent({ eventSource: 'SelfManagedKafka', records: {} }).eventSource).toBe(
      'SelfManagedKafka',
    );
    expect(() => parseMskEvent({ eventSource: 'aws:sqs', Records: [] })).toThrow(
      /not an MSK event/,
    );
  });
});
