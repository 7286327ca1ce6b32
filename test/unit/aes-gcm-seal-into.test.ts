// AesGcmKey.sealInto writes the same bytes as seal, at the caller's offset, and touches
// nothing else of the caller's buffer (the DTLS record layer builds records in place).
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
          } finally {
            key.dispose();
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('refuses a buffer too small for ciphertext and tag', () => {
    const key = new AesGcmKey(new Uint8Array(16));
    try {
      expect(() => key.sealInto(new Uint8Array(12), new Uint8Array(0), new Uint8Array(10), new Uint8Array(25), 0)).toThrow(DOMException);
      expect(() => key.sealInto(new Uint8Array(12), new Uint8Array(0), new Uint8Array(10), new Uint8Array(40), 20)).toThrow('too small');
    } finally {
      key.dispose();
    }
  });
});
