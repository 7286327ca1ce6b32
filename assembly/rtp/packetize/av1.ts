// AV1 (RTP Payload Format for AV1, §4.4-4.5, §5): a temporal unit of OBUs in the
// low-overhead format (obu_has_size_field=1, as IVF and Annex-B-less streams carry them)
// goes out as OBU elements without their size fields, behind the one-byte aggregation
// header Z|Y|W|N. Temporal delimiters and tile lists are dropped (§5: SHOULD be removed);
// the receiver restores delimiters from the RTP timestamp.
import { ERR_MALFORMED, ERR_NO_CAPACITY } from '../../abi';
import { leb128Size, lebBytes, lebValue, readLeb128, writeLeb128 } from '../bytes';
import { closePacket, maxPayload, openPacket } from '../packets';
import { FRAME_REGION, INFO_KEYFRAME, MAX_OBUS, OBU_TABLE, setInfo } from '../regions';

export const OBU_SEQUENCE_HEADER: u32 = 1;
export const OBU_TEMPORAL_DELIMITER: u32 = 2;
export const OBU_FRAME_HEADER: u32 = 3;
export const OBU_FRAME: u32 = 6;
export const OBU_TILE_LIST: u32 = 8;

// Elements of the packet being filled: (address, length, fragment offset).
const MAX_ELEMENTS: i32 = 255;
const ELEMENTS: usize = memory.data(MAX_ELEMENTS * 8, 16);
let elementCount: i32 = 0;
let packetRoom: i32 = 0; // payload bytes left, counting a length field for every element
let startsWithFragment = false;
let newSequence = false;
let firstPacket = true;

// @ts-ignore: decorator
@inline
function obuPtr(i: i32): usize {
  return <usize>load<u32>(OBU_TABLE + (<usize>i << 3));
}

// @ts-ignore: decorator
@inline
function obuLen(i: i32): i32 {
  return load<i32>(OBU_TABLE + (<usize>i << 3) + 4);
}

/** True when a frame (header) OBU payload starts a key frame: show_existing_frame=0, frame_type=KEY_FRAME (AV1 §5.9.2). */
export function frameHeaderIsKey(payload: usize, n: i32): bool {
  if (n < 1) return false;
  return (load<u8>(payload) & 0xe0) == 0;
}

// Rewrites the temporal unit in place into RTP form (size fields dropped, has_size_field
// cleared, delimiters and tile lists left out) and lists the OBUs. Returns the count.
function compactTemporalUnit(frameLen: i32): i32 {
  const end = FRAME_REGION + <usize>frameLen;
  let r = FRAME_REGION;
  let w = FRAME_REGION;
  let n = 0;
  let sequenceHeader = false;
  let key = false;
  let frameSeen = false;
  while (r < end) {
    const h = <u32>load<u8>(r);
    if (h & 0x80) return ERR_MALFORMED; // obu_forbidden_bit
    const type = (h >>> 3) & 0x0f;
    const hdr: i32 = h & 0x04 ? 2 : 1; // obu_extension_flag
    if (r + <usize>hdr > end) return ERR_MALFORMED;
    let payload = r + <usize>hdr;
    let size: i32;
    if (h & 0x02) {
      readLeb128(payload, end);
      if (lebBytes == 0) return ERR_MALFORMED;
      payload += <usize>lebBytes;
      size = <i32>lebValue;
      if (size < 0 || payload + <usize>size > end) return ERR_MALFORMED; // lying obu_size
    } else {
      size = <i32>(end - payload); // §5.2: without a size field the OBU runs to the end
    }
    const next = payload + <usize>size;
    if (type == OBU_SEQUENCE_HEADER) sequenceHeader = true;
    if ((type == OBU_FRAME || type == OBU_FRAME_HEADER) && !frameSeen) {
      frameSeen = true;
      key = frameHeaderIsKey(payload, size);
    }
    if (type != OBU_TEMPORAL_DELIMITER && type != OBU_TILE_LIST) {
      if (n >= MAX_OBUS) return ERR_NO_CAPACITY;
      const start = w;
      store<u8>(w, <u8>(h & ~0x02)); // obu_has_size_field = 0
      if (hdr == 2) store<u8>(w + 1, load<u8>(r + 1));
      w += <usize>hdr;
      memory.copy(w, payload, <usize>size); // w <= payload: moving left is safe
      w += <usize>size;
      store<u32>(OBU_TABLE + (<usize>n << 3), <u32>start);
      store<i32>(OBU_TABLE + (<usize>n << 3) + 4, <i32>(w - start));
      n++;
    }
    r = next;
  }
  newSequence = sequenceHeader && key;
  setInfo(INFO_KEYFRAME, newSequence ? 1 : 0);
  return n;
}

function startPacket(z: bool): void {
  elementCount = 0;
  packetRoom = maxPayload() - 1;
  startsWithFragment = z;
}

function flushPacket(endsWithFragment: bool): i32 {
  if (elementCount == 0) return 0;
  const p = openPacket();
  if (p == 0) return ERR_NO_CAPACITY;
  // W: element count when 1-3, the last element then without its length (§4.4).
  const w: i32 = elementCount <= 3 ? elementCount : 0;
  let agg: u32 = <u32>w << 4;
  if (startsWithFragment) agg |= 0x80; // Z
  if (endsWithFragment) agg |= 0x40; // Y
  if (firstPacket && newSequence) agg |= 0x08; // N
  store<u8>(p, <u8>agg);
  let o: usize = 1;
  for (let i = 0; i < elementCount; i++) {
    const ptr = <usize>load<u32>(ELEMENTS + (<usize>i << 3));
    const n = load<i32>(ELEMENTS + (<usize>i << 3) + 4);
    if (w == 0 || i < elementCount - 1) o += <usize>writeLeb128(p + o, <u32>n);
    memory.copy(p + o, ptr, <usize>n);
    o += <usize>n;
  }
  closePacket(<i32>o);
  firstPacket = false;
  return 0;
}

function addElement(ptr: usize, n: i32): void {
  store<u32>(ELEMENTS + (<usize>elementCount << 3), <u32>ptr);
  store<i32>(ELEMENTS + (<usize>elementCount << 3) + 4, n);
  elementCount++;
  packetRoom -= leb128Size(<u32>n) + n;
}

export function packetizeAv1(frameLen: i32): i32 {
  if (maxPayload() < 8) return ERR_NO_CAPACITY;
  const count = compactTemporalUnit(frameLen);
  if (count < 0) return count;
  if (count == 0) return ERR_MALFORMED; // nothing but delimiters
  firstPacket = true;
  startPacket(false);
  for (let i = 0; i < count; i++) {
    let ptr = obuPtr(i);
    let left = obuLen(i);
    while (left > 0) {
      if (elementCount == MAX_ELEMENTS) {
        const r = flushPacket(false);
        if (r < 0) return r;
        startPacket(false);
      }
      if (leb128Size(<u32>left) + left <= packetRoom) {
        addElement(ptr, left);
        left = 0;
        break;
      }
      // Fragment: the largest piece that fits with its own length field.
      let piece = packetRoom - leb128Size(<u32>packetRoom);
      if (piece > left) piece = left;
      if (piece < 1) {
        const r = flushPacket(false);
        if (r < 0) return r;
        startPacket(false);
        continue;
      }
      addElement(ptr, piece);
      ptr += <usize>piece;
      left -= piece;
      const r = flushPacket(true);
      if (r < 0) return r;
      startPacket(true);
    }
  }
  return flushPacket(false);
}
