import { createCipheriv } from 'node:crypto';
import { AesGcmKey } from '../../src/wasm/aes-gcm';

// DTLS records (AesGcmKey) run counter mode bitsliced, eight blocks per step, with the
// last one to five blocks through the T-tables (assembly/crypto/aes-bitsliced.ts). Every
// boundary of that split, for both key sizes, against node:crypto (OpenSSL).
function reference(key: Uint8Array, iv: Uint8Array, aad: Uint8Array, pt: Uint8Array): string {
  const c = createCipheriv(key.length === 16 ? 'aes-128-gcm' : 'aes-256-gcm', key, iv);
  c.setAAD(aad);
  return Buffer.concat([c.update(pt), c.final(), c.getAuthTag()]).toString('hex');
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function pattern(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

// Every length up to three eight-block steps plus a tail, then record-sized ones (a full
// 1163-byte SCTP packet, 16 KiB DTLS plaintext) and a few around them.
const LENGTHS = [...Array.from({ length: 400 }, (_, i) => i), 1135, 1163, 1199, 1200, 1201, 4096, 16383, 16384];

describe.each([16, 32])('AES-%i-GCM bitsliced counter mode matches node:crypto', (keyLength) => {
  it('seals and opens every length across the eight-block and tail boundaries', () => {
    const key = new AesGcmKey(pattern(keyLength, keyLength));
    try {
      for (const n of LENGTHS) {
        const k = pattern(keyLength, keyLength);
        const iv = pattern(12, n + 1);
        const aad = pattern(13, n + 2);
        const pt = pattern(n, n + 3);
        const sealed = key.seal(iv, aad, pt);
        expect(hex(sealed)).toBe(reference(k, iv, aad, pt));
        const opened = key.open(iv, aad, sealed);
        expect(opened && hex(opened)).toBe(hex(pt));
        if (n > 0) {
          const forged = sealed.slice();
          forged[n - 1] ^= 0x40;
          expect(key.open(iv, aad, forged)).toBeNull();
        }
      }
    } finally {
      key.dispose();
    }
  });

  it('a 64000-byte message (500 eight-block steps) matches', () => {
    const k = pattern(keyLength, 99);
    const key = new AesGcmKey(k);
    try {
      const iv = pattern(12, 7);
      const pt = pattern(64000, 8);
      expect(hex(key.seal(iv, new Uint8Array(0), pt))).toBe(reference(k, iv, new Uint8Array(0), pt));
    } finally {
      key.dispose();
    }
  });
});
