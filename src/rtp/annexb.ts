// Annex-B byte streams for H.264 (ITU-T H.264 Annex B) and H.265 (H.265 Annex B): NAL
// units behind 00 00 01 / 00 00 00 01 start codes. Reading splits a stream into access
// units (§7.4.1.2.3 / §7.4.2.4.4) so recordings and tests can feed a packetiser frame by
// frame; writing concatenates access units as the depacketiser emits them.
import { concat } from './ivf.js';

/** The NAL units of an Annex-B buffer (views, start codes and trailing zero bytes removed). */
export function splitAnnexB(bytes: Uint8Array): Uint8Array[] {
  const units: Uint8Array[] = [];
  let start = -1;
  const push = (s: number, e: number): void => {
    while (e > s && bytes[e - 1] === 0) e--;
    if (e > s) units.push(bytes.subarray(s, e));
  };
  for (let i = 0; i + 2 < bytes.length; i++) {
    if (bytes[i] === 0 && bytes[i + 1] === 0 && bytes[i + 2] === 1) {
      if (start >= 0) push(start, i);
      start = i + 3;
      i += 2;
    }
  }
  if (start >= 0) push(start, bytes.length);
  return units;
}

function startsAccessUnit(unit: Uint8Array, codec: 'h264' | 'h265', vclSeen: boolean): boolean {
  if (codec === 'h264') {
    const t = unit[0] & 0x1f;
    // first_mb_in_slice == 0 (ue(v) '1') marks the first slice of a picture.
    if (t >= 1 && t <= 5) return vclSeen && unit.length > 1 && (unit[1] & 0x80) !== 0;
    return vclSeen && (t === 6 || t === 7 || t === 8 || t === 9 || (t >= 14 && t <= 18));
  }
  const t = (unit[0] >> 1) & 0x3f;
  // first_slice_segment_in_pic_flag is the first bit after the 2-byte header.
  if (t <= 31) return vclSeen && unit.length > 2 && (unit[2] & 0x80) !== 0;
  return vclSeen && (t === 32 || t === 33 || t === 34 || t === 35 || t === 39 || (t >= 41 && t <= 44) || (t >= 48 && t <= 55));
}

function isVcl(unit: Uint8Array, codec: 'h264' | 'h265'): boolean {
  if (codec === 'h264') {
    const t = unit[0] & 0x1f;
    return t >= 1 && t <= 5;
  }
  return ((unit[0] >> 1) & 0x3f) <= 31;
}

/** Splits an Annex-B elementary stream into access units, each Annex-B framed (4-byte start codes). */
export function readAnnexBAccessUnits(bytes: Uint8Array, codec: 'h264' | 'h265'): Uint8Array[] {
  const aus: Uint8Array[][] = [];
  let current: Uint8Array[] = [];
  let vclSeen = false;
  for (const u of splitAnnexB(bytes)) {
    if (current.length > 0 && startsAccessUnit(u, codec, vclSeen)) {
      aus.push(current);
      current = [];
      vclSeen = false;
    }
    current.push(u);
    if (isVcl(u, codec)) vclSeen = true;
  }
  if (current.length > 0) aus.push(current);
  return aus.map(writeAnnexB);
}

/** Annex-B frames a list of NAL units with 4-byte start codes. */
export function writeAnnexB(units: Uint8Array[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const sc = new Uint8Array([0, 0, 0, 1]);
  for (const u of units) parts.push(sc, u);
  return concat(parts);
}

/** Builds an Annex-B elementary stream from access units (already Annex-B framed). */
export class AnnexBWriter {
  private readonly parts: Uint8Array[] = [];
  addAccessUnit(au: Uint8Array): void {
    this.parts.push(au.slice());
  }
  finish(): Uint8Array {
    return concat(this.parts);
  }
}
