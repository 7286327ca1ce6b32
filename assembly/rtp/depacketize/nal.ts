// Shared H.264 / H.265 depacketisation into an Annex-B access unit (4-byte start codes):
// single NAL unit packets, aggregation packets (STAP-A; AP) and fragmentation units
// (FU-A; FU) per RFC 6184 §5.6-5.8 and RFC 7798 §4.4. Interleaved-mode packets (STAP-B,
// MTAP, FU-B) and PACI are not part of packetization-mode 1 / WebRTC: rejected.
import { ERR_MALFORMED } from '../../abi';
import { load16be } from '../bytes';
import {
  frameAppend, frameAppendByte, frameAppendStartCode, framePos, frameRoom, inPayload, inPayloadLen, loadPacket,
} from '../packets';
import {
  CLEAN_FIRST_SLICE, CLEAN_NO, CLEAN_PROVEN, INFO_CLEAN_START, INFO_KEYFRAME, INFO_REASON, REASON_DESCRIPTOR, REASON_EMPTY, REASON_FRAGMENT, REASON_NOT_START, setInfo,
} from '../regions';
import { isKeyUnit } from '../packetize/nal';

let inFragment = false;
let keyFound = false;
let unitsSeen = 0;

// A frame provably starts at its first packet when that opens with an access unit
// delimiter or a parameter set (H.264 §7.4.1.2.3, H.265 §7.4.2.4.4 order). Opening with
// the first slice of a picture (first_mb_in_slice = 0: ue(v) '1', H.264 §7.3.3;
// first_slice_segment_in_pic_flag = 1, H.265 §7.3.6.1) starts the picture, though its
// parameter sets may have been lost before it. sliceByte is the byte after the NAL
// header (-1 when the unit has none).
function noteUnit(t: u32, h265: bool, sliceByte: i32): void {
  if (unitsSeen++ == 0) {
    const vcl = h265 ? t <= 31 : t >= 1 && t <= 5;
    const firstSlice = vcl && sliceByte >= 0 && (sliceByte & 0x80) != 0;
    const opens = h265 ? t == 35 || t == 32 : t == 9 || t == 7;
    setInfo(INFO_CLEAN_START, opens ? CLEAN_PROVEN : firstSlice ? CLEAN_FIRST_SLICE : CLEAN_NO);
  }
}

function fail(reason: i32): i32 {
  setInfo(INFO_REASON, reason);
  return ERR_MALFORMED;
}

function emitUnit(p: usize, n: i32, h265: bool): i32 {
  const hdr: i32 = h265 ? 2 : 1;
  if (n < hdr) return fail(REASON_DESCRIPTOR); // zero-length or header-less NAL unit
  if (load<u8>(p) & 0x80) return fail(REASON_DESCRIPTOR); // forbidden_zero_bit
  if (!frameRoom(n + 4)) return ERR_MALFORMED;
  const t = h265 ? (<u32>load<u8>(p) >>> 1) & 0x3f : <u32>load<u8>(p) & 0x1f;
  // Only real NAL unit types may be emitted: an aggregated unit cannot itself be an
  // aggregation or fragment (RFC 6184 §5.7, RFC 7798 §4.4.2).
  if (h265 ? t > 47 : t == 0 || t > 23) return fail(REASON_DESCRIPTOR);
  if (isKeyUnit(t, h265)) keyFound = true;
  noteUnit(t, h265, n > hdr ? <i32>load<u8>(p + <usize>hdr) : -1);
  frameAppendStartCode();
  frameAppend(p, n);
  return 0;
}

function depacketizeOne(p: usize, len: i32, first: bool, h265: bool): i32 {
  const hdr: i32 = h265 ? 2 : 1;
  if (len < hdr) return fail(REASON_DESCRIPTOR);
  const b0 = <u32>load<u8>(p);
  const t = h265 ? (b0 >>> 1) & 0x3f : b0 & 0x1f;
  const aggregate: u32 = h265 ? 48 : 24;
  const fragment: u32 = h265 ? 49 : 28;
  if (t == fragment) {
    if (len < hdr + 2) return fail(REASON_DESCRIPTOR); // FU header and at least one byte
    const fu = <u32>load<u8>(p + <usize>hdr);
    const start = (fu & 0x80) != 0;
    const end = (fu & 0x40) != 0;
    if (start && end) return fail(REASON_DESCRIPTOR); // RFC 6184 §5.8, RFC 7798 §4.4.3
    const n = len - hdr - 1;
    if (start) {
      if (inFragment) return fail(REASON_FRAGMENT); // previous unit never ended
      const ft = fu & 0x3f & (h265 ? 0x3f : 0x1f);
      if (!frameRoom(4 + hdr + n)) return ERR_MALFORMED;
      if (isKeyUnit(ft, h265)) keyFound = true;
      noteUnit(ft, h265, n > 0 ? <i32>load<u8>(p + <usize>hdr + 1) : -1);
      frameAppendStartCode();
      if (h265) {
        frameAppendByte((b0 & 0x81) | (ft << 1));
        frameAppendByte(load<u8>(p + 1));
      } else {
        frameAppendByte((b0 & 0xe0) | ft);
      }
      inFragment = true;
    } else {
      if (!inFragment) return fail(first ? REASON_NOT_START : REASON_FRAGMENT);
      if (!frameRoom(n)) return ERR_MALFORMED;
    }
    frameAppend(p + <usize>hdr + 1, n);
    if (end) inFragment = false;
    return 0;
  }
  if (inFragment) return fail(REASON_FRAGMENT); // a new unit while one is still open
  if (t == aggregate) {
    let o = hdr;
    let units = 0;
    while (o < len) {
      if (o + 2 > len) return fail(REASON_DESCRIPTOR);
      const n = <i32>load16be(p + <usize>o);
      o += 2;
      if (n == 0 || o + n > len) return fail(REASON_DESCRIPTOR); // lying or zero size
      const r = emitUnit(p + <usize>o, n, h265);
      if (r < 0) return r;
      o += n;
      units++;
    }
    return units > 0 ? 0 : fail(REASON_DESCRIPTOR);
  }
  if (h265 ? t > 47 : t == 0 || t > 23) return fail(REASON_DESCRIPTOR);
  return emitUnit(p, len, h265);
}

export function depacketizeNal(count: i32, h265: bool): i32 {
  inFragment = false;
  keyFound = false;
  unitsSeen = 0;
  for (let i = 0; i < count; i++) {
    const r = loadPacket(i);
    if (r < 0) return r;
    const d = depacketizeOne(inPayload, inPayloadLen, i == 0, h265);
    if (d < 0) return d;
  }
  if (inFragment) return fail(REASON_FRAGMENT); // the last unit never ended
  if (framePos == 0) return fail(REASON_EMPTY);
  setInfo(INFO_KEYFRAME, keyFound ? 1 : 0);
  return 0;
}
