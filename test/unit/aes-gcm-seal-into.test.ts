// AesGcmKey.sealInto / openInto write the same bytes as seal / open, at the caller's
// offset, and touch nothing else of the caller's buffer (the DTLS record layer builds
// records and plaintexts in its own slabs).
import fc from 'fast-check';
import { AesGcmKey } from '../../src/wasm/aes-gcm.js';

describe('AesGcmKey.sealInto', () => {
  it('matches seal byte for byte and leaves the rest of the buffer alone', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.uint8Array({ minLength: 12, maxLength: 12 }),
        fc.uint8Array({ maxLength: 13 }),
        fc.uint8Array({ maxLength: 1500 }),
        fc.nat(64),
        (k, nonce, aad, pt, offset) => {
          const key = new AesGcmKey(k);
          try {
            const expected = key.seal(nonce, aad, pt);
            const out = new Uint8Array(offset + pt.length + 16 + 7).fill(0xa5);
            const n = key.sealInto(nonce, aad, pt, out, offset);
            expect(n).toBe(pt.length + 16);
            expect(out.subarray(offset, offset + n)).toEqual(expected);
            expect(out.subarray(0, offset).every((b) => b === 0xa5)).toBe(true);
            expect(out.subarray(offset + n).every((b) => b === 0xa5)).toBe(true);
            expect(key.open(nonce, aad, out.subarray(offset, offset + n))).toEqual(pt);
            const plain = new Uint8Array(offset + pt.length + 5).fill(0x5a);
            expect(key.openInto(nonce, aad, expected, plain, offset)).toBe(pt.length);
            expect(plain.subarray(offset, offset + pt.length)).toEqual(pt);
            expect(plain.subarray(0, offset).every((b) => b === 0x5a)).toBe(true);
            expect(plain.subarray(offset + pt.length).every((b) => b === 0x5a)).toBe(true);
            // A flipped tag bit: -1 and nothing written.
            const forged = expected.slice();
            forged[forged.length - 1] ^= 1;
            const untouched = new Uint8Array(pt.length + 16).fill(0x33);
            expect(key.openInto(nonce, aad, forged, untouched, 0)).toBe(-1);
            expect(untouched.every((b) => b === 0x33)).toBe(true);
          } finally {
            key.dispose();
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('refuses output buffers that are too small', () => {
    const key = new AesGcmKey(new Uint8Array(16));
    try {
      expect(() => key.sealInto(new Uint8Array(12), new Uint8Array(0), new Uint8Array(10), new Uint8Array(25), 0)).toThrow(DOMException);
      expect(() => key.sealInto(new Uint8Array(12), new Uint8Array(0), new Uint8Array(10), new Uint8Array(40), 20)).toThrow('too small');
      expect(() => key.openInto(new Uint8Array(12), new Uint8Array(0), new Uint8Array(30), new Uint8Array(13), 0)).toThrow('too small');
    } finally {
      key.dispose();
    }
  });
});
