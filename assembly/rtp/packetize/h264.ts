// H.264 (RFC 6184, packetization-mode=1): single NAL unit, STAP-A and FU-A packets.
import { packetizeNal } from './nal';

export function packetizeH264(frameLen: i32, paramLen: i32): i32 {
  return packetizeNal(frameLen, paramLen, false);
}
