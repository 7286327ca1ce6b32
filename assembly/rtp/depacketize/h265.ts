// H.265 (RFC 7798, no DONL) to an Annex-B access unit.
import { depacketizeNal } from './nal';

export function depacketizeH265(count: i32): i32 {
  return depacketizeNal(count, true);
}
