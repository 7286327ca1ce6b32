// Rewriting an RTP packet for one sender (RFC 3550 §5.1, RFC 8285 §4.2): our SSRC,
// the negotiated payload type, our sequence number, and our own header extensions
// (a source's extension ids mean nothing to this peer, so they are replaced).
export interface HeaderExtensionValue {
  id: number;
  data: Uint8Array;
}

/** Offset of the payload (after CSRCs and any extension); -1 when the header is malformed. */
export function rtpPayloadOffset(p: Uint8Array): number {
  if (p.length < 12) return -1;
  let off = 12 + (p[0] & 0x0f) * 4;
  if (p[0] & 0x10) {
    if (p.length < off + 4) return -1;
    off += 4 + ((p[off + 2] << 8) | p[off + 3]) * 4;
  }
  return off <= p.length ? off : -1;
}

/** Encodes extensions in the one-byte form when ids ≤ 14 and data ≤ 16 bytes, else two-byte (RFC 8285 §4.2–4.3). */
export function encodeHeaderExtensions(exts: readonly HeaderExtensionValue[]): Uint8Array {
  if (exts.length === 0) return new Uint8Array(0);
  const oneByte = exts.every((e) => e.id >= 1 && e.id <= 14 && e.data.length >= 1 && e.data.length <= 16);
  let body = 0;
  for (const e of exts) body += (oneByte ? 1 : 2) + e.data.length;
  const padded = (body + 3) & ~3;
  const out = new Uint8Array(4 + padded);
  out[0] = oneByte ? 0xbe : 0x10;
  out[1] = oneByte ? 0xde : 0x00;
  out[2] = (padded / 4) >> 8;
  out[3] = (padded / 4) & 0xff;
  let o = 4;
  for (const e of exts) {
    if (oneByte) out[o++] = (e.id << 4) | (e.data.length - 1);
    else {
      out[o++] = e.id;
      out[o++] = e.data.length;
    }
    out.set(e.data, o);
    o += e.data.length;
  }
  return out;
}

/** Reads header extensions (both forms); empty when there are none or they are malformed. */
export function readHeaderExtensions(p: Uint8Array): HeaderExtensionValue[] {
  if (p.length < 12 || !(p[0] & 0x10)) return [];
  const start = 12 + (p[0] & 0x0f) * 4;
  if (p.length < start + 4) return [];
  const profile = (p[start] << 8) | p[start + 1];
  const end = start + 4 + ((p[start + 2] << 8) | p[start + 3]) * 4;
  if (end > p.length) return [];
  const out: HeaderExtensionValue[] = [];
  let o = start + 4;
  if (profile === 0xbede) {
    while (o < end) {
      const b = p[o];
      if (b === 0) {
        o++;
        continue;
      }
      const id = b >> 4;
      const len = (b & 0x0f) + 1;
      if (id === 15 || o + 1 + len > end) break; // RFC 8285 §4.2: id 15 stops parsing
      out.push({ id, data: p.subarray(o + 1, o + 1 + len) });
      o += 1 + len;
    }
  } else if ((profile & 0xfff0) === 0x1000) {
    while (o < end) {
      const id = p[o];
      if (id === 0) {
        o++;
        continue;
      }
      if (o + 2 > end) break;
      const len = p[o + 1];
      if (o + 2 + len > end) break;
      out.push({ id, data: p.subarray(o + 2, o + 2 + len) });
      o += 2 + len;
    }
  }
  return out;
}

export interface RewriteFields {
  ssrc: number;
  payloadType: number;
  sequenceNumber: number;
  /** Timestamp to write, or undefined to keep the packet's. */
  timestamp?: number;
  extensions: readonly HeaderExtensionValue[];
}

/** A new packet: original marker, padding bit, CSRCs and payload; our fields and extensions. */
export function rewriteRtp(p: Uint8Array, f: RewriteFields): Uint8Array | undefined {
  const payloadAt = rtpPayloadOffset(p);
  if (payloadAt < 0) return undefined;
  const csrcBytes = (p[0] & 0x0f) * 4;
  const ext = encodeHeaderExtensions(f.extensions);
  const headerLen = 12 + csrcBytes + ext.length;
  const out = new Uint8Array(headerLen + p.length - payloadAt);
  out[0] = (p[0] & 0xef) | (ext.length > 0 ? 0x10 : 0);
  out[1] = (p[1] & 0x80) | (f.payloadType & 0x7f);
  const view = new DataView(out.buffer);
  view.setUint16(2, f.sequenceNumber & 0xffff);
  view.setUint32(4, f.timestamp !== undefined ? f.timestamp >>> 0 : new DataView(p.buffer, p.byteOffset).getUint32(4));
  view.setUint32(8, f.ssrc >>> 0);
  out.set(p.subarray(12, 12 + csrcBytes), 12);
  out.set(ext, 12 + csrcBytes);
  out.set(p.subarray(payloadAt), headerLen);
  return out;
}
