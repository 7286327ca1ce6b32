// Opus (RFC 7587 §4.2): one Opus packet per RTP packet, no payload header, never split.
import { ERR_NO_CAPACITY } from '../../abi';
import { closePacket, maxPayload, openPacket } from '../packets';
import { FRAME_REGION } from '../regions';

export function packetizeOpus(frameLen: i32): i32 {
  if (frameLen > maxPayload()) return ERR_NO_CAPACITY; // RFC 7587 §4.2: MUST NOT fragment
  const p = openPacket();
  if (p == 0) return ERR_NO_CAPACITY;
  memory.copy(p, FRAME_REGION, <usize>frameLen);
  closePacket(frameLen);
  return 0;
}
