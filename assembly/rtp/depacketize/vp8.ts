// VP8 (RFC 7741 §4.2): strip the payload descriptor; the frame starts at S=1, PID=0.
import { ERR_MALFORMED } from '../../abi';
import { frameAppend, framePos, frameRoom, inPayload, inPayloadLen, loadPacket } from '../packets';
import {
  FRAME_REGION, INFO_KEYFRAME, INFO_REASON, REASON_DESCRIPTOR, REASON_EMPTY, REASON_NOT_START, setInfo,
} from '../regions';

// Descriptor length of the payload at p (len bytes), or -1 when it does not fit.
function descriptorLength(p: usize, len: i32): i32 {
  if (len < 1) return -1;
  const b0 = load<u8>(p);
  let n = 1;
  if (b0 & 0x80) {
    // X: I L T K follow (RFC 7741 §4.2)
    if (len < 2) return -1;
    const x = load<u8>(p + 1);
    n = 2;
    if (x & 0x80) {
      if (len < n + 1) return -1;
      n += load<u8>(p + <usize>n) & 0x80 ? 2 : 1; // M: 15-bit picture ID
    }
    if (x & 0x40) n += 1; // TL0PICIDX
    if (x & 0x30) n += 1; // TID/Y/KEYIDX
  }
  return n <= len ? n : -1;
}

export function depacketizeVp8(count: i32): i32 {
  for (let i = 0; i < count; i++) {
    const r = loadPacket(i);
    if (r < 0) return r;
    const d = descriptorLength(inPayload, inPayloadLen);
    if (d < 0) {
      setInfo(INFO_REASON, REASON_DESCRIPTOR);
      return ERR_MALFORMED;
    }
    if (i == 0 && (load<u8>(inPayload) & 0x17) != 0x10) {
      setInfo(INFO_REASON, REASON_NOT_START); // needs S=1 and PID=0
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
  setInfo(INFO_KEYFRAME, (load<u8>(FRAME_REGION) & 1) == 0 ? 1 : 0); // RFC 7741 §9.1
  return 0;
}
