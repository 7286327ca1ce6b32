// Packet output (packetisers) and packet input (depacketisers) over PACKET_REGION with
// its boundary table, and the frame cursor over FRAME_REGION. Plain globals: one call
// runs at a time, and nothing here allocates.
import { ERR_MALFORMED } from '../abi';
import { store32be } from './bytes';
import { parseRtpHeader, H_PAYLOAD_LENGTH, writeFixedHeader } from './header';
import {
  EXT_REGION, FRAME_REGION, FRAME_REGION_SIZE, HEADER_REGION, INFO_REASON, MAX_PACKETS, PACKET_REGION,
  PACKET_REGION_SIZE, PACKET_TABLE, REASON_RTP_HEADER, REASON_TOO_LARGE, setInfo,
} from './regions';

// ---- output: whole RTP packets, one after another ----------------------------------
let outPayloadType: i32 = 0;
let outSsrc: u32 = 0;
let outSeq: i32 = 0;
let outTimestamp: u32 = 0;
let outMtu: i32 = 0;
let outExtLen: i32 = 0; // bytes of the header-extension block copied into every packet
let outCount: i32 = 0;
let outPos: i32 = 0;

export const RTP_HEADER_SIZE: i32 = 12;

export function beginPackets(payloadType: i32, ssrc: u32, seq: i32, ts: u32, mtu: i32, extLen: i32): void {
  outExtLen = extLen;
  outPayloadType = payloadType;
  outSsrc = ssrc;
  outSeq = seq;
  outTimestamp = ts;
  outMtu = mtu;
  outCount = 0;
  outPos = 0;
  store<u32>(PACKET_TABLE, 0);
}

/** Largest payload (descriptor included) one packet may carry. */
// @ts-ignore: decorator
@inline
export function maxPayload(): i32 {
  return outMtu - RTP_HEADER_SIZE - outExtLen;
}

/** Address where the next packet's payload goes, or 0 when the region or table is full. */
export function openPacket(): usize {
  if (outCount >= MAX_PACKETS || outPos + outMtu > PACKET_REGION_SIZE) return 0;
  const p = PACKET_REGION + <usize>outPos;
  writeFixedHeader(p, 0, outExtLen > 0 ? 1 : 0, 0, 0, outPayloadType, (outSeq + outCount) & 0xffff, outTimestamp, outSsrc);
  // The stream's header extensions (RFC 8285), encoded once by the host (EXT_REGION).
  if (outExtLen > 0) memory.copy(p + <usize>RTP_HEADER_SIZE, EXT_REGION, <usize>outExtLen);
  return p + <usize>(RTP_HEADER_SIZE + outExtLen);
}

export function closePacket(payloadLen: i32): void {
  outPos += RTP_HEADER_SIZE + outExtLen + payloadLen;
  outCount++;
  store<u32>(PACKET_TABLE + (<usize>outCount << 2), <u32>outPos);
}

/** Sets the marker on the last packet (RFC 3550 §5.1; the codec RFCs: last packet of a frame). */
export function finishPackets(marker: bool): i32 {
  if (marker && outCount > 0) {
    const last = PACKET_REGION + <usize>load<u32>(PACKET_TABLE + (<usize>(outCount - 1) << 2));
    store<u8>(last + 1, load<u8>(last + 1) | 0x80);
  }
  return outCount;
}

// ---- input: count packets laid out by the host ---------------------------------------
export let inPayload: usize = 0;
export let inPayloadLen: i32 = 0;

/** Checks the host-written boundary table before any packet is read. */
export function validTable(count: i32): bool {
  if (count < 1 || count > MAX_PACKETS) return false;
  let prev = load<u32>(PACKET_TABLE);
  if (prev != 0) return false;
  for (let i = 1; i <= count; i++) {
    const b = load<u32>(PACKET_TABLE + (<usize>i << 2));
    if (b < prev || b > <u32>PACKET_REGION_SIZE) return false;
    prev = b;
  }
  return true;
}

/** Parses packet i's RTP header and points inPayload/inPayloadLen at its payload. */
export function loadPacket(i: i32): i32 {
  const start = load<u32>(PACKET_TABLE + (<usize>i << 2));
  const end = load<u32>(PACKET_TABLE + (<usize>(i + 1) << 2));
  const p = PACKET_REGION + <usize>start;
  const off = parseRtpHeader(p, <i32>(end - start), false);
  if (off < 0) {
    setInfo(INFO_REASON, REASON_RTP_HEADER);
    return ERR_MALFORMED;
  }
  inPayload = p + <usize>off;
  inPayloadLen = load<i32>(HEADER_REGION + (<usize>H_PAYLOAD_LENGTH << 2));
  return 0;
}

// ---- frame output cursor ------------------------------------------------------------
export let framePos: i32 = 0;

/** Room for n more frame bytes? Sets the reason when not. */
export function frameRoom(n: i32): bool {
  if (n < 0 || framePos + n > FRAME_REGION_SIZE) {
    setInfo(INFO_REASON, REASON_TOO_LARGE);
    return false;
  }
  return true;
}

export function frameAppend(src: usize, n: i32): void {
  memory.copy(FRAME_REGION + <usize>framePos, src, <usize>n);
  framePos += n;
}

export function frameAppendByte(b: u32): void {
  store<u8>(FRAME_REGION + <usize>framePos, <u8>b);
  framePos++;
}

/** Annex-B four-byte start code (H.264 Annex B, H.265 Annex B). */
export function frameAppendStartCode(): void {
  store32be(FRAME_REGION + <usize>framePos, 1);
  framePos += 4;
}

export function frameReset(): void {
  framePos = 0;
}
