// Typed encoders/decoders for the attribute values STUN, ICE and TURN use. Decoders
// throw StunError on malformed values; the engines catch and count.
import { type TransportAddress, formatIPv4, formatIPv6, ipBytes } from './address.js';
import { MAGIC_COOKIE } from './constants.js';
import { StunError } from './errors.js';

const utf8 = new TextEncoder();
const utf8d = new TextDecoder('utf-8', { fatal: true });

/** RFC 8489 §14.1: MAPPED-ADDRESS (family 0x01 IPv4, 0x02 IPv6). */
export function decodeAddress(v: Uint8Array): TransportAddress {
  if (v.length < 4) throw new StunError('STUN_BAD_ADDRESS', 'address attribute too short');
  const fam = v[1];
  const port = (v[2] << 8) | v[3];
  if (fam === 1 && v.length === 8) return { address: formatIPv4(v.subarray(4, 8)), port, family: 4 };
  if (fam === 2 && v.length === 20) return { address: formatIPv6(v.subarray(4, 20)), port, family: 6 };
  throw new StunError('STUN_BAD_ADDRESS', `bad address family ${fam} / length ${v.length}`);
}

export function encodeAddress(a: TransportAddress): Uint8Array {
  const ip = ipBytes(a);
  const out = new Uint8Array(4 + ip.length);
  out[1] = a.family === 4 ? 1 : 2;
  out[2] = a.port >> 8;
  out[3] = a.port & 0xff;
  out.set(ip, 4);
  return out;
}

/** RFC 8489 §14.2: XOR-MAPPED-ADDRESS (and TURN's XOR-PEER/RELAYED-ADDRESS). */
export function decodeXorAddress(v: Uint8Array, transactionId: Uint8Array): TransportAddress {
  const x = xorAddressBytes(v, transactionId);
  return decodeAddress(x);
}

export function encodeXorAddress(a: TransportAddress, transactionId: Uint8Array): Uint8Array {
  return xorAddressBytes(encodeAddress(a), transactionId);
}

function xorAddressBytes(v: Uint8Array, tid: Uint8Array): Uint8Array {
  if (v.length !== 8 && v.length !== 20) throw new StunError('STUN_BAD_ADDRESS', `bad XOR address length ${v.length}`);
  const out = v.slice();
  out[2] ^= MAGIC_COOKIE >>> 24;
  out[3] ^= (MAGIC_COOKIE >>> 16) & 0xff;
  const pad = [0x21, 0x12, 0xa4, 0x42];
  for (let i = 4; i < out.length; i++) out[i] ^= i < 8 ? pad[i - 4] : tid[i - 8];
  return out;
}

/** RFC 8489 §14.8: ERROR-CODE. */
export interface StunErrorCodeValue {
  readonly code: number;
  readonly reason: string;
}

export function decodeErrorCode(v: Uint8Array): StunErrorCodeValue {
  if (v.length < 4) throw new StunError('STUN_BAD_ATTRIBUTE', 'ERROR-CODE too short');
  const cls = v[2] & 0x07;
  const num = v[3];
  if (cls < 3 || cls > 6 || num > 99) throw new StunError('STUN_BAD_ATTRIBUTE', 'ERROR-CODE out of range');
  let reason = '';
  try {
    reason = utf8d.decode(v.subarray(4));
  } catch {
    reason = '';
  }
  return { code: cls * 100 + num, reason };
}

export function encodeErrorCode(code: number, reason: string): Uint8Array {
  const r = utf8.encode(reason);
  const out = new Uint8Array(4 + r.length);
  out[2] = Math.floor(code / 100);
  out[3] = code % 100;
  out.set(r, 4);
  return out;
}

/** RFC 8489 §14.9: UNKNOWN-ATTRIBUTES, a list of 16-bit types. */
export function decodeUnknownAttributes(v: Uint8Array): number[] {
  if ((v.length & 1) !== 0) throw new StunError('STUN_BAD_ATTRIBUTE', 'UNKNOWN-ATTRIBUTES odd length');
  const out: number[] = [];
  for (let i = 0; i < v.length; i += 2) out.push((v[i] << 8) | v[i + 1]);
  return out;
}

export function encodeUnknownAttributes(types: readonly number[]): Uint8Array {
  const out = new Uint8Array(types.length * 2);
  types.forEach((t, i) => {
    out[2 * i] = t >> 8;
    out[2 * i + 1] = t & 0xff;
  });
  return out;
}

export function encodeU32(n: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n >>> 0);
  return out;
}

export function decodeU32(v: Uint8Array): number {
  if (v.length !== 4) throw new StunError('STUN_BAD_ATTRIBUTE', 'expected a 4-byte value');
  return new DataView(v.buffer, v.byteOffset, 4).getUint32(0);
}

/** RFC 8445 §7.1.3: ICE-CONTROLLING / ICE-CONTROLLED carry a 64-bit tie-breaker. */
export function encodeU64(n: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt.asUintN(64, n));
  return out;
}

export function decodeU64(v: Uint8Array): bigint {
  if (v.length !== 8) throw new StunError('STUN_BAD_ATTRIBUTE', 'expected an 8-byte value');
  return new DataView(v.buffer, v.byteOffset, 8).getBigUint64(0);
}

export function encodeText(s: string): Uint8Array {
  return utf8.encode(s);
}

export function decodeText(v: Uint8Array): string {
  try {
    return utf8d.decode(v);
  } catch {
    throw new StunError('STUN_BAD_ATTRIBUTE', 'text attribute is not UTF-8');
  }
}

/** RFC 8656 §18.4/§18.5 REQUESTED-TRANSPORT: protocol number then RFFU. */
export function encodeRequestedTransport(protocol: number): Uint8Array {
  return new Uint8Array([protocol, 0, 0, 0]);
}

/** RFC 8656 §18.1 CHANNEL-NUMBER: 16-bit number then RFFU. */
export function encodeChannelNumber(n: number): Uint8Array {
  return new Uint8Array([n >> 8, n & 0xff, 0, 0]);
}

export function decodeChannelNumber(v: Uint8Array): number {
  if (v.length !== 4) throw new StunError('STUN_BAD_ATTRIBUTE', 'CHANNEL-NUMBER must be 4 bytes');
  return (v[0] << 8) | v[1];
}
