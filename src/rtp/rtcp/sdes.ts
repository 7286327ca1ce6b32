// Source description (RFC 3550 §6.5): chunks of an SSRC and items, each chunk ended by a
// null item and padded to 32 bits.
import { misuse } from '../errors.js';
import { Reader, rtcpPacket, Writer } from './cursor.js';
import { RTCP_PT, type SdesItem, type SourceDescription } from './types.js';

const utf8 = new TextDecoder();
const utf8Encode = new TextEncoder();

export function parseSourceDescription(count: number, body: Uint8Array): SourceDescription {
  const r = new Reader(body);
  const chunks: SourceDescription['chunks'] = [];
  for (let c = 0; c < count; c++) {
    const ssrc = r.u32();
    const items: SdesItem[] = [];
    while (true) {
      const type = r.u8();
      if (type === 0) break; // end of the item list
      const len = r.u8();
      items.push({ type, text: utf8.decode(r.take(len, 'SDES item')) });
    }
    // Skip the null padding up to the next 32-bit boundary.
    while (r.pos & 3) r.u8();
    chunks.push({ ssrc, items });
  }
  return { type: 'sdes', chunks };
}

export function writeSourceDescription(p: SourceDescription): Uint8Array {
  if (p.chunks.length > 31) throw misuse('RangeError', 'an SDES packet carries at most 31 chunks (RFC 3550 §6.5)');
  const w = new Writer();
  for (const c of p.chunks) {
    w.u32(c.ssrc);
    for (const item of c.items) {
      const text = utf8Encode.encode(item.text);
      if (item.type < 1 || item.type > 255 || text.length > 255) {
        throw misuse('RangeError', 'SDES items have a type 1-255 and at most 255 bytes of text (RFC 3550 §6.5)');
      }
      w.u8(item.type).u8(text.length).bytes(text);
    }
    w.u8(0); // null item, then pad with nulls
    w.align();
  }
  return rtcpPacket(p.chunks.length, RTCP_PT.sdes, w.done());
}

/** The CNAME of the first chunk that has one (RFC 3550 §6.5.1). */
export function cnameOf(p: SourceDescription): string | undefined {
  for (const c of p.chunks) for (const i of c.items) if (i.type === 1) return i.text;
  return undefined;
}
