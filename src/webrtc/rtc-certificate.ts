// RTCCertificate (W3C WebRTC §4.9): an ECDSA P-256 self-signed certificate (src/dtls) with
// its expiry and fingerprints; reusable across peer connections.
import { DtlsCertificate } from '../dtls/certificate.js';
import { domError } from './errors.js';

export interface RTCDtlsFingerprint {
  algorithm: string;
  value: string;
}

export type AlgorithmIdentifier = string | { name: string; namedCurve?: string; hash?: string; expires?: number };

export class RTCCertificate {
  readonly #inner: DtlsCertificate;

  private constructor(inner: DtlsCertificate) {
    this.#inner = inner;
  }

  /** W3C §4.9.1: only ECDSA P-256 is generated here (browsers' default). */
  static async generate(keygenAlgorithm: AlgorithmIdentifier): Promise<RTCCertificate> {
    const alg = typeof keygenAlgorithm === 'string' ? { name: keygenAlgorithm } : keygenAlgorithm;
    if (alg === null || typeof alg !== 'object' || typeof alg.name !== 'string') {
      throw domError('TypeError', 'generateCertificate needs an algorithm such as { name: "ECDSA", namedCurve: "P-256" }');
    }
    if (alg.name.toUpperCase() !== 'ECDSA' || (alg.namedCurve ?? 'P-256') !== 'P-256') {
      throw domError('NotSupportedError', `only { name: "ECDSA", namedCurve: "P-256" } certificates are supported (got ${alg.name})`);
    }
    // W3C §4.9.1: `expires` is ms from now (default 30 days here).
    const days = alg.expires !== undefined ? Math.max(1, Math.ceil(alg.expires / 86_400_000)) : 30;
    return new RTCCertificate(await DtlsCertificate.generate({ days }));
  }

  get expires(): number {
    return this.#inner.expires;
  }

  getFingerprints(): RTCDtlsFingerprint[] {
    const f = this.#inner.fingerprint('sha-256');
    return [{ algorithm: f.algorithm, value: f.value }];
  }

  /** The DTLS certificate and key, for the connection's DTLS endpoint. */
  get dtlsCertificate(): DtlsCertificate {
    return this.#inner;
  }
}
