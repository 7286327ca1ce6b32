// IVF, the container libvpx and libaom write (VP8, VP9, AV1): a 32-byte file header then
// per frame a 12-byte header (size, 64-bit timestamp) and the frame. Little-endian.
import { RtpError } from './errors.js';

export type IvfFourcc = 'VP80' | 'VP90' | 'AV01';

export interface IvfHeader {
  fourcc: IvfFourcc | string;
  width: number;
  height: number;
  /** Time base: timestamps count in units of timebaseNumerator / timebaseDenominator seconds. */
  timebaseDenominator: number;
  timebaseNumerator: number;
  frameCount: number;
}

export interface IvfFrame {
  timestamp: number;
  data: Uint8Array;
}

export function readIvf(bytes: Uint8Array): { header: IvfHeader; frames: IvfFrame[] } {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 32 || String.fromCharCode(bytes[0], bytes[1], bytes[2], bytes[3]) !== 'DKIF') {
    throw new RtpError('malformed-container', 'not an IVF file (no DKIF signature)');
  }
  const headerSize = dv.getUint16(6, true);
  if (headerSize < 32 || headerSize > bytes.length) throw new RtpError('malformed-container', 'IVF header size is out of range');
  const header: IvfHeader = {
    fourcc: String.fromCharCode(bytes[8], bytes[9], bytes[10], bytes[11]),
    width: dv.getUint16(12, true),
    height: dv.getUint16(14, true),
    timebaseDenominator: dv.getUint32(16, true),
    timebaseNumerator: dv.getUint32(20, true),
    frameCount: dv.getUint32(24, true),
  };
  const frames: IvfFrame[] = [];
  let o = headerSize;
  while (o + 12 <= bytes.length) {
    const size = dv.getUint32(o, true);
    const timestamp = dv.getUint32(o + 4, true) + dv.getUint32(o + 8, true) * 0x100000000;
    o += 12;
    if (o + size > bytes.length) throw new RtpError('malformed-container', 'IVF frame runs past the end of the file');
    frames.push({ timestamp, data: bytes.subarray(o, o + size) });
    o += size;
  }
  return { header, frames };
}

/** Builds an IVF file incrementally. */
export class IvfWriter {
  private readonly chunks: Uint8Array[] = [];
  private count = 0;

  constructor(private readonly header: Omit<IvfHeader, 'frameCount'>) {
    if (header.fourcc.length !== 4) throw new DOMException('IVF fourcc is 4 characters (VP80, VP90, AV01)', 'TypeError');
  }

  addFrame(data: Uint8Array, timestamp: number): void {
    const h = new Uint8Array(12);
    const dv = new DataView(h.buffer);
    dv.setUint32(0, data.length, true);
    dv.setUint32(4, timestamp % 0x100000000, true);
    dv.setUint32(8, Math.floor(timestamp / 0x100000000), true);
    this.chunks.push(h, data.slice());
    this.count++;
  }

  /** The whole file. */
  finish(): Uint8Array {
    const head = new Uint8Array(32);
    const dv = new DataView(head.buffer);
    const f = this.header.fourcc;
    head.set([0x44, 0x4b, 0x49, 0x46]); // DKIF
    dv.setUint16(4, 0, true); // version
    dv.setUint16(6, 32, true);
    for (let i = 0; i < 4; i++) head[8 + i] = f.charCodeAt(i);
    dv.setUint16(12, this.header.width, true);
    dv.setUint16(14, this.header.height, true);
    dv.setUint32(16, this.header.timebaseDenominator, true);
    dv.setUint32(20, this.header.timebaseNumerator, true);
    dv.setUint32(24, this.count, true);
    return concat([head, ...this.chunks]);
  }
}

export function concat(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
