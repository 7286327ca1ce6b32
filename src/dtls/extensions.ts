// Hello extensions we understand (RFC 5246 §7.4.1.4). Unknown ones are ignored as the RFC
// requires of servers; a client refuses unsolicited ones in ServerHello (RFC 5246 §7.4.1.4).
import { ByteReader } from './byte-reader.js';
import { ByteWriter } from './byte-writer.js';
import { DtlsError } from './errors.js';

export const EXTENSION = {
  supportedGroups: 10, // RFC 8422 §5.1.1
  ecPointFormats: 11, // RFC 8422 §5.1.2
  signatureAlgorithms: 13, // RFC 5246 §7.4.1.4.1
  useSrtp: 14, // RFC 5764 §4.1.1
  extendedMasterSecret: 23, // RFC 7627 §5.1
  supportedVersions: 43, // RFC 8446 §4.2.1 (read only, to fall back from DTLS 1.3)
  renegotiationInfo: 0xff01, // RFC 5746 §3.2
} as const;

export const NAMED_GROUP = { secp256r1: 23, x25519: 29 } as const;
export const EC_POINT_FORMAT_UNCOMPRESSED = 0;

/** Decoded hello extensions; `present` lists every type seen, in order. */
export interface HelloExtensions {
  present: number[];
  supportedGroups?: number[];
  ecPointFormats?: number[];
  signatureAlgorithms?: number[];
  srtp?: { profiles: number[]; mki: Uint8Array };
  extendedMasterSecret?: boolean;
  renegotiationInfo?: Uint8Array;
  supportedVersions?: number[];
}

function u16List(data: Uint8Array, what: string, lengthBytes: 1 | 2): number[] {
  const r = new ByteReader(data);
  const body = lengthBytes === 2 ? r.vec16(what) : r.vec8(what);
  r.expectEnd(what);
  if (body.length % 2 !== 0) throw new DtlsError('malformed', `${what}: odd length`);
  const out: number[] = [];
  for (let i = 0; i < body.length; i += 2) out.push((body[i] << 8) | body[i + 1]);
  return out;
}

/** Parses the extensions block (the bytes after the u16 length). */
export function parseExtensions(block: Uint8Array): HelloExtensions {
  const r = new ByteReader(block);
  const ext: HelloExtensions = { present: [] };
  while (!r.done) {
    const type = r.u16('extension type');
    const data = r.vec16('extension data');
    // RFC 5246 §7.4.1.4: the same extension type twice is an error.
    if (ext.present.includes(type)) throw new DtlsError('malformed', `extension ${type} repeated`);
    if (ext.present.length >= 64) throw new DtlsError('malformed', 'too many extensions');
    ext.present.push(type);
    switch (type) {
      case EXTENSION.supportedGroups:
        ext.supportedGroups = u16List(data, 'supported_groups', 2);
        break;
      case EXTENSION.ecPointFormats: {
        const d = new ByteReader(data);
        ext.ecPointFormats = Array.from(d.vec8('ec_point_formats'));
        d.expectEnd('ec_point_formats');
        break;
      }
      case EXTENSION.signatureAlgorithms:
        ext.signatureAlgorithms = u16List(data, 'signature_algorithms', 2);
        break;
      case EXTENSION.useSrtp: {
        // RFC 5764 §4.1.1: SRTPProtectionProfiles<2..2^16-1> then srtp_mki<0..255>.
        const d = new ByteReader(data);
        const list = d.vec16('use_srtp profiles');
        const mki = d.vec8('use_srtp mki');
        d.expectEnd('use_srtp');
        if (list.length < 2 || list.length % 2) throw new DtlsError('malformed', 'use_srtp: bad profile list');
        const profiles: number[] = [];
        for (let i = 0; i < list.length; i += 2) profiles.push((list[i] << 8) | list[i + 1]);
        ext.srtp = { profiles, mki };
        break;
      }
      case EXTENSION.extendedMasterSecret:
        // RFC 7627 §5.1: extension_data is empty.
        if (data.length !== 0) throw new DtlsError('malformed', 'extended_master_secret with data');
        ext.extendedMasterSecret = true;
        break;
      case EXTENSION.renegotiationInfo: {
        const d = new ByteReader(data);
        ext.renegotiationInfo = d.vec8('renegotiation_info');
        d.expectEnd('renegotiation_info');
        break;
      }
      case EXTENSION.supportedVersions:
        // ClientHello form: versions<2..254> with a one-byte length (RFC 8446 §4.2.1).
        try {
          ext.supportedVersions = u16List(data, 'supported_versions', 1);
        } catch {
          ext.supportedVersions = [];
        }
        break;
      default:
        break;
    }
  }
  return ext;
}

/** Writes the extensions block including its u16 length; nothing at all when empty (RFC 5246 §7.4.1.2). */
export function writeExtensions(w: ByteWriter, items: [number, Uint8Array][]): void {
  if (items.length === 0) return;
  w.block16((b) => {
    for (const [type, data] of items) b.u16(type).vec16(data);
  });
}

export function u16ListBody(values: readonly number[], lengthBytes: 1 | 2): Uint8Array {
  const w = new ByteWriter();
  if (lengthBytes === 2) w.u16(values.length * 2);
  else w.u8(values.length * 2);
  for (const v of values) w.u16(v);
  return w.finish();
}

export function useSrtpBody(profiles: readonly number[], mki: Uint8Array = new Uint8Array(0)): Uint8Array {
  const w = new ByteWriter();
  w.u16(profiles.length * 2);
  for (const p of profiles) w.u16(p);
  return w.vec8(mki).finish();
}
