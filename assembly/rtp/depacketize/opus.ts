// Opus (RFC 7587 §4.2): the payload is the Opus packet; every packet is a whole frame.
import { ERR_MALFORMED } from '../../abi';
import { frameAppend, frameRoom, inPayload, inPayloadLen, loadPacket } from '../packets';
import { INFO_KEYFRAME, INFO_REASON, REASON_DESCRIPTOR, REASON_EMPTY, setInfo } from '../regions';

export function depacketizeOpus(count: i32): i32 {
  if (count != 1) {
    setInfo(INFO_REASON, REASON_DESCRIPTOR);
    return ERR_MALFORMED;
  }
  const r = loadPacket(0);
  if (r < 0) return r;
  if (inPayloadLen == 0) {
    setInfo(INFO_REASON, REASON_EMPTY);
    return ERR_MALFORMED;
  }
  if (!frameRoom(inPayloadLen)) return ERR_MALFORMED;
  frameAppend(inPayload, inPayloadLen);
  setInfo(INFO_KEYFRAME, 1); // audio: every packet decodes on its own
  return 0;
}
