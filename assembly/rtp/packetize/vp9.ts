// VP9 (RFC 9628 §4.2): one spatial layer. Non-flexible mode (F=0) carries layer indices
// and TL0PICIDX, and a scalability structure (SS) with the resolution and a one-picture
// group (refers to the previous picture) on the first packet of a key frame. Flexible
// mode (F=1) carries one reference (P_DIFF=1) on inter pictures.
import { ERR_NO_CAPACITY } from '../../abi';
import { closePacket, maxPayload, openPacket } from '../packets';
import { FRAME_REGION, INFO_HEIGHT, INFO_KEYFRAME, INFO_WIDTH, setInfo } from '../regions';
import { vp9Height, vp9IsKeyFrame, vp9Width } from '../vp9-frame-header';

export const VP9_FLEXIBLE: i32 = 1;

// Writes the descriptor at p; returns its length.
function writeDescriptor(
  p: usize, first: bool, last: bool, key: bool, flexible: bool, pictureId: i32,
): i32 {
  const withSs = first && key;
  let b0: u32 = 0x80; // I: picture ID present
  if (!key) b0 |= 0x40; // P: inter-picture predicted
  if (flexible) b0 |= 0x10; // F
  else b0 |= 0x20; // L: layer indices present (non-flexible mode)
  if (first) b0 |= 0x08; // B: start of a frame
  if (last) b0 |= 0x04; // E: end of a frame
  if (withSs) b0 |= 0x02; // V: SS present
  store<u8>(p, <u8>b0);
  store<u8>(p + 1, <u8>(0x80 | ((pictureId >>> 8) & 0x7f))); // M=1, 15-bit picture ID
  store<u8>(p + 2, <u8>pictureId);
  let n = 3;
  if (flexible) {
    if (!key) {
      store<u8>(p + <usize>n, 0x02); // P_DIFF=1, N=0
      n++;
    }
  } else {
    store<u8>(p + <usize>n, 0); // TID=0 U=0 SID=0 D=0
    store<u8>(p + <usize>n + 1, <u8>pictureId); // TL0PICIDX: every picture is in TL0
    n += 2;
  }
  if (withSs) {
    const haveSize = vp9Width > 0;
    // N_S=0 (one spatial layer), Y (resolution present), G (picture group present)
    store<u8>(p + <usize>n, <u8>((haveSize ? 0x10 : 0) | (flexible ? 0 : 0x08)));
    n++;
    if (haveSize) {
      store<u8>(p + <usize>n, <u8>(vp9Width >>> 8));
      store<u8>(p + <usize>n + 1, <u8>vp9Width);
      store<u8>(p + <usize>n + 2, <u8>(vp9Height >>> 8));
      store<u8>(p + <usize>n + 3, <u8>vp9Height);
      n += 4;
    }
    if (!flexible) {
      store<u8>(p + <usize>n, 1); // N_G=1
      store<u8>(p + <usize>n + 1, 0x04); // TID=0 U=0 R=1
      store<u8>(p + <usize>n + 2, 1); // P_DIFF=1
      n += 3;
    }
  }
  return n;
}

export function packetizeVp9(frameLen: i32, pictureId: i32, flags: i32): i32 {
  const key = vp9IsKeyFrame(FRAME_REGION, frameLen) == 1;
  setInfo(INFO_KEYFRAME, key ? 1 : 0);
  setInfo(INFO_WIDTH, vp9Width);
  setInfo(INFO_HEIGHT, vp9Height);
  const flexible = (flags & VP9_FLEXIBLE) != 0;
  const maxDescriptor = 16; // 5 + SS (1 + 4 + 3) fits
  if (maxPayload() - maxDescriptor < 1) return ERR_NO_CAPACITY;
  let off = 0;
  while (off < frameLen) {
    const p = openPacket();
    if (p == 0) return ERR_NO_CAPACITY;
    const first = off == 0;
    // The descriptor's size depends only on first/key/flexible; E needs the split first.
    const d0 = writeDescriptor(p, first, false, key, flexible, pictureId);
    const n = min(maxPayload() - d0, frameLen - off);
    const last = off + n == frameLen;
    if (last) store<u8>(p, load<u8>(p) | 0x04);
    memory.copy(p + <usize>d0, FRAME_REGION + <usize>off, <usize>n);
    closePacket(d0 + n);
    off += n;
  }
  return 0;
}
