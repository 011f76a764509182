import { recordBytes, recordsBytes } from '../../../shared/kafka/records';

describe('bytes of a record as a produce request carries them', () => {
  it('counts the UTF-8 bytes of key and value and the header names and values, repeated values each', () => {
    expect(recordBytes({ key: 'k', value: '{}', headers: { ce_id: 'e1' } })).toBe(10);
    expect(
      recordBytes({
        key: Buffer.from([1, 2, 3]),
        value: 'é',
        headers: { a: ['xy', Buffer.from([0])], b: undefined },
      }),
    ).toBe(3 + 2 + 1 + 2 + 1 + 1);
  });

  it('counts a tombstone, a record without key or headers, and several records together', () => {
    expect(recordBytes({ key: null, value: null })).toBe(0);
    expect(recordBytes({ value: 'abc' })).toBe(3);
    expect(
      recordsBytes([
        { topic: 't', key: 'k', value: 'v' },
        { topic: 't', key: null, value: 'vv', headers: { h: 'x' } },
      ]),
    ).toBe(2 + 2 + 1 + 1);
  });
});
