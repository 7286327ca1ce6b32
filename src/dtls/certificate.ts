// Self-signed ECDSA P-256 X.509 certificates for DTLS-SRTP (RFC 8827 §6.5; W3C
// RTCCertificate): a fresh key, a random serial and a fresh CN each time, because Firefox
// rejects a reused issuer/serial pair.
import { p256 } from '@noble/curves/nist.js';
import { p256PublicKey, p256RandomSecretKey, p256Sign } from '../wasm/ec.js';
import {
  DER_TAG,
  derBitString,
  derChildren,
  derDecode,
  derExpect,
  derOidToString,
  derExplicit,
  derOid,
  derSequence,
  derSet,
  derSmallInteger,
  derTime,
  derUnsignedInteger,
  derUtf8,
} from './der.js';
import { ecdsaSignatureToDer } from './ecdsa-der.js';
import { DtlsError, misuse } from './errors.js';
import { certificatePublicKey } from './public-key.js';
import { type CertificateFingerprint, type FingerprintAlgorithm, certificateFingerprint } from './fingerprint.js';

const OID_ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
const OID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';
const OID_P256 = '1.2.840.10045.3.1.7';
const OID_COMMON_NAME = '2.5.4.3';
const DAY_MS = 86_400_000;

export interface CertificateOptions {
  /** Subject and issuer CN; default a fresh random name. */
  commonName?: string;
  /** Validity start; default now minus one day (tolerates peers with a slow clock). */
  notBefore?: Date;
  /** Validity length in days (W3C RTCCertificate default: 30). */
  days?: number;
}

function randomBytes(n: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(n));
}

/** Wall-clock time only for certificate validity; engines never read the clock (DESIGN.md). */
function yesterday(): Date {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() - 1);
  return d;
}

function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/** A local certificate with its ECDSA P-256 private key, usable by either DTLS role. */
export class DtlsCertificate {
  private constructor(
    /** The X.509 certificate, DER. */
    readonly der: Uint8Array,
    /** 32-byte P-256 private scalar. */
    readonly privateKey: Uint8Array,
    /** Uncompressed SEC1 public point. */
    readonly publicKey: Uint8Array,
    /** notAfter, ms since the epoch. */
    readonly expires: number,
  ) {}

  /** Generates a key pair and a self-signed certificate (async for callers that need it; it does no I/O). */
  static async generate(options: CertificateOptions = {}): Promise<DtlsCertificate> {
    return DtlsCertificate.generateSync(options);
  }

  static generateSync(options: CertificateOptions = {}): DtlsCertificate {
    const privateKey = p256RandomSecretKey();
    const publicKey = p256PublicKey(privateKey);
    // X.509 times have whole seconds; `expires` must equal what peers read.
    const notBefore = new Date(Math.floor((options.notBefore ?? yesterday()).getTime() / 1000) * 1000);
    const days = options.days ?? 30;
    if (!(days > 0 && days <= 3650)) throw misuse('OperationError', 'certificate validity must be 1..3650 days');
    const notAfter = new Date(notBefore.getTime() + DAY_MS + days * DAY_MS);
    const cn = options.commonName ?? `omnirtc-${hex(randomBytes(8))}`;
    const serial = randomBytes(16);
    serial[0] = (serial[0] & 0x7f) | 0x01; // positive and non-zero, 16 bytes (RFC 5280 §4.1.2.2)
    const sigAlg = derSequence(derOid(OID_ECDSA_WITH_SHA256));
    const name = derSequence(derSet(derSequence(derOid(OID_COMMON_NAME), derUtf8(cn))));
    const spki = derSequence(derSequence(derOid(OID_EC_PUBLIC_KEY), derOid(OID_P256)), derBitString(publicKey));
    const tbs = derSequence(
      derExplicit(0, derSmallInteger(2)), // v3
      derUnsignedInteger(serial),
      sigAlg,
      name,
      derSequence(derTime(notBefore), derTime(notAfter)),
      name,
      spki,
    );
    const signature = ecdsaSignatureToDer(p256Sign(privateKey, tbs));
    const der = derSequence(tbs, sigAlg, derBitString(signature));
    return new DtlsCertificate(der, privateKey, publicKey, notAfter.getTime());
  }

  /**
   * An existing ECDSA P-256 certificate and its private key (PKCS#8 or SEC1 DER), e.g. to keep
   * a stable fingerprint across restarts. The key must match the certificate.
   */
  static fromDer(certificateDer: Uint8Array, privateKeyDer: Uint8Array): DtlsCertificate {
    let publicKey: Uint8Array;
    let privateKey: Uint8Array;
    let expires: number;
    try {
      const pub = certificatePublicKey(certificateDer);
      if (pub.kind !== 'ecdsa-p256') throw new DtlsError('unsupported', 'only ECDSA P-256 certificates can be ours');
      privateKey = p256PrivateKey(privateKeyDer);
      publicKey = p256PublicKey(privateKey);
      if (!p256.Point.fromBytes(pub.point).equals(p256.Point.fromBytes(publicKey))) throw new DtlsError('crypto', 'the private key does not match the certificate');
      expires = notAfter(certificateDer);
    } catch (e) {
      throw misuse('InvalidAccessError', `cannot use this certificate and key: ${(e as Error).message}`);
    }
    return new DtlsCertificate(certificateDer.slice(), privateKey, publicKey, expires);
  }

  /** Like fromDer, from PEM text ("CERTIFICATE" and "PRIVATE KEY" / "EC PRIVATE KEY" blocks). */
  static fromPem(certificatePem: string, privateKeyPem: string): DtlsCertificate {
    return DtlsCertificate.fromDer(pemBlock(certificatePem, 'CERTIFICATE'), pemBlock(privateKeyPem, 'PRIVATE KEY', 'EC PRIVATE KEY'));
  }

  fingerprint(algorithm: FingerprintAlgorithm = 'sha-256'): CertificateFingerprint {
    return certificateFingerprint(this.der, algorithm);
  }

  /** ECDSA-SHA256 signature in DER, as TLS carries it (RFC 8422 §5.4). */
  sign(message: Uint8Array): Uint8Array {
    return ecdsaSignatureToDer(p256Sign(this.privateKey, message));
  }

  /** PEM text of the certificate, for tools such as openssl. */
  toPem(): string {
    let b64 = '';
    const chunk = 0x8000;
    let bin = '';
    for (let i = 0; i < this.der.length; i += chunk) bin += String.fromCharCode(...this.der.subarray(i, i + chunk));
    b64 = btoa(bin);
    return `-----BEGIN CERTIFICATE-----\n${b64.replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
  }
}

function pemBlock(pem: string, ...labels: string[]): Uint8Array {
  for (const label of labels) {
    const m = pem.match(new RegExp(`-----BEGIN ${label}-----([A-Za-z0-9+/=\\s]+)-----END ${label}-----`));
    if (m) {
      try {
        return Uint8Array.from(atob(m[1].replace(/\s+/g, '')), (c) => c.charCodeAt(0));
      } catch {
        break;
      }
    }
  }
  throw misuse('InvalidAccessError', `no PEM block ${labels.join(' or ')} found`);
}

/** The 32-byte scalar of a P-256 key in PKCS#8 (RFC 5208) or SEC1 (RFC 5915) DER. */
function p256PrivateKey(der: Uint8Array): Uint8Array {
  let fields = derChildren(derExpect(derDecode(der), DER_TAG.sequence, 'private key'));
  if (fields[0]?.value.length === 1 && fields[0].value[0] === 0) {
    // PKCS#8 PrivateKeyInfo: version 0, AlgorithmIdentifier, OCTET STRING { ECPrivateKey }.
    const alg = derChildren(derExpect(fields[1], DER_TAG.sequence, 'AlgorithmIdentifier'));
    if (derOidToString(derExpect(alg[0], DER_TAG.oid, 'algorithm').value) !== OID_EC_PUBLIC_KEY) throw new DtlsError('unsupported', 'not an EC key');
    if (alg[1] && derOidToString(derExpect(alg[1], DER_TAG.oid, 'curve').value) !== OID_P256) throw new DtlsError('unsupported', 'not a P-256 key');
    fields = derChildren(derExpect(derDecode(derExpect(fields[2], DER_TAG.octetString, 'privateKey').value), DER_TAG.sequence, 'ECPrivateKey'));
  }
  // ECPrivateKey: version 1, OCTET STRING privateKey, [0] parameters, [1] publicKey.
  const version = derExpect(fields[0], DER_TAG.integer, 'version');
  if (version.value.length !== 1 || version.value[0] !== 1) throw new DtlsError('unsupported', 'ECPrivateKey version');
  const params = fields.find((f) => f.tag === 0xa0);
  if (params && derOidToString(derExpect(derChildren(params)[0], DER_TAG.oid, 'curve').value) !== OID_P256) throw new DtlsError('unsupported', 'not a P-256 key');
  const scalar = derExpect(fields[1], DER_TAG.octetString, 'privateKey').value;
  if (scalar.length !== 32 || !p256.utils.isValidSecretKey(scalar)) throw new DtlsError('crypto', 'invalid P-256 private key');
  return scalar.slice();
}

/** Validity notAfter (RFC 5280 §4.1.2.5) in ms since the epoch. */
function notAfter(certDer: Uint8Array): number {
  const [tbs] = derChildren(derExpect(derDecode(certDer), DER_TAG.sequence, 'Certificate'));
  const f = derChildren(derExpect(tbs, DER_TAG.sequence, 'TBSCertificate'));
  const base = f[0]?.tag === 0xa0 ? 1 : 0;
  const validity = derChildren(derExpect(f[base + 3], DER_TAG.sequence, 'Validity'));
  const t = validity[1];
  const text = new TextDecoder().decode(t?.value ?? new Uint8Array(0));
  const m = text.match(/^(\d{2}|\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/);
  if (!m || (t.tag === DER_TAG.utcTime) !== (m[1].length === 2)) throw new DtlsError('der', 'bad notAfter');
  const yy = Number(m[1]);
  const year = m[1].length === 4 ? yy : yy < 50 ? 2000 + yy : 1900 + yy;
  return Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}
