// The peer certificate's SubjectPublicKeyInfo (RFC 5280 §4.1.2.7): the only part of the
// certificate the handshake needs, since WebRTC trusts the certificate by SDP fingerprint.
import { DER_TAG, derBitStringBytes, derChildren, derDecode, derExpect, derIntegerToBigInt, derOidToString } from './der.js';
import { DtlsError } from './errors.js';

export type PeerPublicKey =
  | { kind: 'ecdsa-p256'; /** SEC1 point, uncompressed or compressed */ point: Uint8Array }
  | { kind: 'rsa'; n: bigint; e: bigint; /** modulus length in bytes */ size: number };

const OID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';
const OID_P256 = '1.2.840.10045.3.1.7';
const OID_RSA = '1.2.840.113549.1.1.1';

/** Reads the subject public key of an X.509 certificate; throws DtlsError for anything else. */
export function certificatePublicKey(certDer: Uint8Array): PeerPublicKey {
  const cert = derExpect(derDecode(certDer), DER_TAG.sequence, 'Certificate');
  const [tbs] = derChildren(cert);
  const fields = derChildren(derExpect(tbs, DER_TAG.sequence, 'TBSCertificate'));
  // version [0] is optional (absent means v1), so the SPKI is the 6th or 7th field.
  const base = fields[0]?.tag === 0xa0 ? 1 : 0;
  const spki = derExpect(fields[base + 5], DER_TAG.sequence, 'SubjectPublicKeyInfo');
  return subjectPublicKey(spki.raw);
}

export function subjectPublicKey(spkiDer: Uint8Array): PeerPublicKey {
  const [algId, keyBits] = derChildren(derExpect(derDecode(spkiDer), DER_TAG.sequence, 'SubjectPublicKeyInfo'));
  const alg = derChildren(derExpect(algId, DER_TAG.sequence, 'AlgorithmIdentifier'));
  const oid = derOidToString(derExpect(alg[0], DER_TAG.oid, 'algorithm OID').value);
  const key = derBitStringBytes(keyBits);
  if (oid === OID_EC_PUBLIC_KEY) {
    const curve = derOidToString(derExpect(alg[1], DER_TAG.oid, 'named curve').value);
    if (curve !== OID_P256) throw new DtlsError('unsupported', `EC curve ${curve} is not P-256`);
    return { kind: 'ecdsa-p256', point: key };
  }
  if (oid === OID_RSA) {
    const [n, e] = derChildren(derExpect(derDecode(key), DER_TAG.sequence, 'RSAPublicKey'));
    const nv = derIntegerToBigInt(n);
    const ev = derIntegerToBigInt(e);
    const size = Math.ceil(nv.toString(16).length / 2);
    // Below 1024 bits RSA is broken; above 8192 a hostile peer only buys CPU time.
    if (size < 128 || size > 1024 || ev < 3n || ev % 2n === 0n) throw new DtlsError('unsupported', `RSA key of ${size * 8} bits or exponent ${ev} refused`);
    return { kind: 'rsa', n: nv, e: ev, size };
  }
  throw new DtlsError('unsupported', `public key algorithm ${oid}`);
}
