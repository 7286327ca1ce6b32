// The core's general-purpose crypto as its other users call it: AES-GCM records for DTLS
// (AesGcmKey, per record) and HMAC-SHA1 for STUN MESSAGE-INTEGRITY (hmacSha1, per
// message), against node:crypto used the same way (a cipher or HMAC object per call).
import { createCipheriv, createDecipheriv, createHmac } from 'node:crypto';
import { AesGcmKey } from '../src/wasm/aes-gcm.js';
import { hmacSha1 } from '../src/wasm/hmac-sha1.js';
import { type BenchSection, type Measurement, measure, table } from './harness.js';

const MS = 300;

function gcmRows(keyLength: 16 | 32, size: number): Measurement[] {
  const key = new Uint8Array(keyLength).map((_, i) => i + 1);
  const nonce = new Uint8Array(12).map((_, i) => i);
  const aad = new Uint8Array(13).map((_, i) => i * 3);
  const data = new Uint8Array(size).map((_, i) => i & 0xff);
  const algo = keyLength === 16 ? 'aes-128-gcm' : 'aes-256-gcm';
  const k = new AesGcmKey(key);
  const sealed = k.seal(nonce, aad, data);
  const n = size > 4000 ? 16 : 128;
  const rows = [
    measure(`node:crypto ${algo} seal ${size} B`, () => {
      for (let i = 0; i < n; i++) {
        const c = createCipheriv(algo, key, nonce);
        c.setAAD(aad);
        Buffer.concat([c.update(data), c.final(), c.getAuthTag()]);
      }
      return n;
    }, { ms: MS, bytesPerOp: size }),
    measure(`omnirtc AesGcmKey seal ${size} B`, () => {
      for (let i = 0; i < n; i++) k.seal(nonce, aad, data);
      return n;
    }, { ms: MS, bytesPerOp: size }),
    measure(`node:crypto ${algo} open ${size} B`, () => {
      for (let i = 0; i < n; i++) {
        const d = createDecipheriv(algo, key, nonce);
        d.setAAD(aad);
        d.setAuthTag(sealed.subarray(size));
        Buffer.concat([d.update(sealed.subarray(0, size)), d.final()]);
      }
      return n;
    }, { ms: MS, bytesPerOp: size }),
    measure(`omnirtc AesGcmKey open ${size} B`, () => {
      for (let i = 0; i < n; i++) k.open(nonce, aad, sealed);
      return n;
    }, { ms: MS, bytesPerOp: size }),
  ];
  k.dispose();
  return rows;
}

function hmacRows(size: number): Measurement[] {
  const key = new Uint8Array(20).map((_, i) => i + 7);
  const data = new Uint8Array(size).map((_, i) => i & 0xff);
  return [
    measure(`node:crypto HMAC-SHA1 ${size} B`, () => {
      for (let i = 0; i < 256; i++) createHmac('sha1', key).update(data).digest();
      return 256;
    }, { ms: MS, bytesPerOp: size }),
    measure(`omnirtc hmacSha1 ${size} B`, () => {
      for (let i = 0; i < 256; i++) hmacSha1(key, data);
      return 256;
    }, { ms: MS, bytesPerOp: size }),
  ];
}

export async function run(): Promise<BenchSection> {
  const lines: string[] = ['Each table: ratios against its first row (node:crypto, one cipher/HMAC object per call).', ''];
  for (const [keyLength, size] of [
    [16, 1200],
    [16, 16384],
    [32, 1200],
  ] as const) {
    const rows = gcmRows(keyLength, size);
    lines.push(...table(rows.slice(0, 2)), '', ...table(rows.slice(2)), '');
  }
  for (const size of [100, 1200]) lines.push(...table(hmacRows(size)), '');
  return { title: 'AES-GCM records (DTLS) and HMAC-SHA1 (STUN)', lines };
}
