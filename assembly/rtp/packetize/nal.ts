// Shared H.264 / H.265 packetisation: an Annex-B access unit becomes single NAL unit
// packets, aggregation packets for runs of small units (H.264 STAP-A, RFC 6184 §5.7.1;
// H.265 AP, RFC 7798 §4.4.2) and fragmentation units for large ones (FU-A, RFC 6184
// §5.8; FU, RFC 7798 §4.4.3). Parameter sets cached by the host are spliced in front of
// a keyframe that lacks them (RFC 6184 §8.4, RFC 7798 §7.2: they must reach the decoder).
import { ERR_MALFORMED, ERR_NO_CAPACITY } from '../../abi';
import { store16be } from '../bytes';
import { MAX_UNITS, SPLICE_BASE, scanAnnexB, setUnit, unitLen, unitPtr } from '../annexb';
import { closePacket, maxPayload, openPacket } from '../packets';
import {
  FRAME_REGION, INFO_KEYFRAME, INFO_PARAM_COUNT, INFO_PARAM_FIRST, PARAM_REGION, PARAM_REGION_SIZE, setInfo,
} from '../regions';

// @ts-ignore: decorator
@inline
function nalType(p: usize, h265: bool): u32 {
  return h265 ? (<u32>load<u8>(p) >>> 1) & 0x3f : <u32>load<u8>(p) & 0x1f;
}

// H.264: IDR (5). H.265: IRAP, types 16-23 (RFC 7798 §1.1.4).
export function isKeyUnit(t: u32, h265: bool): bool {
  return h265 ? t >= 16 && t <= 23 : t == 5;
}

// Bit per parameter-set kind: H.264 SPS 7, PPS 8; H.265 VPS 32, SPS 33, PPS 34.
function paramBit(t: u32, h265: bool): i32 {
  if (h265) return t == 32 ? 1 : t == 33 ? 2 : t == 34 ? 4 : 0;
  return t == 7 ? 2 : t == 8 ? 4 : 0;
}

function isAccessUnitDelimiter(t: u32, h265: bool): bool {
  return h265 ? t == 35 : t == 9;
}

function sendSingle(ptr: usize, len: i32): i32 {
  const p = openPacket();
  if (p == 0) return ERR_NO_CAPACITY;
  memory.copy(p, ptr, <usize>len);
  closePacket(len);
  return 0;
}

function sendAggregate(first: i32, end: i32, h265: bool): i32 {
  const p = openPacket();
  if (p == 0) return ERR_NO_CAPACITY;
  const hdr: i32 = h265 ? 2 : 1;
  let o = hdr;
  let f: u32 = 0;
  let nri: u32 = 0;
  let layer: u32 = 63;
  let tid: u32 = 7;
  for (let i = first; i < end; i++) {
    const u = unitPtr(i);
    const n = unitLen(i);
    const b0 = <u32>load<u8>(u);
    f |= b0 & 0x80;
    if (h265) {
      const b1 = <u32>load<u8>(u + 1);
      layer = min(layer, ((b0 & 1) << 5) | (b1 >>> 3));
      tid = min(tid, b1 & 7);
    } else {
      nri = max(nri, b0 & 0x60);
    }
    store16be(p + <usize>o, <u32>n); // NALU size
    memory.copy(p + <usize>o + 2, u, <usize>n);
    o += 2 + n;
  }
  if (h265) {
    // RFC 7798 §4.4.2: type 48, lowest LayerId and TID of the aggregated units.
    store<u8>(p, <u8>(f | (48 << 1) | (layer >>> 5)));
    store<u8>(p + 1, <u8>(((layer & 0x1f) << 3) | tid));
  } else {
    store<u8>(p, <u8>(f | nri | 24)); // RFC 6184 §5.7.1: F OR, NRI max, type 24
  }
  closePacket(o);
  return 0;
}

function sendFragmented(ptr: usize, len: i32, h265: bool): i32 {
  const hdr: i32 = h265 ? 2 : 1;
  const fuHdr: i32 = hdr + 1;
  const room = maxPayload() - fuHdr;
  const t = nalType(ptr, h265);
  let off = hdr; // the NAL header is carried by the FU headers instead
  while (off < len) {
    const p = openPacket();
    if (p == 0) return ERR_NO_CAPACITY;
    const n = min(room, len - off);
    const s: u32 = off == hdr ? 0x80 : 0;
    const e: u32 = off + n == len ? 0x40 : 0;
    if (h265) {
      store<u8>(p, <u8>((<u32>load<u8>(ptr) & 0x81) | (49 << 1)));
      store<u8>(p + 1, load<u8>(ptr + 1));
    } else {
      store<u8>(p, <u8>((<u32>load<u8>(ptr) & 0xe0) | 28));
    }
    store<u8>(p + <usize>hdr, <u8>(s | e | t));
    memory.copy(p + <usize>fuHdr, ptr + <usize>off, <usize>n);
    closePacket(fuHdr + n);
    off += n;
  }
  return 0;
}

export function packetizeNal(frameLen: i32, paramLen: i32, h265: bool): i32 {
  const hdr: i32 = h265 ? 2 : 1;
  if (maxPayload() < hdr + 2 + 1) return ERR_NO_CAPACITY;
  let n = scanAnnexB(FRAME_REGION, frameLen, 0, MAX_UNITS);
  if (n == -2) return ERR_MALFORMED; // not Annex-B
  if (n < 0) return ERR_NO_CAPACITY;
  let key = false;
  let haveParams = 0;
  let found = 0;
  for (let i = 0; i < n; i++) {
    if (unitLen(i) < hdr) return ERR_MALFORMED;
    const t = nalType(unitPtr(i), h265);
    if (isKeyUnit(t, h265)) key = true;
    const bit = paramBit(t, h265);
    if (bit != 0) {
      haveParams |= bit;
      if (found < 3) {
        setInfo(INFO_PARAM_FIRST + found * 2, <i32>(unitPtr(i) - FRAME_REGION));
        setInfo(INFO_PARAM_FIRST + found * 2 + 1, unitLen(i));
        found++;
      }
    }
  }
  setInfo(INFO_KEYFRAME, key ? 1 : 0);
  setInfo(INFO_PARAM_COUNT, found);
  const needed = h265 ? 7 : 6;
  let first = 0;
  let end = n;
  if (key && (haveParams & needed) != needed && paramLen > 0 && paramLen <= PARAM_REGION_SIZE) {
    const m = scanAnnexB(PARAM_REGION, paramLen, n, SPLICE_BASE - 1);
    if (m > n) {
      // New order in the upper half: [AUD], parameter sets, the rest of the frame.
      let k = SPLICE_BASE;
      let i = 0;
      if (isAccessUnitDelimiter(nalType(unitPtr(0), h265), h265)) {
        setUnit(k++, unitPtr(0), unitLen(0));
        i = 1;
      }
      for (let j = n; j < m; j++) {
        if (unitLen(j) >= hdr) setUnit(k++, unitPtr(j), unitLen(j));
      }
      for (; i < n; i++) setUnit(k++, unitPtr(i), unitLen(i));
      first = SPLICE_BASE;
      end = k;
    }
  }
  const room = maxPayload();
  let i = first;
  while (i < end) {
    const len = unitLen(i);
    if (len > room) {
      const r = sendFragmented(unitPtr(i), len, h265);
      if (r < 0) return r;
      i++;
      continue;
    }
    // Aggregate the following units while they fit (sizes are 16-bit prefixed).
    let total = hdr + 2 + len;
    let j = i + 1;
    while (j < end && total + 2 + unitLen(j) <= room) {
      total += 2 + unitLen(j);
      j++;
    }
    const r = j - i >= 2 ? sendAggregate(i, j, h265) : sendSingle(unitPtr(i), len);
    if (r < 0) return r;
    i = j;
  }
  return 0;
}
