// Application-defined RTCP (RFC 3550 §6.7).
import { misuse } from '../errors.js';
import { Reader, rtcpPacket, Writer } from './cursor.js';
import { type ApplicationDefined, RTCP_PT } from './types.js';

export function parseApplicationDefined(subtype: number, body: Uint8Array): ApplicationDefined {
  const r = new Reader(body);
  const ssrc = r.u32();
  const name = String.fromCharCode(...r.take(4, 'APP name'));
  return { type: 'app', subtype, ssrc, name, data: r.take(r.left, 'APP data') };
}

export function writeApplicationDefined(p: ApplicationDefined): Uint8Array {
  if (p.name.length !== 4 || !/^[\x20-\x7e]{4}$/.test(p.name)) throw misuse('TypeError', 'an APP name is four ASCII characters (RFC 3550 §6.7)');
  if (p.data.length % 4 !== 0) throw misuse('RangeError', 'APP data is a multiple of 32 bits (RFC 3550 §6.7)');
  if (p.subtype < 0 || p.subtype > 31) throw misuse('RangeError', 'APP subtype is 0-31');
  const w = new Writer(8 + p.data.length);
  w.u32(p.ssrc);
  for (let i = 0; i < 4; i++) w.u8(p.name.charCodeAt(i));
  w.bytes(p.data);
  return rtcpPacket(p.subtype, RTCP_PT.app, w.done());
}
