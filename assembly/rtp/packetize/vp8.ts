// VP8 (RFC 7741 §4.2): a 4-byte payload descriptor with X=1, I=1 and a 15-bit picture
// ID (M=1), S=1 and PID=0 on the first packet; the frame is split evenly enough by MTU.
import { ERR_NO_CAPACITY } from '../../abi';
import { closePacket, maxPayload, openPacket } from '../packets';
import { FRAME_REGION, INFO_KEYFRAME, setInfo } from '../regions';

const DESCRIPTOR_SIZE: i32 = 4;

export function packetizeVp8(frameLen: i32, pictureId: i32): i32 {
  const room = maxPayload() - DESCRIPTOR_SIZE;
  if (room < 1) return ERR_NO_CAPACITY;
  // RFC 7741 §9.1: the P bit of the frame tag is 0 for a key frame.
  setInfo(INFO_KEYFRAME, (load<u8>(FRAME_REGION) & 1) == 0 ? 1 : 0);
  let off = 0;
  while (off < frameLen) {
    const p = openPacket();
    if (p == 0) return ERR_NO_CAPACITY;
    const n = min(room, frameLen - off);
    store<u8>(p, off == 0 ? 0x90 : 0x80); // X=1, S on the first packet, PID=0
    store<u8>(p + 1, 0x80); // I=1
    store<u8>(p + 2, <u8>(0x80 | ((pictureId >>> 8) & 0x7f))); // M=1: 15-bit picture ID
    store<u8>(p + 3, <u8>pictureId);
    memory.copy(p + <usize>DESCRIPTOR_SIZE, FRAME_REGION + <usize>off, <usize>n);
    closePacket(DESCRIPTOR_SIZE + n);
    off += n;
  }
  return 0;
}
