// Certificates, DER, fingerprints and signature verification, each checked against
// node:crypto as an independent implementation.
import { X509Certificate, constants, createPrivateKey, generateKeyPairSync, sign as nodeSign } from 'node:crypto';
import { DtlsCertificate } from '../../src/dtls/certificate';
import { derChildren, derDecode, derOidToString, derOid, derUnsignedInteger, derIntegerToBigInt } from '../../src/dtls/der';
import { certificateFingerprint, matchesFingerprints, parseFingerprintValue } from '../../src/dtls/fingerprint';
import { certificatePublicKey, subjectPublicKey } from '../../src/dtls/public-key';
import { SIGNATURE_SCHEME, verifySignature } from '../../src/dtls/signature';
import { DtlsError } from '../../src/dtls/errors';

describe('DtlsCertificate.generate', () => {
  it('makes a self-signed ECDSA P-256 X.509 certificate node:crypto accepts', async () => {
    const c = await DtlsCertificate.generate();
    const x = new X509Certificate(c.der);
    expect(x.publicKey.asymmetricKeyType).toBe('ec');
    expect(x.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(x.verify(x.publicKey)).toBe(true); // self-signature
    expect(x.subject).toBe(x.issuer);
    expect(x.subject).toMatch(/^CN=omnirtc-[0-9a-f]{16}$/);
    expect(new Date(x.validTo).getTime()).toBeGreaterThan(new Date(x.validFrom).getTime() + 30 * 86400_000);
    expect(c.expires).toBe(new Date(x.validTo).getTime());
    // Fingerprint as SDP shows it equals node's.
    expect(c.fingerprint().value).toBe(x.fingerprint256);
    expect(c.fingerprint('sha-1').value).toBe(x.fingerprint);
    expect(c.fingerprint('sha-512').value).toBe(x.fingerprint512);
  });

  it('uses a fresh serial and CN every time (Firefox rejects reuse)', async () => {
    const a = new X509Certificate((await DtlsCertificate.generate()).der);
    const b = new X509Certificate((await DtlsCertificate.generate()).der);
    expect(a.serialNumber).not.toBe(b.serialNumber);
    expect(a.subject).not.toBe(b.subject);
    expect(a.serialNumber.length).toBe(32);
  });

  it('signs ECDSA-SHA256 in DER that node verifies, and its PEM parses', async () => {
    const c = await DtlsCertificate.generate({ commonName: 'x', days: 1 });
    const msg = new TextEncoder().encode('signed data');
    const x = new X509Certificate(c.toPem());
    const { verify } = await import('node:crypto');
    expect(verify('sha256', msg, x.publicKey, c.sign(msg))).toBe(true);
    expect(x.subject).toBe('CN=x');
    expect(() => DtlsCertificate.generateSync({ days: 0 })).toThrow(DOMException);
  });
});

describe('DtlsCertificate.fromDer / fromPem', () => {
  const toB64u = (b: Uint8Array): string => Buffer.from(b).toString('base64url');
  function keyObjectOf(c: DtlsCertificate) {
    return createPrivateKey({
      key: { kty: 'EC', crv: 'P-256', d: toB64u(c.privateKey), x: toB64u(c.publicKey.subarray(1, 33)), y: toB64u(c.publicKey.subarray(33)) },
      format: 'jwk',
    });
  }

  it('loads a certificate with its PKCS#8 or SEC1 key (encoded by node:crypto) and keeps fingerprint and expiry', () => {
    const c = DtlsCertificate.generateSync();
    const key = keyObjectOf(c);
    const pkcs8 = new Uint8Array(key.export({ format: 'der', type: 'pkcs8' }));
    const sec1 = new Uint8Array(key.export({ format: 'der', type: 'sec1' }));
    for (const k of [pkcs8, sec1]) {
      const loaded = DtlsCertificate.fromDer(c.der, k);
      expect(loaded.fingerprint()).toEqual(c.fingerprint());
      expect(loaded.expires).toBe(c.expires);
      expect(Buffer.from(loaded.privateKey)).toEqual(Buffer.from(c.privateKey));
    }
    const pem = DtlsCertificate.fromPem(c.toPem(), key.export({ format: 'pem', type: 'pkcs8' }) as string);
    expect(pem.fingerprint()).toEqual(c.fingerprint());
    const ecPem = DtlsCertificate.fromPem(c.toPem(), key.export({ format: 'pem', type: 'sec1' }) as string);
    expect(ecPem.fingerprint()).toEqual(c.fingerprint());
  });

  it('refuses a key that does not match, a non-P-256 key, and garbage', () => {
    const c = DtlsCertificate.generateSync();
    const other = keyObjectOf(DtlsCertificate.generateSync()).export({ format: 'der', type: 'pkcs8' });
    expect(() => DtlsCertificate.fromDer(c.der, new Uint8Array(other))).toThrow(expect.objectContaining({ name: 'InvalidAccessError' }));
    const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).privateKey.export({ format: 'der', type: 'pkcs8' });
    expect(() => DtlsCertificate.fromDer(c.der, new Uint8Array(p384))).toThrow(DOMException);
    expect(() => DtlsCertificate.fromDer(new Uint8Array(10), new Uint8Array(10))).toThrow(DOMException);
    expect(() => DtlsCertificate.fromPem('nothing', 'nothing')).toThrow(DOMException);
  });
});

describe('public keys and signatures', () => {
  it('reads EC and RSA SubjectPublicKeyInfo and verifies ECDSA, PKCS#1 v1.5 and PSS signatures made by node', () => {
    const msg = new TextEncoder().encode('client_random || server_random || params');
    const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const ecKey = subjectPublicKey(new Uint8Array(ec.publicKey.export({ type: 'spki', format: 'der' })));
    expect(ecKey.kind).toBe('ecdsa-p256');
    const ecSig = new Uint8Array(nodeSign('sha256', msg, ec.privateKey));
    expect(verifySignature(SIGNATURE_SCHEME.ecdsa_secp256r1_sha256, ecKey, msg, ecSig)).toBe(true);
    expect(verifySignature(SIGNATURE_SCHEME.ecdsa_secp256r1_sha256, ecKey, msg.subarray(1), ecSig)).toBe(false);
    expect(verifySignature(SIGNATURE_SCHEME.rsa_pkcs1_sha256, ecKey, msg, ecSig)).toBe(false);

    for (const bits of [2048, 3072]) {
      const rsa = generateKeyPairSync('rsa', { modulusLength: bits });
      const rsaKey = subjectPublicKey(new Uint8Array(rsa.publicKey.export({ type: 'spki', format: 'der' })));
      expect(rsaKey).toMatchObject({ kind: 'rsa', size: bits / 8 });
      const pkcs1 = new Uint8Array(nodeSign('sha256', msg, rsa.privateKey));
      const pss = new Uint8Array(nodeSign('sha256', msg, { key: rsa.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }));
      expect(verifySignature(SIGNATURE_SCHEME.rsa_pkcs1_sha256, rsaKey, msg, pkcs1)).toBe(true);
      expect(verifySignature(SIGNATURE_SCHEME.rsa_pss_rsae_sha256, rsaKey, msg, pss)).toBe(true);
      // Cross-scheme, tampered and truncated signatures fail.
      expect(verifySignature(SIGNATURE_SCHEME.rsa_pss_rsae_sha256, rsaKey, msg, pkcs1)).toBe(false);
      expect(verifySignature(SIGNATURE_SCHEME.rsa_pkcs1_sha256, rsaKey, msg, pss)).toBe(false);
      const bad = pss.slice();
      bad[10] ^= 1;
      expect(verifySignature(SIGNATURE_SCHEME.rsa_pss_rsae_sha256, rsaKey, msg, bad)).toBe(false);
      expect(verifySignature(SIGNATURE_SCHEME.rsa_pkcs1_sha256, rsaKey, msg, pkcs1.subarray(1))).toBe(false);
    }
  });

  it('PSS verification handles a modulus whose bit length is 1 mod 8 (emLen < k)', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2049 });
    const pub = subjectPublicKey(new Uint8Array(rsa.publicKey.export({ type: 'spki', format: 'der' })));
    const msg = new Uint8Array([1, 2, 3]);
    const pss = new Uint8Array(nodeSign('sha256', msg, { key: rsa.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }));
    expect(verifySignature(SIGNATURE_SCHEME.rsa_pss_rsae_sha256, pub, msg, pss)).toBe(true);
  });

  it('reads the key out of a whole certificate, and refuses other curves and tiny RSA', () => {
    const c = DtlsCertificate.generateSync();
    const k = certificatePublicKey(c.der);
    expect(k.kind === 'ecdsa-p256' && Buffer.from(k.point).equals(Buffer.from(c.publicKey))).toBe(true);
    const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey.export({ type: 'spki', format: 'der' });
    expect(() => subjectPublicKey(new Uint8Array(p384))).toThrow(DtlsError);
    const rsa512 = generateKeyPairSync('rsa', { modulusLength: 512 }).publicKey.export({ type: 'spki', format: 'der' });
    expect(() => subjectPublicKey(new Uint8Array(rsa512))).toThrow(DtlsError);
  });
});

describe('DER codec', () => {
  it('round-trips OIDs and integers, and rejects non-minimal or truncated lengths', () => {
    for (const oid of ['1.2.840.10045.4.3.2', '2.5.4.3', '1.2.840.113549.1.1.1', '2.999.3']) expect(derOidToString(derDecode(derOid(oid)).value)).toBe(oid);
    expect(derIntegerToBigInt(derDecode(derUnsignedInteger(new Uint8Array([0, 0, 0x80, 1]))))).toBe(0x8001n);
    expect(() => derDecode(new Uint8Array([0x30, 0x81, 0x05, 1, 2, 3, 4, 5]))).toThrow(DtlsError); // non-minimal
    expect(() => derDecode(new Uint8Array([0x30, 0x05, 1, 2]))).toThrow(DtlsError); // truncated
    expect(() => derDecode(new Uint8Array([0x30, 0x00, 0x00]))).toThrow(DtlsError); // trailing
    expect(() => derChildren(derDecode(new Uint8Array([0x04, 0x00])))).toThrow(DtlsError); // primitive
  });
});

describe('fingerprints', () => {
  const c = DtlsCertificate.generateSync();
  it('matches any one supported algorithm, case-insensitively, and ignores unknown ones', () => {
    const fp = c.fingerprint('sha-384');
    expect(matchesFingerprints(c.der, [{ algorithm: 'SHA-384', value: fp.value.toLowerCase() }])).toBe(true);
    expect(matchesFingerprints(c.der, [{ algorithm: 'md5', value: 'AA' }, c.fingerprint('sha-1')])).toBe(true);
    expect(matchesFingerprints(c.der, [{ algorithm: 'md5', value: 'AA' }])).toBe(false);
    const other = DtlsCertificate.generateSync();
    expect(matchesFingerprints(c.der, [other.fingerprint()])).toBe(false);
    expect(matchesFingerprints(c.der, [certificateFingerprint(c.der)])).toBe(true);
    expect(parseFingerprintValue('zz:00')).toBeUndefined();
  });
});
