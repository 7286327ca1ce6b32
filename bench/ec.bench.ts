// Elliptic-curve primitives of the DTLS handshake: X25519, P-256 ECDH, ECDSA P-256 sign and
// verify, one operation each, side by side: the WebAssembly core (src/wasm/ec.ts), the
// @noble/curves BigInt code it replaced in src/dtls, and node:crypto (native OpenSSL).
import {
  createECDH,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  sign as nodeSign,
  verify as nodeVerify,
} from 'node:crypto';
import { x25519 as nobleX25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { p256PublicKey, p256RandomSecretKey, p256SharedSecret, p256Sign, p256Verify, x25519, x25519PublicKey } from '../src/wasm/ec.js';
import { type BenchSection, type Measurement, measure, table } from './harness.js';

const MS = 700;

/** One operation per call of the measured function. */
const once =
  (f: () => unknown): (() => number) =>
  () => {
    f();
    return 1;
  };
const b64url = (b: Uint8Array): string => Buffer.from(b).toString('base64url');

function x25519Rows(): Measurement[] {
  const a = crypto.getRandomValues(new Uint8Array(32));
  const b = crypto.getRandomValues(new Uint8Array(32));
  const pb = x25519PublicKey(b);
  const priv = createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', d: b64url(a), x: b64url(x25519PublicKey(a)) }, format: 'jwk' });
  const pub = createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: b64url(pb) }, format: 'jwk' });
  return [
    measure('X25519 shared secret, @noble/curves', once(() => nobleX25519.getSharedSecret(a, pb)), { ms: MS }),
    measure('X25519 shared secret, omnirtc WASM', once(() => x25519(a, pb)), { ms: MS }),
    measure('X25519 shared secret, node:crypto', once(() => diffieHellman({ privateKey: priv, publicKey: pub })), { ms: MS }),
  ];
}

function ecdhRows(): Measurement[] {
  const a = p256RandomSecretKey();
  const pb = p256PublicKey(p256RandomSecretKey());
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(a);
  return [
    measure('P-256 ECDH, @noble/curves', once(() => p256.getSharedSecret(a, pb)), { ms: MS }),
    measure('P-256 ECDH, omnirtc WASM', once(() => p256SharedSecret(a, pb)), { ms: MS }),
    measure('P-256 ECDH, node:crypto createECDH', once(() => ecdh.computeSecret(pb)), { ms: MS }),
  ];
}

function keygenRows(): Measurement[] {
  return [
    measure('P-256 key pair, @noble/curves', once(() => p256.getPublicKey(p256.utils.randomSecretKey(), false)), { ms: MS }),
    measure('P-256 key pair, omnirtc WASM', once(() => p256PublicKey(p256RandomSecretKey())), { ms: MS }),
    measure('P-256 key pair, node:crypto generateKeyPairSync', once(() => generateKeyPairSync('ec', { namedCurve: 'prime256v1' })), { ms: MS }),
  ];
}

function signVerifyRows(): { sign: Measurement[]; verify: Measurement[] } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const d = Uint8Array.from(Buffer.from(privateKey.export({ format: 'jwk' }).d as string, 'base64url'));
  const q = p256PublicKey(d);
  const msg = crypto.getRandomValues(new Uint8Array(200)); // about a ServerKeyExchange's signed params
  const sign = [
    measure('ECDSA P-256 sign (RFC 6979), @noble/curves', once(() => p256.sign(msg, d)), { ms: MS }),
    measure('ECDSA P-256 sign (RFC 6979), omnirtc WASM', once(() => p256Sign(d, msg)), { ms: MS }),
    measure('ECDSA P-256 sign, node:crypto', once(() => nodeSign('sha256', msg, { key: privateKey, dsaEncoding: 'ieee-p1363' })), { ms: MS }),
  ];
  const fixed = p256Sign(d, msg);
  if (!p256Verify(fixed, msg, q) || !p256.verify(fixed, msg, q)) throw new Error('bench signature does not verify');
  const verify = [
    measure('ECDSA P-256 verify, @noble/curves', once(() => p256.verify(fixed, msg, q, { lowS: false })), { ms: MS }),
    measure('ECDSA P-256 verify, omnirtc WASM', once(() => p256Verify(fixed, msg, q)), { ms: MS }),
    measure('ECDSA P-256 verify, node:crypto', once(() => nodeVerify('sha256', msg, { key: publicKey, dsaEncoding: 'ieee-p1363' }, fixed)), { ms: MS }),
  ];
  return { sign, verify };
}

export async function run(): Promise<BenchSection> {
  const lines: string[] = ['One operation per call; ratios against @noble/curves (what src/dtls used before the WebAssembly core).', ''];
  const summary: string[] = [];
  const add = (rows: Measurement[]): void => {
    lines.push(...table(rows), '');
    summary.push(`${rows[1].name.split(',')[0]}: WASM ${(rows[1].opsPerSec / rows[0].opsPerSec).toFixed(1)}× noble, ${(rows[1].opsPerSec / rows[2].opsPerSec).toFixed(2)}× node:crypto`);
  };
  add(x25519Rows());
  add(ecdhRows());
  add(keygenRows());
  const { sign, verify } = signVerifyRows();
  add(sign);
  add(verify);
  lines.push(...summary);
  return { title: 'Elliptic curves: X25519, P-256 ECDH, ECDSA sign and verify', lines };
}
