// AV1 (RTP Payload Format for AV1 §4.4-4.5): OBU elements behind the aggregation header
// become a temporal unit in the low-overhead format: a temporal delimiter first (the
// sender dropped it, §5), then every OBU with obu_has_size_field=1 and its leb128 size.
import { ERR_MALFORMED } from '../../abi';
import { lebBytes, lebValue, readLeb128, writeLeb128 } from '../bytes';
import { frameAppendByte, framePos, frameRoom, inPayload, inPayloadLen, loadPacket } from '../packets';
import {
  CLEAN_NO, CLEAN_PROVEN, FRAME_REGION, INFO_CLEAN_START, INFO_KEYFRAME, INFO_REASON, REASON_DESCRIPTOR, REASON_EMPTY, REASON_FRAGMENT, REASON_NOT_START,
  setInfo,
} from '../regions';
import {
  frameHeaderIsKey, OBU_FRAME, OBU_FRAME_HEADER, OBU_SEQUENCE_HEADER, OBU_TEMPORAL_DELIMITER, OBU_TILE_LIST,
} from '../packetize/av1';

// An OBU being gathered sits at framePos + GAP, so that writing its header and size in
// front of it only ever moves bytes left (header 2 + leb128 of a 32-bit size 5 <= GAP).
const GAP: i32 = 8;
let gathering = false;
let gathered: i32 = 0;
let sequenceHeader = false;
let key = false;
let frameSeen = false;
let obusSeen = 0;
let firstIsSequenceHeader = false;

function fail(reason: i32): i32 {
  setInfo(INFO_REASON, reason);
  return ERR_MALFORMED;
}

function gather(src: usize, n: i32): bool {
  if (!frameRoom(GAP + gathered + n)) return false;
  memory.copy(FRAME_REGION + <usize>(framePos + GAP + gathered), src, <usize>n);
  gathered += n;
  return true;
}

// Turns the gathered OBU (RTP form) into its stored form at framePos.
function finishObu(): i32 {
  gathering = false;
  const src = FRAME_REGION + <usize>(framePos + GAP);
  const n = gathered;
  gathered = 0;
  if (n < 1) return fail(REASON_DESCRIPTOR);
  const h = <u32>load<u8>(src);
  if (h & 0x80) return fail(REASON_DESCRIPTOR); // obu_forbidden_bit
  const type = (h >>> 3) & 0x0f;
  const hdr: i32 = h & 0x04 ? 2 : 1;
  if (n < hdr) return fail(REASON_DESCRIPTOR);
  let payload = src + <usize>hdr;
  let size = n - hdr;
  if (h & 0x02) {
    // The sender kept the size field (allowed): it must agree with the element length.
    readLeb128(payload, src + <usize>n);
    if (lebBytes == 0 || <i32>lebValue != size - lebBytes) return fail(REASON_DESCRIPTOR);
    payload += <usize>lebBytes;
    size = <i32>lebValue;
  }
  if (type == OBU_TEMPORAL_DELIMITER || type == OBU_TILE_LIST) return 0; // §5: ignored
  if (type == OBU_SEQUENCE_HEADER) sequenceHeader = true;
  if (obusSeen++ == 0) firstIsSequenceHeader = type == OBU_SEQUENCE_HEADER;
  if ((type == OBU_FRAME || type == OBU_FRAME_HEADER) && !frameSeen) {
    frameSeen = true;
    key = frameHeaderIsKey(payload, size);
  }
  const dst = FRAME_REGION + <usize>framePos;
  const ext = hdr == 2 ? load<u8>(src + 1) : 0;
  store<u8>(dst, <u8>(h | 0x02)); // obu_has_size_field = 1
  if (hdr == 2) store<u8>(dst + 1, ext);
  const lenBytes = writeLeb128(dst + <usize>hdr, <u32>size);
  memory.copy(dst + <usize>(hdr + lenBytes), payload, <usize>size);
  framePos += hdr + lenBytes + size;
  return 0;
}

function depacketizeOne(p: usize, len: i32, first: bool): i32 {
  if (len < 2) return fail(REASON_DESCRIPTOR); // aggregation header and one byte
  const agg = <u32>load<u8>(p);
  const z = (agg & 0x80) != 0;
  const y = (agg & 0x40) != 0;
  const w = <i32>(agg >>> 4) & 3;
  if (first && z) return fail(REASON_NOT_START);
  if (z != gathering) return fail(REASON_FRAGMENT); // continuation without a start, or lost end
  const end = p + <usize>len;
  let o = p + 1;
  let element = 0;
  while (o < end) {
    element++;
    let n: i32;
    if (w != 0 && element == w) {
      n = <i32>(end - o); // §4.4: the W-th element has no length field
    } else {
      if (w != 0 && element > w) return fail(REASON_DESCRIPTOR); // more elements than W says
      readLeb128(o, end);
      if (lebBytes == 0) return fail(REASON_DESCRIPTOR);
      o += <usize>lebBytes;
      n = <i32>lebValue;
      if (n < 0 || o + <usize>n > end) return fail(REASON_DESCRIPTOR); // lying length
    }
    if (n == 0) return fail(REASON_DESCRIPTOR);
    const last = o + <usize>n == end;
    if (!gathering) gathered = 0;
    gathering = true;
    if (!gather(o, n)) return ERR_MALFORMED;
    o += <usize>n;
    if (!(last && y)) {
      const r = finishObu();
      if (r < 0) return r;
    }
  }
  if (element == 0) return fail(REASON_DESCRIPTOR);
  if (w != 0 && element != w) return fail(REASON_DESCRIPTOR);
  return 0;
}

export function depacketizeAv1(count: i32): i32 {
  gathering = false;
  gathered = 0;
  sequenceHeader = false;
  key = false;
  frameSeen = false;
  obusSeen = 0;
  firstIsSequenceHeader = false;
  if (!frameRoom(2)) return ERR_MALFORMED;
  frameAppendByte(OBU_TEMPORAL_DELIMITER << 3 | 0x02); // temporal delimiter, obu_size 0
  frameAppendByte(0);
  let newSequence = false;
  for (let i = 0; i < count; i++) {
    const r = loadPacket(i);
    if (r < 0) return r;
    if (i == 0 && inPayloadLen > 0) newSequence = (load<u8>(inPayload) & 0x08) != 0;
    const d = depacketizeOne(inPayload, inPayloadLen, i == 0);
    if (d < 0) return d;
  }
  if (gathering) return fail(REASON_FRAGMENT); // the last OBU never ended
  if (framePos <= 2) return fail(REASON_EMPTY);
  setInfo(INFO_KEYFRAME, newSequence || (sequenceHeader && key) ? 1 : 0);
  // Z=0 on the first packet is checked; N=1 or a leading sequence header proves a start.
  setInfo(INFO_CLEAN_START, newSequence || firstIsSequenceHeader ? CLEAN_PROVEN : CLEAN_NO);
  return 0;
}
