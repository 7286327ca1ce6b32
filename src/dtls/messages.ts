// Bodies of the handshake messages of an ECDHE handshake (RFC 5246 §7.4, RFC 6347 §4.2.1,
// RFC 8422 §5). Parsers throw DtlsError; the engine turns that into a decode_error alert.
import { ByteReader } from './byte-reader.js';
import { ByteWriter } from './byte-writer.js';
import { DtlsError } from './errors.js';
import { type HelloExtensions, parseExtensions, writeExtensions } from './extensions.js';

export interface ClientHello {
  version: number;
  random: Uint8Array;
  sessionId: Uint8Array;
  cookie: Uint8Array;
  cipherSuites: number[];
  compressionMethods: number[];
  extensions: HelloExtensions;
  /** Raw bytes of everything except the cookie, for the stateless cookie MAC. */
  cookieInput: Uint8Array;
}

export function parseClientHello(body: Uint8Array): ClientHello {
  const r = new ByteReader(body);
  const version = r.u16('client_version');
  const random = r.bytes(32, 'random');
  const sessionId = r.vec8('session_id');
  if (sessionId.length > 32) throw new DtlsError('malformed', 'session_id longer than 32');
  const cookieAt = r.offset;
  const cookie = r.vec8('cookie');
  const afterCookie = r.offset;
  const suites = r.vec16('cipher_suites');
  if (suites.length < 2 || suites.length % 2) throw new DtlsError('malformed', 'cipher_suites');
  const cipherSuites: number[] = [];
  for (let i = 0; i < suites.length; i += 2) cipherSuites.push((suites[i] << 8) | suites[i + 1]);
  const compressionMethods = Array.from(r.vec8('compression_methods'));
  if (compressionMethods.length < 1) throw new DtlsError('malformed', 'compression_methods empty');
  const extensions = r.done ? { present: [] } : parseExtensions(r.vec16('extensions'));
  r.expectEnd('ClientHello');
  const cookieInput = new Uint8Array(cookieAt + body.length - afterCookie);
  cookieInput.set(body.subarray(0, cookieAt));
  cookieInput.set(body.subarray(afterCookie), cookieAt);
  return { version, random, sessionId, cookie, cipherSuites, compressionMethods, extensions, cookieInput };
}

export function encodeClientHello(h: {
  version: number;
  random: Uint8Array;
  sessionId: Uint8Array;
  cookie: Uint8Array;
  cipherSuites: readonly number[];
  extensions: [number, Uint8Array][];
}): Uint8Array {
  const w = new ByteWriter(256);
  w.u16(h.version).bytes(h.random).vec8(h.sessionId).vec8(h.cookie);
  w.u16(h.cipherSuites.length * 2);
  for (const s of h.cipherSuites) w.u16(s);
  w.u8(1).u8(0); // compression_methods: null only
  writeExtensions(w, h.extensions);
  return w.finish();
}

export interface HelloVerifyRequest {
  version: number;
  cookie: Uint8Array;
}

export function parseHelloVerifyRequest(body: Uint8Array): HelloVerifyRequest {
  const r = new ByteReader(body);
  const version = r.u16('server_version');
  const cookie = r.vec8('cookie');
  r.expectEnd('HelloVerifyRequest');
  return { version, cookie };
}

export function encodeHelloVerifyRequest(version: number, cookie: Uint8Array): Uint8Array {
  return new ByteWriter(3 + cookie.length).u16(version).vec8(cookie).finish();
}

export interface ServerHello {
  version: number;
  random: Uint8Array;
  sessionId: Uint8Array;
  cipherSuite: number;
  compressionMethod: number;
  extensions: HelloExtensions;
}

export function parseServerHello(body: Uint8Array): ServerHello {
  const r = new ByteReader(body);
  const version = r.u16('server_version');
  const random = r.bytes(32, 'random');
  const sessionId = r.vec8('session_id');
  if (sessionId.length > 32) throw new DtlsError('malformed', 'session_id longer than 32');
  const cipherSuite = r.u16('cipher_suite');
  const compressionMethod = r.u8('compression_method');
  const extensions = r.done ? { present: [] } : parseExtensions(r.vec16('extensions'));
  r.expectEnd('ServerHello');
  return { version, random, sessionId, cipherSuite, compressionMethod, extensions };
}

export function encodeServerHello(h: { version: number; random: Uint8Array; sessionId: Uint8Array; cipherSuite: number; extensions: [number, Uint8Array][] }): Uint8Array {
  const w = new ByteWriter(128);
  w.u16(h.version).bytes(h.random).vec8(h.sessionId).u16(h.cipherSuite).u8(0);
  writeExtensions(w, h.extensions);
  return w.finish();
}

/** Certificate: certificate_list<0..2^24-1> of ASN.1Cert<1..2^24-1> (RFC 5246 §7.4.2). */
export function parseCertificateList(body: Uint8Array): Uint8Array[] {
  const r = new ByteReader(body);
  const list = new ByteReader(r.vec24('certificate_list'));
  r.expectEnd('Certificate');
  const out: Uint8Array[] = [];
  while (!list.done) {
    const c = list.vec24('ASN.1Cert');
    if (c.length === 0) throw new DtlsError('malformed', 'empty certificate');
    out.push(c);
    if (out.length > 16) throw new DtlsError('malformed', 'certificate chain too long');
  }
  return out;
}

export function encodeCertificateList(certs: readonly Uint8Array[]): Uint8Array {
  const total = certs.reduce((n, c) => n + 3 + c.length, 0);
  const w = new ByteWriter(3 + total).u24(total);
  for (const c of certs) w.vec24(c);
  return w.finish();
}

/** ServerECDHParams (RFC 8422 §5.4): named_curve only. */
export interface EcdhParams {
  namedGroup: number;
  publicKey: Uint8Array;
  /** The raw params, which the signature covers. */
  raw: Uint8Array;
}

export interface ServerKeyExchange {
  params: EcdhParams;
  signatureScheme: number;
  signature: Uint8Array;
}

const CURVE_TYPE_NAMED = 3;

export function parseServerKeyExchange(body: Uint8Array): ServerKeyExchange {
  const r = new ByteReader(body);
  const curveType = r.u8('curve_type');
  if (curveType !== CURVE_TYPE_NAMED) throw new DtlsError('unsupported', 'only named_curve ECDH params');
  const namedGroup = r.u16('named_curve');
  const publicKey = r.vec8('ECPoint');
  if (publicKey.length === 0) throw new DtlsError('malformed', 'empty ECPoint');
  const raw = body.subarray(0, r.offset);
  const signatureScheme = r.u16('signature algorithm');
  const signature = r.vec16('signature');
  r.expectEnd('ServerKeyExchange');
  return { params: { namedGroup, publicKey, raw }, signatureScheme, signature };
}

export function encodeEcdhParams(namedGroup: number, publicKey: Uint8Array): Uint8Array {
  return new ByteWriter(4 + publicKey.length).u8(CURVE_TYPE_NAMED).u16(namedGroup).vec8(publicKey).finish();
}

export function encodeServerKeyExchange(params: Uint8Array, signatureScheme: number, signature: Uint8Array): Uint8Array {
  return new ByteWriter(params.length + 4 + signature.length).bytes(params).u16(signatureScheme).vec16(signature).finish();
}

export interface CertificateRequest {
  certificateTypes: number[];
  signatureSchemes: number[];
}

export const CLIENT_CERTIFICATE_TYPE = { rsaSign: 1, ecdsaSign: 64 } as const;

export function parseCertificateRequest(body: Uint8Array): CertificateRequest {
  const r = new ByteReader(body);
  const certificateTypes = Array.from(r.vec8('certificate_types'));
  const algs = r.vec16('supported_signature_algorithms');
  if (algs.length % 2) throw new DtlsError('malformed', 'supported_signature_algorithms');
  const signatureSchemes: number[] = [];
  for (let i = 0; i < algs.length; i += 2) signatureSchemes.push((algs[i] << 8) | algs[i + 1]);
  r.vec16('certificate_authorities'); // WebRTC peers are self-signed: the list is ignored.
  r.expectEnd('CertificateRequest');
  return { certificateTypes, signatureSchemes };
}

export function encodeCertificateRequest(types: readonly number[], schemes: readonly number[]): Uint8Array {
  const w = new ByteWriter(64).vec8(Uint8Array.from(types)).u16(schemes.length * 2);
  for (const s of schemes) w.u16(s);
  return w.u16(0).finish();
}

/** ClientKeyExchange for ECDHE: ClientECDiffieHellmanPublic, explicit point (RFC 8422 §5.7). */
export function parseClientKeyExchange(body: Uint8Array): Uint8Array {
  const r = new ByteReader(body);
  const point = r.vec8('ecdh_Yc');
  r.expectEnd('ClientKeyExchange');
  if (point.length === 0) throw new DtlsError('malformed', 'empty ecdh_Yc');
  return point;
}

export function encodeClientKeyExchange(publicKey: Uint8Array): Uint8Array {
  return new ByteWriter(1 + publicKey.length).vec8(publicKey).finish();
}

/** CertificateVerify / digitally-signed struct (RFC 5246 §4.7). */
export function parseDigitallySigned(body: Uint8Array, what: string): { signatureScheme: number; signature: Uint8Array } {
  const r = new ByteReader(body);
  const signatureScheme = r.u16('signature algorithm');
  const signature = r.vec16('signature');
  r.expectEnd(what);
  return { signatureScheme, signature };
}

export function encodeDigitallySigned(signatureScheme: number, signature: Uint8Array): Uint8Array {
  return new ByteWriter(4 + signature.length).u16(signatureScheme).vec16(signature).finish();
}
