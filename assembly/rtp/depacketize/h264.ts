// H.264 (RFC 6184, packetization-mode=1) to an Annex-B access unit.
import { depacketizeNal } from './nal';

export function depacketizeH264(count: i32): i32 {
  return depacketizeNal(count, false);
}
