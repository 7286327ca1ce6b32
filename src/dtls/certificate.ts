// Self-signed ECDSA P-256 X.509 certificates for DTLS-SRTP (RFC 8827 §6.5; W3C
// RTCCertificate): a fresh key, a random serial and a fresh CN each time, because Firefox
// rejects a reused issuer/serial pair.
import { p256 } from '@noble/curves/nist.js';
import {
  derBitString,
  derExplicit,
  derOid,
  derSequence,
  derSet,
  derSmallInteger,
  derTime,
  derUnsignedInteger,
  derUtf8,
} from './der.js';
import { misuse } from './errors.js';
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
    const privateKey = p256.utils.randomSecretKey();
    const publicKey = p256.getPublicKey(privateKey, false);
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
    const signature = p256.sign(tbs, privateKey, { format: 'der' });
    const der = derSequence(tbs, sigAlg, derBitString(signature));
    return new DtlsCertificate(der, privateKey, publicKey, notAfter.getTime());
  }

  fingerprint(algorithm: FingerprintAlgorithm = 'sha-256'): CertificateFingerprint {
    return certificateFingerprint(this.der, algorithm);
  }

  /** ECDSA-SHA256 signature in DER, as TLS carries it (RFC 8422 §5.4). */
  sign(message: Uint8Array): Uint8Array {
    return p256.sign(message, this.privateKey, { format: 'der' });
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
