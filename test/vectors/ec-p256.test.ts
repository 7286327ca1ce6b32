// P-256 in the WebAssembly core (assembly/ec/p256-*.ts): key pairs, ECDH and ECDSA against
// RFC 6979 §A.2.5's known answers, known answers made with node:crypto (OpenSSL), and
// random cross-checks with @noble/curves; invalid points and out-of-range signatures.
import { createECDH, generateKeyPairSync, type KeyObject, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import { p256 } from '@noble/curves/nist.js';
import { sha256 } from '@noble/hashes/sha2.js';
import {
  p256IsValidSecretKey,
  p256PublicKey,
  p256RandomSecretKey,
  p256SharedSecret,
  p256Sign,
  p256SignHash,
  p256Verify,
  p256VerifyHash,
} from '../../src/wasm/ec';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const bytes = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, 'hex'));
const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);
const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const be32 = (v: bigint): Uint8Array => bytes(v.toString(16).padStart(64, '0'));
const toBig = (b: Uint8Array): bigint => BigInt(`0x${hex(b) || '0'}`);

/** A node:crypto (OpenSSL) key pair with its raw private scalar and uncompressed point. */
function nodeKeyPair(): { d: Uint8Array; point: Uint8Array; publicKey: KeyObject; privateKey: KeyObject } {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const jwk = privateKey.export({ format: 'jwk' });
  const d = Uint8Array.from(Buffer.from(jwk.d as string, 'base64url'));
  const point = Uint8Array.from(publicKey.export({ format: 'der', type: 'spki' }).subarray(-65));
  return { d, point, publicKey, privateKey };
}

describe('P-256 in WebAssembly: RFC 6979 §A.2.5 (ECDSA, 256 bits, SHA-256)', () => {
  const d = bytes('c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721');
  it('public key', () => {
    expect(hex(p256PublicKey(d))).toBe(
      '0460fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb67903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299',
    );
  });
  it('"sample" and "test": deterministic k, s normalised to low S as noble does', () => {
    const cases: [string, string, string][] = [
      ['sample', 'efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716', 'f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8'],
      ['test', 'f1abb023518351cd71d881567b1ea663ed3efcf6c5132b354f28d3b0b7d38367', '019f4113742a2b14bd25926b49c649155f267e60d3814b4c0cc84250e46f0083'],
    ];
    for (const [msg, r, s] of cases) {
      const sv = BigInt(`0x${s}`);
      const low = sv > N / 2n ? N - sv : sv;
      const sig = p256Sign(d, ascii(msg));
      expect(hex(sig)).toBe(r + hex(be32(low)));
      // The RFC's own (high-S) signature verifies too: TLS accepts either (RFC 8422 §5.4).
      expect(p256Verify(bytes(r + s), ascii(msg), p256PublicKey(d))).toBe(true);
    }
  });
});

describe('P-256 in WebAssembly against node:crypto (OpenSSL) known answers', () => {
  const pairs = Array.from({ length: 6 }, nodeKeyPair);

  it('public keys equal OpenSSL\'s', () => {
    for (const k of pairs) expect(hex(p256PublicKey(k.d))).toBe(hex(k.point));
  });

  it('ECDH shared secrets equal createECDH().computeSecret', () => {
    for (let i = 0; i < pairs.length; i++) {
      const a = pairs[i];
      const b = pairs[(i + 1) % pairs.length];
      const ecdh = createECDH('prime256v1');
      ecdh.setPrivateKey(a.d);
      expect(hex(p256SharedSecret(a.d, b.point)!)).toBe(hex(ecdh.computeSecret(b.point)));
      // Compressed peer keys (SEC 1 §2.3.3) decode to the same point.
      const compressed = compress(b.point);
      expect(hex(p256SharedSecret(a.d, compressed)!)).toBe(hex(ecdh.computeSecret(b.point)));
    }
  });

  it('OpenSSL signatures verify; ours verify under OpenSSL', () => {
    for (const k of pairs) {
      const msg = crypto.getRandomValues(new Uint8Array(100));
      const theirs = nodeSign('sha256', msg, { key: k.privateKey, dsaEncoding: 'ieee-p1363' });
      expect(p256Verify(Uint8Array.from(theirs), msg, k.point)).toBe(true);
      const ours = p256Sign(k.d, msg);
      expect(nodeVerify('sha256', msg, { key: k.publicKey, dsaEncoding: 'ieee-p1363' }, ours)).toBe(true);
      const tampered = msg.slice();
      tampered[0] ^= 1;
      expect(p256Verify(Uint8Array.from(theirs), tampered, k.point)).toBe(false);
    }
  });
});

/** SEC 1 §2.3.3 point compression: 02 or 03 by the parity of y, then x. */
function compress(point: Uint8Array): Uint8Array {
  return Uint8Array.from([2 | (point[64] & 1), ...point.subarray(1, 33)]);
}

describe('P-256 in WebAssembly against @noble/curves', () => {
  it('public keys, ECDH and signatures are byte-identical on random keys', () => {
    for (let i = 0; i < 24; i++) {
      const a = p256RandomSecretKey();
      const b = p256.utils.randomSecretKey();
      expect(hex(p256PublicKey(a))).toBe(hex(p256.getPublicKey(a, false)));
      expect(hex(p256SharedSecret(a, p256.getPublicKey(b, false))!)).toBe(hex(p256.getSharedSecret(a, p256.getPublicKey(b), true).slice(1)));
      const msg = crypto.getRandomValues(new Uint8Array(i * 7));
      expect(hex(p256Sign(b, msg))).toBe(hex(p256.sign(msg, b)));
      const noble = p256.sign(msg, b, { lowS: false, extraEntropy: true });
      expect(p256Verify(noble, msg, p256.getPublicKey(b, false))).toBe(true);
      expect(p256Verify(noble, msg, p256.getPublicKey(a, false))).toBe(false);
    }
  });

  it('edge scalars: 1, 2, n-1 as private keys and as hashes', () => {
    for (const v of [1n, 2n, 3n, N - 1n, N - 2n, 1n << 255n]) {
      const d = be32(v);
      expect(hex(p256PublicKey(d))).toBe(hex(p256.getPublicKey(d, false)));
      const h = be32(v);
      expect(hex(p256SignHash(d, h))).toBe(hex(p256.sign(h, d, { prehash: false })));
    }
    // A hash >= n is reduced mod n (bits2int then mod n, RFC 6979 §2.3.2).
    const d = p256RandomSecretKey();
    const big = be32((1n << 256n) - 1n);
    const sig = p256SignHash(d, big);
    expect(hex(sig)).toBe(hex(p256.sign(big, d, { prehash: false })));
    expect(p256VerifyHash(sig, big, p256PublicKey(d))).toBe(true);
  });

  it('u1 G and u2 Q summing to a doubling (verification\'s exceptional case) still verify', () => {
    // Q = G (d = 1), e = r = x(G) mod n and s = 2r: u1 = e/s and u2 = r/s are equal, so the
    // final addition u1 G + u2 Q adds a point to itself (the doubling fallback), R = G.
    const gx = toBig(p256PublicKey(be32(1n)).subarray(1, 33));
    const r = gx % N;
    const e = r;
    const s = (r + e) % N;
    expect(p256VerifyHash(Uint8Array.from([...be32(r), ...be32(s)]), be32(e), p256PublicKey(be32(1n)))).toBe(true);
    expect(p256.verify(Uint8Array.from([...be32(r), ...be32(s)]), be32(e), p256PublicKey(be32(1n)), { prehash: false, lowS: false })).toBe(true);
  });
});

describe('P-256 in WebAssembly: x(R) >= n (SEC 1 §4.1.4 step 7, r = x(R) mod n)', () => {
  it('verifies a signature whose R has x in [n, p), and refuses r = x(R) itself', () => {
    // Chance 2^-32 for a real signature, so build one: take R with x(R) = n + t, pick e and s,
    // then the key Q = (R - (e/s) G) / (r/s) makes (r, s) with r = x(R) - n valid for e.
    const { Point } = p256;
    let R: InstanceType<typeof Point> | undefined;
    for (let t = 0n; !R; t++) {
      try {
        R = Point.fromBytes(Uint8Array.from([2, ...be32(N + t)]));
      } catch {
        R = undefined;
      }
    }
    const Fn = Point.Fn;
    const r = R.toAffine().x - N;
    expect(r).toBeGreaterThan(0n);
    const e = 0x1234567890abcdefn;
    const s = 0xfedcba0987654321n;
    const u1 = Fn.div(e, s);
    const u2 = Fn.div(r, s);
    const Q = R.subtract(Point.BASE.multiply(u1)).multiply(Fn.inv(u2));
    const key = Q.toBytes(false);
    const sig = Uint8Array.from([...be32(r), ...be32(s)]);
    expect(p256.verify(sig, be32(e), key, { prehash: false, lowS: false })).toBe(true);
    expect(p256VerifyHash(sig, be32(e), key)).toBe(true);
    // The unreduced x(R) is >= n, hence out of range as r.
    expect(p256VerifyHash(Uint8Array.from([...be32(r + N), ...be32(s)]), be32(e), key)).toBe(false);
  });
});

describe('P-256 in WebAssembly: invalid input', () => {
  const d = p256RandomSecretKey();
  const q = p256PublicKey(p256RandomSecretKey());
  const x = q.subarray(1, 33);
  const y = q.subarray(33);

  it('points off the curve, with coordinates >= p, bad prefixes or lengths are refused', () => {
    const offCurve = q.slice();
    offCurve[64] ^= 1;
    const xTooBig = Uint8Array.from([4, ...new Uint8Array(32).fill(0xff), ...y]);
    const xEqualsP = Uint8Array.from([4, ...be32(P), ...y]);
    const yPlusP = (toBig(y) + P) < 1n << 256n ? Uint8Array.from([4, ...x, ...be32(toBig(y) + P)]) : Uint8Array.from([4, ...x, ...be32(P)]);
    const bad: Uint8Array[] = [
      offCurve,
      xTooBig,
      xEqualsP,
      yPlusP,
      Uint8Array.from([5, ...q.subarray(1)]),
      Uint8Array.from([0]),
      new Uint8Array(65),
      q.subarray(0, 64),
      Uint8Array.from([...q, 0]),
      Uint8Array.from([2, ...be32(P + 1n)].slice(0, 33)),
      new Uint8Array(33),
    ];
    const sig = p256Sign(d, ascii('m'));
    for (const point of bad) {
      expect(p256SharedSecret(d, point)).toBeUndefined();
      expect(p256VerifyHash(sig, sha256(ascii('m')), point)).toBe(false);
    }
    // A compressed x whose x^3 - 3x + b has no square root: the first small one noble refuses.
    let xs = 1n;
    for (; xs < 100n; xs++) {
      try {
        p256.Point.fromBytes(Uint8Array.from([2, ...be32(xs)]));
      } catch {
        break;
      }
    }
    expect(p256SharedSecret(d, Uint8Array.from([2, ...be32(xs)]))).toBeUndefined();
  });

  it('r or s of 0, n or above n is refused (SEC 1 §4.1.4 step 1)', () => {
    const msg = ascii('range');
    const pub = p256PublicKey(d);
    const sig = p256Sign(d, msg);
    const r = toBig(sig.subarray(0, 32));
    const s = toBig(sig.subarray(32));
    const make = (rr: bigint, ss: bigint): Uint8Array => Uint8Array.from([...be32(rr), ...be32(ss)]);
    expect(p256Verify(make(r, s), msg, pub)).toBe(true);
    expect(p256Verify(make(r, N - s), msg, pub)).toBe(true); // high S is accepted
    for (const [rr, ss] of [
      [0n, s],
      [r, 0n],
      [N, s],
      [r, N],
      [r + N < 1n << 256n ? r + N : N + 1n, s],
      [r, s + N < 1n << 256n ? s + N : N + 1n],
      [(1n << 256n) - 1n, s],
    ]) {
      expect(p256Verify(make(rr, ss), msg, pub)).toBe(false);
    }
    expect(p256Verify(sig.subarray(0, 63), msg, pub)).toBe(false);
  });

  it('private keys of 0, n and wrong lengths throw RangeError', () => {
    for (const bad of [new Uint8Array(32), be32(N), be32(N + 1n), new Uint8Array(31)]) {
      expect(p256IsValidSecretKey(bad)).toBe(false);
      expect(() => p256PublicKey(bad)).toThrow(RangeError);
      expect(() => p256SharedSecret(bad, q)).toThrow(RangeError);
      expect(() => p256Sign(bad, ascii('m'))).toThrow(RangeError);
    }
  });
});
