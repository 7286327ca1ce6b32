// H.265 (RFC 7798, no DONL: sprop-max-don-diff=0): single NAL unit, AP and FU packets.
import { packetizeNal } from './nal';

export function packetizeH265(frameLen: i32, paramLen: i32): i32 {
  return packetizeNal(frameLen, paramLen, true);
}
