import { bytesOf, decodeBase64Strict, reserveBytes } from '../../../shared/consumer/byte-arena';

describe('byte arena', () => {
  it('decodes padded base64 and rejects text that is not strict base64', () => {
    expect(decodeBase64Strict('eyJhIjoxfQ==')?.toString()).toBe('{"a":1}');
    expect(decodeBase64Strict('YWJj')?.toString()).toBe('abc');
    expect(decodeBase64Strict('YQ==')?.toString()).toBe('a');
    expect(decodeBase64Strict('')?.length).toBe(0);
    expect(decodeBase64Strict('YWJ')).toBeUndefined(); // not a multiple of 4
    expect(decodeBase64Strict('YW*j')).toBeUndefined(); // invalid character
    expect(decodeBase64Strict('hello world!')).toBeUndefined();
  });

  it('keeps the low 8 bits of signed and unsigned byte values', () => {
    expect(bytesOf([-61, -87]).toString()).toBe('é');
    expect([...bytesOf([195, 169, 0, 127, -128])]).toEqual([195, 169, 0, 127, 128]);
  });

  it('hands out slices that never overlap, across arenas and for large requests', () => {
    const slices = Array.from({ length: 3_000 }, (_, i) => {
      const bytes = reserveBytes(1 + (i % 97));
      bytes.fill(i % 251);
      return { bytes, fill: i % 251 };
    });
    const large = reserveBytes(100_000).fill(7);
    for (const { bytes, fill } of slices) expect(bytes.every((b) => b === fill)).toBe(true);
    expect(large.every((b) => b === 7)).toBe(true);
  });

  it('decodes a value larger than an arena slice into a buffer of its own', () => {
    const original = Buffer.alloc(50_000, 'x');
    const decoded = decodeBase64Strict(original.toString('base64'));
    expect(decoded?.equals(original)).toBe(true);
  });
});
