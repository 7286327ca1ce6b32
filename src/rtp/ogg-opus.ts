// Ogg Opus (RFC 7845) over Ogg pages (RFC 3533): reading for tests, writing for
// recordings. One audio packet per page keeps granule positions exact and simple.
import { RtpError } from './errors.js';
import { concat } from './ivf.js';

// RFC 3533 §6: CRC-32 with polynomial 0x04c11db7, not reflected, initial 0, no final xor.
const OGG_CRC = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let k = 0; k < 8; k++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    t[i] = r >>> 0;
  }
  return t;
})();

function oggCrc(bytes: Uint8Array): number {
  let c = 0;
  for (let i = 0; i < bytes.length; i++) c = ((c << 8) ^ OGG_CRC[((c >>> 24) ^ bytes[i]) & 0xff]) >>> 0;
  return c;
}

/** Samples at 48 kHz in one Opus packet, from its TOC byte (RFC 6716 §3.1). */
export function opusPacketSamples(packet: Uint8Array): number {
  if (packet.length < 1) return 0;
  const config = packet[0] >> 3;
  let frame: number; // in 1/400 s (2.5 ms) units
  if (config < 12) frame = [4, 8, 16, 24][config & 3];
  else if (config < 16) frame = [4, 8][config & 1];
  else frame = [1, 2, 4, 8][config & 3];
  const code = packet[0] & 3;
  const frames = code === 0 ? 1 : code < 3 ? 2 : packet.length > 1 ? packet[1] & 0x3f : 0;
  return frames * frame * 120;
}

export interface OggOpusHead {
  channels: number;
  preSkip: number;
  inputSampleRate: number;
  outputGain: number;
  mappingFamily: number;
}

export interface OggOpusFile {
  head: OggOpusHead;
  /** Audio packets, in order (OpusHead and OpusTags excluded). */
  packets: Uint8Array[];
}

/** Reads the Opus packets of an Ogg Opus file (first logical stream). */
export function readOggOpus(bytes: Uint8Array): OggOpusFile {
  const packets: Uint8Array[] = [];
  let partial: Uint8Array[] = [];
  let o = 0;
  let serial: number | undefined;
  while (o + 27 <= bytes.length) {
    if (bytes[o] !== 0x4f || bytes[o + 1] !== 0x67 || bytes[o + 2] !== 0x67 || bytes[o + 3] !== 0x53) {
      throw new RtpError('malformed-container', `no Ogg page at byte ${o}`);
    }
    const dv = new DataView(bytes.buffer, bytes.byteOffset + o, 27);
    const pageSerial = dv.getUint32(14, true);
    const segments = bytes[o + 26];
    if (o + 27 + segments > bytes.length) throw new RtpError('malformed-container', 'Ogg lacing table runs past the end');
    const lacing = bytes.subarray(o + 27, o + 27 + segments);
    let body = o + 27 + segments;
    let bodyLen = 0;
    for (const l of lacing) bodyLen += l;
    if (body + bodyLen > bytes.length) throw new RtpError('malformed-container', 'Ogg page body runs past the end');
    if (serial === undefined) serial = pageSerial;
    if (pageSerial === serial) {
      let start = body;
      for (const l of lacing) {
        body += l;
        if (l < 255) {
          partial.push(bytes.subarray(start, body));
          packets.push(partial.length === 1 ? partial[0] : concat(partial));
          partial = [];
          start = body;
        }
      }
      if (start < body) partial.push(bytes.subarray(start, body));
    }
    o = o + 27 + segments + bodyLen;
  }
  if (packets.length < 2) throw new RtpError('malformed-container', 'Ogg Opus needs OpusHead and OpusTags (RFC 7845 §5)');
  const h = packets[0];
  if (h.length < 19 || new TextDecoder().decode(h.subarray(0, 8)) !== 'OpusHead') {
    throw new RtpError('malformed-container', 'first Ogg packet is not OpusHead');
  }
  const hv = new DataView(h.buffer, h.byteOffset, h.byteLength);
  return {
    head: {
      channels: h[9],
      preSkip: hv.getUint16(10, true),
      inputSampleRate: hv.getUint32(12, true),
      outputGain: hv.getInt16(16, true),
      mappingFamily: h[18],
    },
    packets: packets.slice(2),
  };
}

/** Writes an Ogg Opus file (channel mapping family 0: mono or stereo). */
export class OggOpusWriter {
  private readonly pages: Uint8Array[] = [];
  private pageSeq = 0;
  private granule: number;
  private pending: Uint8Array | undefined;

  constructor(
    private readonly opts: { channels?: number; preSkip?: number; inputSampleRate?: number; serial?: number } = {},
  ) {
    const channels = opts.channels ?? 2;
    if (channels !== 1 && channels !== 2) throw new DOMException('OggOpusWriter writes mono or stereo (mapping family 0)', 'RangeError');
    const head = new Uint8Array(19);
    const dv = new DataView(head.buffer);
    head.set(new TextEncoder().encode('OpusHead'));
    head[8] = 1; // version
    head[9] = channels;
    dv.setUint16(10, opts.preSkip ?? 312, true);
    dv.setUint32(12, opts.inputSampleRate ?? 48000, true);
    dv.setInt16(16, 0, true);
    head[18] = 0;
    this.granule = 0;
    this.page([head], 0, 0x02); // RFC 7845 §3: OpusHead alone on the first page (BOS)
    const vendor = new TextEncoder().encode('omnirtc');
    const tags = new Uint8Array(8 + 4 + vendor.length + 4);
    tags.set(new TextEncoder().encode('OpusTags'));
    new DataView(tags.buffer).setUint32(8, vendor.length, true);
    tags.set(vendor, 12);
    this.page([tags], 0, 0);
  }

  addPacket(packet: Uint8Array): void {
    // Held back one packet so the last page can carry the end-of-stream flag.
    if (this.pending) this.flushPending(0);
    this.pending = packet.slice();
  }

  finish(): Uint8Array {
    if (this.pending) this.flushPending(0x04);
    return concat(this.pages);
  }

  private flushPending(flags: number): void {
    const p = this.pending!;
    this.pending = undefined;
    this.granule += opusPacketSamples(p);
    this.page([p], this.granule, flags);
  }

  private page(packets: Uint8Array[], granule: number, flags: number): void {
    const lacing: number[] = [];
    for (const p of packets) {
      let n = p.length;
      while (n >= 255) {
        lacing.push(255);
        n -= 255;
      }
      lacing.push(n);
    }
    if (lacing.length > 255) throw new DOMException('an Ogg page holds at most 255 lacing values', 'RangeError');
    const header = new Uint8Array(27 + lacing.length);
    const dv = new DataView(header.buffer);
    header.set([0x4f, 0x67, 0x67, 0x53]); // OggS
    header[4] = 0;
    header[5] = flags;
    dv.setUint32(6, granule % 0x100000000, true);
    dv.setUint32(10, Math.floor(granule / 0x100000000), true);
    dv.setUint32(14, this.opts.serial ?? 0x6f6d6e69, true);
    dv.setUint32(18, this.pageSeq++, true);
    header[26] = lacing.length;
    header.set(lacing, 27);
    const page = concat([header, ...packets]);
    new DataView(page.buffer).setUint32(22, oggCrc(page), true);
    this.pages.push(page);
  }
}
