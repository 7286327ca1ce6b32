// SHA-1 (FIPS 180-4 examples) and HMAC-SHA1 (RFC 2202 §3) through the WebAssembly core,
// plus agreement with node:crypto as an independent oracle.
import { createHash, createHmac } from 'node:crypto';
import fc from 'fast-check';
import { hmacSha1, sha1 } from '../../src/wasm/hmac-sha1.js';

const hex = (u: Uint8Array): string => Buffer.from(u).toString('hex');
const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);
const filled = (n: number, v: number): Uint8Array => new Uint8Array(n).fill(v);

describe('SHA-1, FIPS 180-4 examples', () => {
  it('empty message', () => {
    expect(hex(sha1(new Uint8Array(0)))).toBe('da39a3ee5e6b4b0d3255bfef95601890afd80709');
  });
  it('"abc"', () => {
    expect(hex(sha1(ascii('abc')))).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
  });
  it('448-bit message (two blocks after padding)', () => {
    expect(hex(sha1(ascii('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')))).toBe(
      '84983e441c3bd26ebaae4aa1f95129e5e54670f1',
    );
  });
  it('one million "a" (larger than the I/O region)', () => {
    expect(hex(sha1(filled(1_000_000, 0x61)))).toBe('34aa973cd4c4daa4f61eeb2bdbad27316534016f');
  });
});

describe('HMAC-SHA1, RFC 2202 §3', () => {
  const cases: [string, Uint8Array, Uint8Array, string][] = [
    ['1', filled(20, 0x0b), ascii('Hi There'), 'b617318655057264e28bc0b6fb378c8ef146be00'],
    ['2', ascii('Jefe'), ascii('what do ya want for nothing?'), 'effcdf6ae5eb2fa2d27416d5f184df9c259a7c79'],
    ['3', filled(20, 0xaa), filled(50, 0xdd), '125d7342b9ac11cd91a39af48aa17b4f63f175d3'],
    [
      '4',
      Uint8Array.from({ length: 25 }, (_, i) => i + 1),
      filled(50, 0xcd),
      '4c9007f4026250c6bc8414f9bf50c86c2d7235da',
    ],
    ['5', filled(20, 0x0c), ascii('Test With Truncation'), '4c1a03424b55e07fe7f27be1d58bb9324a9a5a04'],
    [
      '6',
      filled(80, 0xaa),
      ascii('Test Using Larger Than Block-Size Key - Hash Key First'),
      'aa4ae5e15272d00e95705637ce8a3b55ed402112',
    ],
    [
      '7',
      filled(80, 0xaa),
      ascii('Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data'),
      'e8e99d0f45237d786d6bbaa7965c7808bbff1a91',
    ],
  ];
  it.each(cases)('test case %s', (_name, key, data, mac) => {
    expect(hex(hmacSha1(key, data))).toBe(mac);
  });
});

describe('SHA-1 and HMAC-SHA1 against node:crypto', () => {
  it('every length 0..200 (all padding boundaries)', () => {
    for (let n = 0; n <= 200; n++) {
      const data = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff);
      expect(hex(sha1(data))).toBe(createHash('sha1').update(data).digest('hex'));
    }
  });
  it('random keys and messages', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 150 }), fc.uint8Array({ maxLength: 2000 }), (key, data) => {
        expect(hex(hmacSha1(key, data))).toBe(createHmac('sha1', key).update(data).digest('hex'));
      }),
      { numRuns: 300 },
    );
  });
  it('inputs spanning several passes through the I/O region', () => {
    const data = Uint8Array.from({ length: 200_003 }, (_, i) => (i * 13) & 0xff);
    const key = filled(33, 7);
    expect(hex(hmacSha1(key, data))).toBe(createHmac('sha1', key).update(data).digest('hex'));
  });
});
