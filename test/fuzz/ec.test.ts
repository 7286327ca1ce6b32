// The elliptic-curve wrappers (src/wasm/ec.ts) and the ECDSA DER codec (src/dtls/ecdsa-der.ts)
// on arbitrary bytes: they never throw except the documented RangeError for a bad private
// key or hash, never trap the core, and agree with @noble/curves on whatever it accepts.
import { x25519 as nobleX25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import fc from 'fast-check';
import { ecdsaSignatureFromDer, ecdsaSignatureToDer } from '../../src/dtls/ecdsa-der';
import { p256IsValidSecretKey, p256PublicKey, p256RandomSecretKey, p256SharedSecret, p256Sign, p256VerifyHash, x25519 } from '../../src/wasm/ec';
import { wasmCore } from '../../src/wasm/instance';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const secret = p256RandomSecretKey();
const publicKey = p256PublicKey(secret);
const validSig = p256Sign(secret, new Uint8Array([1, 2, 3]));

/** noble's verdict on a point encoding: the decoded point, or undefined when it refuses it. */
function nobleAccepts(point: Uint8Array): boolean {
  try {
    p256.Point.fromBytes(point).assertValidity();
    return point.length === 65 || point.length === 33;
  } catch {
    return false;
  }
}

describe('EC wrappers on arbitrary bytes', () => {
  it('p256SharedSecret: undefined or noble\'s secret, never a throw, for any peer bytes', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 80 }),
          fc.uint8Array({ minLength: 64, maxLength: 64 }).map((b) => Uint8Array.from([4, ...b])),
          fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Uint8Array.from([2 + (b[0] & 1), ...b])),
          fc.nat(64).map((i) => {
            const q = publicKey.slice();
            q[i] ^= 1 << (i % 8);
            return q;
          }),
        ),
        (point) => {
          const ours = p256SharedSecret(secret, point);
          if (nobleAccepts(point)) expect(hex(ours!)).toBe(hex(p256.getSharedSecret(secret, point, true).slice(1)));
          else expect(ours).toBeUndefined();
        },
      ),
      { numRuns: 150 },
    );
  });

  it('p256VerifyHash: false for any garbage signature, hash or key, never a throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 70 }), fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 70 }), (sig, hash, key) => {
        expect(typeof p256VerifyHash(sig, hash, key)).toBe('boolean');
        expect(p256VerifyHash(sig.length === 64 ? sig : validSig, hash, key.length === 65 ? key : publicKey)).toBe(false);
      }),
      { numRuns: 150 },
    );
  });

  it('X25519 equals noble for any 32-byte inputs (low-order u: the all-zero output)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.oneof(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.constant(new Uint8Array(32)), fc.constant(Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? 1 : 0)))),
        (k, u) => {
        let noble: string;
        try {
          noble = hex(nobleX25519.scalarMult(k, u));
        } catch {
          noble = '00'.repeat(32); // noble throws on a low-order u; we return the zero output
        }
        expect(hex(x25519(k, u))).toBe(noble);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('private keys: valid exactly when noble says so; invalid ones throw RangeError only', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 40 }), fc.constant(new Uint8Array(32).fill(0xff))), (d) => {
        const valid = d.length === 32 && p256.utils.isValidSecretKey(d);
        expect(p256IsValidSecretKey(d)).toBe(valid);
        if (valid) expect(hex(p256PublicKey(d))).toBe(hex(p256.getPublicKey(d, false)));
        else expect(() => p256PublicKey(d)).toThrow(RangeError);
      }),
      { numRuns: 100 },
    );
  });

  it('ECDSA DER: parses exactly what noble parses, and round-trips our encoding', () => {
    const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
    const tlv = (tag: number, body: Uint8Array): Uint8Array => Uint8Array.from([tag, body.length, ...body]);
    const structured = fc
      .tuple(fc.uint8Array({ maxLength: 34 }), fc.uint8Array({ maxLength: 34 }), fc.nat(3), fc.uint8Array({ maxLength: 2 }))
      .map(([r, s, mode, extra]) => {
        const der = tlv(0x30, Uint8Array.from([...tlv(2, r), ...tlv(2, s)]));
        if (mode === 1) return Uint8Array.from([...der, ...extra]); // trailing bytes
        if (mode === 2) return der.subarray(0, Math.max(0, der.length - 1 - (extra[0] ?? 0) % 4)); // truncated
        return der;
      });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 80 }), structured), (der) => {
        let noble: Uint8Array | undefined;
        try {
          noble = p256.Signature.fromBytes(der, 'der').toBytes('compact');
        } catch {
          noble = undefined;
        }
        const ours = ecdsaSignatureFromDer(der);
        if (noble) {
          expect(hex(ours!)).toBe(hex(noble));
        } else if (ours) {
          // noble also refuses r or s outside [1, n-1] while parsing; we leave that to verification.
          const r = BigInt(`0x${hex(ours.subarray(0, 32))}`);
          const s = BigInt(`0x${hex(ours.subarray(32))}`);
          expect(r === 0n || r >= N || s === 0n || s >= N).toBe(true);
        }
      }),
      { numRuns: 400 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 64, maxLength: 64 }), (rs) => {
        const der = ecdsaSignatureToDer(rs);
        expect(hex(ecdsaSignatureFromDer(der)!)).toBe(hex(rs));
      }),
      { numRuns: 200 },
    );
  });

  it('the raw exports never trap: any I/O region bytes and any length give a documented result', () => {
    const core = wasmCore();
    const fns = core.fns as unknown as Record<'ecX25519' | 'ecP256PublicKey' | 'ecP256Sign', () => number> &
      Record<'ecP256Ecdh' | 'ecP256Verify', (len: number) => number>;
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 200, maxLength: 200 }), fc.integer({ min: -5, max: 70000 }), (bytes, len) => {
        core.io.set(bytes, 0);
        expect(fns.ecX25519()).toBe(32);
        core.io.set(bytes, 0);
        expect([65, -1]).toContain(fns.ecP256PublicKey());
        core.io.set(bytes, 0);
        expect([64, -1, -2]).toContain(fns.ecP256Sign());
        core.io.set(bytes, 0);
        expect([32, -1, -2]).toContain(fns.ecP256Ecdh(len));
        core.io.set(bytes, 0);
        expect([0, 1, -2]).toContain(fns.ecP256Verify(len));
        core.io.set(bytes, 0);
        expect([32, -1, -2]).toContain(fns.ecP256Ecdh(bytes[0] & 1 ? 65 : 33));
        core.io.set(bytes, 0);
        expect([0, 1, -2]).toContain(fns.ecP256Verify(bytes[0] & 1 ? 65 : 33));
      }),
      { numRuns: 60 },
    );
  });
});
