// VP9 (RFC 9628 §4.2): strip the payload descriptor (flexible or non-flexible); the frame
// starts with B=1. Layer frames with one timestamp are joined in order.
import { ERR_MALFORMED } from '../../abi';
import { frameAppend, framePos, frameRoom, inPayload, inPayloadLen, loadPacket } from '../packets';
import {
  FRAME_REGION, INFO_KEYFRAME, INFO_REASON, REASON_DESCRIPTOR, REASON_EMPTY, REASON_NOT_START, setInfo,
} from '../regions';
import { vp9IsKeyFrame } from '../vp9-frame-header';

// Descriptor length of the payload at p (len bytes), or -1 when it is malformed.
function descriptorLength(p: usize, len: i32): i32 {
  if (len < 1) return -1;
  const b0 = <u32>load<u8>(p);
  const flexible = (b0 & 0x10) != 0;
  let n = 1;
  if (b0 & 0x80) {
    // I: picture ID, 7 or 15 bits (M)
    if (n >= len) return -1;
    n += load<u8>(p + <usize>n) & 0x80 ? 2 : 1;
  }
  if (b0 & 0x20) n += flexible ? 1 : 2; // L: TID/U/SID/D, and TL0PICIDX when F=0
  if (flexible && b0 & 0x40) {
    // P_DIFF list, N marks another; at most 3 (RFC 9628 §4.2)
    let k = 0;
    while (true) {
      if (n >= len || k == 3) return -1;
      const more = load<u8>(p + <usize>n) & 1;
      n++;
      k++;
      if (!more) break;
    }
  }
  if (b0 & 0x02) {
    // V: scalability structure (RFC 9628 §4.2.1)
    if (n >= len) return -1;
    const ss = <u32>load<u8>(p + <usize>n);
    n++;
    const layers = <i32>(ss >>> 5) + 1;
    if (ss & 0x10) n += 4 * layers; // Y: WIDTH, HEIGHT per layer
    if (ss & 0x08) {
      // G: N_G pictures, each TID/U/R then R P_DIFFs
      if (n >= len) return -1;
      const groups = <i32>load<u8>(p + <usize>n);
      n++;
      for (let g = 0; g < groups; g++) {
        if (n >= len) return -1;
        const refs = <i32>(load<u8>(p + <usize>n) >>> 2) & 3;
        n += 1 + refs;
      }
    }
  }
  return n <= len ? n : -1;
}

export function depacketizeVp9(count: i32): i32 {
  for (let i = 0; i < count; i++) {
    const r = loadPacket(i);
    if (r < 0) return r;
    const d = descriptorLength(inPayload, inPayloadLen);
    if (d < 0) {
      setInfo(INFO_REASON, REASON_DESCRIPTOR);
      return ERR_MALFORMED;
    }
    if (i == 0 && (load<u8>(inPayload) & 0x08) == 0) {
      setInfo(INFO_REASON, REASON_NOT_START); // B=0
      return ERR_MALFORMED;
    }
    const n = inPayloadLen - d;
    if (!frameRoom(n)) return ERR_MALFORMED;
    frameAppend(inPayload + <usize>d, n);
  }
  if (framePos == 0) {
    setInfo(INFO_REASON, REASON_EMPTY);
    return ERR_MALFORMED;
  }
  setInfo(INFO_KEYFRAME, vp9IsKeyFrame(FRAME_REGION, framePos));
  return 0;
}
