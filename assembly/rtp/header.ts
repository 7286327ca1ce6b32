// RTP fixed header, CSRC list, padding and header extensions (RFC 3550 §5.1, §5.3.1;
// RFC 8285 one-byte and two-byte forms). Parsing never reads past the given length.
import { ERR_INVALID_ARGUMENT, ERR_MALFORMED, ERR_NO_CAPACITY } from '../abi';
import { load16be, load32be, store16be, store32be } from './bytes';
import { HEADER_REGION, MAX_HEADER_EXTENSIONS, PACKET_REGION, PACKET_REGION_SIZE } from './regions';

// HEADER_REGION slots (i32 index), filled by parseRtpHeader.
export const H_PAYLOAD_OFFSET: i32 = 0;
export const H_PAYLOAD_LENGTH: i32 = 1;
export const H_PADDING: i32 = 2;       // padding bytes at the end, count byte included
export const H_FLAGS: i32 = 3;         // bit0 marker, bit1 padding, bit2 extension
export const H_PAYLOAD_TYPE: i32 = 4;
export const H_SEQUENCE: i32 = 5;
export const H_TIMESTAMP: i32 = 6;
export const H_SSRC: i32 = 7;
export const H_CSRC_COUNT: i32 = 8;    // CSRCs start at byte 12
export const H_EXT_PROFILE: i32 = 9;   // "defined by profile" field, -1 without X
export const H_EXT_OFFSET: i32 = 10;   // first byte of the extension body
export const H_EXT_LENGTH: i32 = 11;   // body bytes (length field × 4)
export const H_EXT_COUNT: i32 = 12;    // RFC 8285 elements in the table
export const H_EXT_TABLE: i32 = 16;    // then (id, offset, length) per element

export const PROFILE_ONE_BYTE: u32 = 0xbede; // RFC 8285 §4.2
export const PROFILE_TWO_BYTE: u32 = 0x1000; // RFC 8285 §4.3: 0x100 + 4 appbits

// @ts-ignore: decorator
@inline
function put(slot: i32, v: i32): void {
  store<i32>(HEADER_REGION + (<usize>slot << 2), v);
}

// Parses the RTP packet of len bytes at p into HEADER_REGION. Returns the payload
// offset, or ERR_MALFORMED. withExtensions=false skips building the element table
// (depacketisers only need the payload bounds).
export function parseRtpHeader(p: usize, len: i32, withExtensions: bool): i32 {
  if (len < 12) return ERR_MALFORMED;
  const b0 = <u32>load<u8>(p);
  if (b0 >>> 6 != 2) return ERR_MALFORMED; // RFC 3550 §5.1: version 2
  const b1 = <u32>load<u8>(p + 1);
  const cc = <i32>(b0 & 0x0f);
  let off = 12 + cc * 4;
  if (off > len) return ERR_MALFORMED;
  let padding = 0;
  if (b0 & 0x20) {
    // RFC 3550 §5.1: the last octet counts the padding, itself included.
    padding = <i32>load<u8>(p + <usize>len - 1);
    if (padding == 0) return ERR_MALFORMED;
  }
  let extProfile = -1;
  let extOffset = 0;
  let extLength = 0;
  let extCount = 0;
  if (b0 & 0x10) {
    // RFC 3550 §5.3.1: 16-bit profile, 16-bit length in 32-bit words, then the body.
    if (off + 4 > len) return ERR_MALFORMED;
    extProfile = <i32>load16be(p + <usize>off);
    extLength = <i32>load16be(p + <usize>off + 2) * 4;
    extOffset = off + 4;
    off = extOffset + extLength;
    if (off > len) return ERR_MALFORMED;
    if (withExtensions) {
      extCount = parseExtensionElements(p, extProfile, extOffset, extLength);
      if (extCount < 0) return extCount;
    }
  }
  if (off + padding > len) return ERR_MALFORMED;
  put(H_PAYLOAD_OFFSET, off);
  put(H_PAYLOAD_LENGTH, len - off - padding);
  put(H_PADDING, padding);
  put(H_FLAGS, <i32>(((b1 >>> 7) & 1) | ((b0 >>> 4) & 2) | ((b0 >>> 2) & 4)));
  put(H_PAYLOAD_TYPE, <i32>(b1 & 0x7f));
  put(H_SEQUENCE, <i32>load16be(p + 2));
  put(H_TIMESTAMP, <i32>load32be(p + 4));
  put(H_SSRC, <i32>load32be(p + 8));
  put(H_CSRC_COUNT, cc);
  put(H_EXT_PROFILE, extProfile);
  put(H_EXT_OFFSET, extOffset);
  put(H_EXT_LENGTH, extLength);
  put(H_EXT_COUNT, extCount);
  return off;
}

// RFC 8285 §4.2/§4.3 element walk. Other profiles keep their body opaque (count 0).
function parseExtensionElements(p: usize, profile: i32, start: i32, length: i32): i32 {
  const oneByte = <u32>profile == PROFILE_ONE_BYTE;
  const twoByte = (<u32>profile & 0xfff0) == PROFILE_TWO_BYTE;
  if (!oneByte && !twoByte) return 0;
  let i = start;
  const end = start + length;
  let n = 0;
  while (i < end) {
    const b = <i32>load<u8>(p + <usize>i);
    let id: i32;
    let size: i32;
    if (oneByte) {
      if (b == 0) { i++; continue; } // padding byte
      id = b >>> 4;
      if (id == 15) break; // RFC 8285 §4.2: reserved, stop processing
      size = (b & 0x0f) + 1;
      i += 1;
    } else {
      if (b == 0) { i++; continue; } // padding byte
      if (i + 1 >= end) return ERR_MALFORMED;
      id = b;
      size = <i32>load<u8>(p + <usize>i + 1);
      i += 2;
    }
    if (i + size > end) return ERR_MALFORMED; // element runs past the block
    if (n >= MAX_HEADER_EXTENSIONS) return ERR_MALFORMED;
    const slot = H_EXT_TABLE + n * 3;
    put(slot, id);
    put(slot + 1, i);
    put(slot + 2, size);
    n++;
    i += size;
  }
  return n;
}

// Extension modes for serialiseRtp.
export const EXT_NONE: i32 = 0;
export const EXT_ONE_BYTE: i32 = 1;
export const EXT_TWO_BYTE: i32 = 2;
export const EXT_RAW: i32 = 3; // opaque body with the profile given (RFC 3550 §5.3.1)

// Serialises an RTP packet into PACKET_REGION from an input laid out at src as:
//   CSRCs (4 bytes each, big-endian) | extensions | payload
// where extensions are elements [id u8][length u8][bytes] for the RFC 8285 modes, or the
// raw body (a multiple of 4 bytes) for EXT_RAW. Returns the packet length.
export function serializeRtp(
  src: usize, inputLen: i32, payloadType: i32, marker: i32, seq: i32, ts: u32, ssrc: u32,
  cc: i32, extMode: i32, extProfile: i32, extLen: i32, padLen: i32,
): i32 {
  if (cc < 0 || cc > 15 || extLen < 0 || padLen < 0 || padLen > 255) return ERR_INVALID_ARGUMENT;
  if (payloadType < 0 || payloadType > 127) return ERR_INVALID_ARGUMENT;
  const payloadStart = cc * 4 + extLen;
  if (payloadStart > inputLen) return ERR_INVALID_ARGUMENT;
  const payloadLen = inputLen - payloadStart;
  const out = PACKET_REGION;
  let o = 12;
  // Upper bound of the output: header, CSRCs, extension (one-byte form can only shrink
  // the elements; two-byte keeps them) plus 4 header and 3 alignment bytes, padding.
  if (12 + payloadStart + 8 + payloadLen + padLen > PACKET_REGION_SIZE) return ERR_NO_CAPACITY;
  memory.copy(out + 12, src, <usize>cc * 4);
  o += cc * 4;
  const x: u32 = extMode != EXT_NONE ? 1 : 0;
  if (extMode != EXT_NONE) {
    const extHeader = o;
    o += 4;
    const body = o;
    const inExt = src + <usize>(cc * 4);
    if (extMode == EXT_RAW) {
      if (extLen & 3 || extProfile < 0 || extProfile > 0xffff) return ERR_INVALID_ARGUMENT;
      memory.copy(out + <usize>o, inExt, <usize>extLen);
      o += extLen;
    } else {
      let i = 0;
      while (i < extLen) {
        if (i + 2 > extLen) return ERR_INVALID_ARGUMENT;
        const id = <i32>load<u8>(inExt + <usize>i);
        const size = <i32>load<u8>(inExt + <usize>i + 1);
        if (i + 2 + size > extLen) return ERR_INVALID_ARGUMENT;
        if (extMode == EXT_ONE_BYTE) {
          // RFC 8285 §4.2: ids 1-14, 1 to 16 bytes.
          if (id < 1 || id > 14 || size < 1 || size > 16) return ERR_INVALID_ARGUMENT;
          store<u8>(out + <usize>o, <u8>((id << 4) | (size - 1)));
          o += 1;
        } else {
          // RFC 8285 §4.3: ids 1-255, 0 to 255 bytes.
          if (id < 1) return ERR_INVALID_ARGUMENT;
          store<u8>(out + <usize>o, <u8>id);
          store<u8>(out + <usize>o + 1, <u8>size);
          o += 2;
        }
        memory.copy(out + <usize>o, inExt + <usize>i + 2, <usize>size);
        o += size;
        i += 2 + size;
      }
      while ((o - body) & 3) { store<u8>(out + <usize>o, 0); o++; } // padding bytes (0)
      extProfile = extMode == EXT_ONE_BYTE ? <i32>PROFILE_ONE_BYTE : <i32>PROFILE_TWO_BYTE;
    }
    store16be(out + <usize>extHeader, <u32>extProfile);
    store16be(out + <usize>extHeader + 2, <u32>((o - body) >>> 2));
  }
  memory.copy(out + <usize>o, src + <usize>payloadStart, <usize>payloadLen);
  o += payloadLen;
  if (padLen > 0) {
    memory.fill(out + <usize>o, 0, <usize>padLen - 1);
    o += padLen;
    store<u8>(out + <usize>o - 1, <u8>padLen);
  }
  writeFixedHeader(out, padLen > 0 ? 1 : 0, x, cc, marker, payloadType, seq, ts, ssrc);
  return o;
}

// @ts-ignore: decorator
@inline
export function writeFixedHeader(
  p: usize, padding: u32, x: u32, cc: i32, marker: i32, payloadType: i32, seq: i32, ts: u32, ssrc: u32,
): void {
  store<u8>(p, <u8>(0x80 | (padding << 5) | (x << 4) | <u32>cc));
  store<u8>(p + 1, <u8>((marker != 0 ? 0x80 : 0) | (payloadType & 0x7f)));
  store16be(p + 2, <u32>seq & 0xffff);
  store32be(p + 4, ts);
  store32be(p + 8, ssrc);
}
