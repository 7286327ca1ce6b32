// Fixed linear-memory regions owned by the RTP area (docs: src/wasm/rtp.ts reads their
// addresses once). memory.data reserves them statically, so nothing is allocated while
// packets flow (runtime "stub": no GC). Sizes, and why:
//
//   FRAME     4 MiB   one encoded frame: packetiser input, depacketiser output. A 1080p
//                     x264/VP9 keyframe at high quality is a few hundred KiB; 4 MiB leaves
//                     room for 4K intra frames. Larger frames are refused (ERR_NO_CAPACITY).
//   PACKETS   4.5 MiB whole RTP packets: packetiser output, depacketiser input. The frame
//                     plus per-packet overhead (12-byte header + descriptor) at MTU >= 200.
//   TABLE     64 KiB  u32 boundaries of the packets in PACKETS: packet i is
//                     [TABLE[i], TABLE[i+1]). 16383 packets at most.
//   PARAMS    8 KiB   H.264/H.265 parameter sets the host cached from earlier keyframes,
//                     Annex-B framed; re-sent with a keyframe that lacks them (RFC 6184 §8.4).
//   INFO      256 B   i32 results an export leaves for the host (see INFO_* below).
//   HEADER    4 KiB   a parsed RTP header: fixed fields then an extension table.
//   OBUS      64 KiB  AV1 OBU table (offset, length) for one temporal unit.
//   EXT       1 KiB   the header-extension block (4-byte header + body) a packetiser
//                     puts in every packet it makes (MID, RID and the like).
export const FRAME_REGION_SIZE: i32 = 4 << 20;
export const PACKET_REGION_SIZE: i32 = (4 << 20) + (512 << 10);
export const MAX_PACKETS: i32 = 16383;
export const PARAM_REGION_SIZE: i32 = 8192;
export const MAX_HEADER_EXTENSIONS: i32 = 255;
export const MAX_OBUS: i32 = 8192;

export const FRAME_REGION: usize = memory.data(FRAME_REGION_SIZE, 16);
export const PACKET_REGION: usize = memory.data(PACKET_REGION_SIZE, 16);
export const PACKET_TABLE: usize = memory.data((MAX_PACKETS + 1) * 4, 16);
export const PARAM_REGION: usize = memory.data(PARAM_REGION_SIZE, 16);
export const INFO_REGION: usize = memory.data(64 * 4, 16);
export const HEADER_REGION: usize = memory.data((16 + MAX_HEADER_EXTENSIONS * 3 + 1) * 4, 16);
export const OBU_TABLE: usize = memory.data(MAX_OBUS * 8, 16);
export const EXT_REGION_SIZE: i32 = 1024;
export const EXT_REGION: usize = memory.data(EXT_REGION_SIZE, 16);

// INFO slots (i32 index). Packetiser and depacketiser results.
export const INFO_KEYFRAME: i32 = 0;      // 1 when the frame is a keyframe
export const INFO_REASON: i32 = 1;        // why a depacketise failed (REASON_* below)
export const INFO_PARAM_COUNT: i32 = 2;   // parameter sets found in the frame (packetiser)
export const INFO_PARAM_FIRST: i32 = 3;   // then (offset, length) pairs, up to 3 sets
export const INFO_WIDTH: i32 = 10;        // VP9 keyframe size, when known
export const INFO_HEIGHT: i32 = 11;
export const INFO_NEXT_SEQ: i32 = 12;     // packetiser: sequence number after the last packet
export const INFO_CLEAN_START: i32 = 13;  // depacketiser: does the first packet start the frame? CLEAN_*

// INFO_CLEAN_START values.
export const CLEAN_NO: i32 = 0;          // nothing shows it (it may follow a lost packet)
export const CLEAN_FIRST_SLICE: i32 = 1; // H.26x: the picture's first slice, but parameter sets may be lost
export const CLEAN_PROVEN: i32 = 2;      // a start flag, delimiter or parameter set opens it

// Depacketise failure reasons: ERR_MALFORMED is returned, and this says which.
export const REASON_NONE: i32 = 0;
export const REASON_RTP_HEADER: i32 = 1;      // an RTP header does not parse
export const REASON_DESCRIPTOR: i32 = 2;      // a payload descriptor/header does not parse
export const REASON_NOT_START: i32 = 3;       // first packet is not the start of a frame
export const REASON_FRAGMENT: i32 = 4;        // fragments do not join (missing start/end)
export const REASON_EMPTY: i32 = 5;           // the frame has no media bytes
export const REASON_TOO_LARGE: i32 = 6;       // the frame would not fit FRAME_REGION

// Codec numbers shared with src/wasm/rtp.ts.
export const CODEC_OPUS: i32 = 1;
export const CODEC_VP8: i32 = 2;
export const CODEC_VP9: i32 = 3;
export const CODEC_H264: i32 = 4;
export const CODEC_H265: i32 = 5;
export const CODEC_AV1: i32 = 6;

// @ts-ignore: decorator
@inline
export function setInfo(slot: i32, value: i32): void {
  store<i32>(INFO_REGION + (<usize>slot << 2), value);
}
