import { crc32, crc32c } from '../../src/wasm/core.js';

const ascii = (s: string) => new TextEncoder().encode(s);

describe('CRC-32 (STUN FINGERPRINT)', () => {
  it('matches the standard check value', () => {
    expect(crc32(ascii('123456789'))).toBe(0xcbf43926);
  });
  it('is 0 for empty input', () => {
    expect(crc32(new Uint8Array(0))).toBe(0);
  });
  it('continues a running checksum', () => {
    const data = ascii('The quick brown fox jumps over the lazy dog');
    expect(crc32(data)).toBe(0x414fa339);
    expect(crc32(data.subarray(7), crc32(data.subarray(0, 7)))).toBe(0x414fa339);
  });
  it('handles inputs larger than the I/O region', () => {
    const big = new Uint8Array(200_000);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff;
    const split = crc32(big.subarray(100_000), crc32(big.subarray(0, 100_000)));
    expect(crc32(big)).toBe(split);
  });
});

describe('CRC-32c (SCTP), RFC 3720 §B.4', () => {
  it('32 bytes of zeroes', () => {
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
  });
  it('32 bytes of 0xff', () => {
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
  });
  it('32 incrementing bytes', () => {
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
  });
  it('32 decrementing bytes', () => {
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i))).toBe(0x113fdb5c);
  });
  it('the standard check value', () => {
    expect(crc32c(ascii('123456789'))).toBe(0xe3069283);
  });
});

describe('checksums against a bitwise reference', () => {
  function reference(poly: number, data: Uint8Array): number {
    let c = 0xffffffff;
    for (const b of data) {
      c ^= b;
      for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    }
    return (c ^ 0xffffffff) >>> 0;
  }
  it('agrees for every length 0..300 and unaligned contents', () => {
    for (let len = 0; len <= 300; len++) {
      const bytes = new Uint8Array(len);
      for (let i = 0; i < len; i++) bytes[i] = (i * 131 + len * 7) & 0xff;
      expect(crc32(bytes)).toBe(reference(0xedb88320, bytes));
      expect(crc32c(bytes)).toBe(reference(0x82f63b78, bytes));
    }
  });
});
