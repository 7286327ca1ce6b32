// Typed calls into the WebAssembly core for RTP: header parse/serialise and one call per
// frame to packetise or depacketise. Views over the core's fixed regions are made once
// (memory never grows, so they never detach).
import { wasmCore } from './instance.js';

/** Codec numbers shared with assembly/rtp/regions.ts. */
export const WASM_RTP_CODEC = { opus: 1, vp8: 2, vp9: 3, h264: 4, h265: 5, av1: 6 } as const;
export type WasmRtpCodec = keyof typeof WASM_RTP_CODEC;

/** Slots of the INFO region (assembly/rtp/regions.ts). */
export const RTP_INFO = { keyframe: 0, reason: 1, paramCount: 2, paramFirst: 3, width: 10, height: 11, nextSeq: 12, cleanStart: 13 } as const;

/** Does a depacketised frame's first packet start it (INFO cleanStart slot)? */
export const RTP_CLEAN = { no: 0, firstSlice: 1, proven: 2 } as const;

/** Why a depacketise failed (INFO reason slot). */
export const RTP_REASON = {
  none: 0,
  rtpHeader: 1,
  descriptor: 2,
  notStart: 3,
  fragment: 4,
  empty: 5,
  tooLarge: 6,
} as const;

/** Slots of the HEADER region (assembly/rtp/header.ts). */
export const RTP_HEADER_SLOT = {
  payloadOffset: 0,
  payloadLength: 1,
  padding: 2,
  flags: 3,
  payloadType: 4,
  sequence: 5,
  timestamp: 6,
  ssrc: 7,
  csrcCount: 8,
  extProfile: 9,
  extOffset: 10,
  extLength: 11,
  extCount: 12,
  extTable: 16,
} as const;

/** Extension modes of rtpSerialize. */
export const RTP_EXT_MODE = { none: 0, oneByte: 1, twoByte: 2, raw: 3 } as const;

interface RtpExports {
  rtpFrameRegion(): number;
  rtpFrameRegionSize(): number;
  rtpPacketRegion(): number;
  rtpPacketRegionSize(): number;
  rtpPacketTable(): number;
  rtpMaxPackets(): number;
  rtpParamRegion(): number;
  rtpParamRegionSize(): number;
  rtpInfoRegion(): number;
  rtpHeaderRegion(): number;
  rtpExtRegion(): number;
  rtpExtRegionSize(): number;
  rtpParse(len: number): number;
  rtpSerialize(
    inputLen: number, payloadType: number, marker: number, seq: number, ts: number, ssrc: number,
    cc: number, extMode: number, extProfile: number, extLen: number, padLen: number,
  ): number;
  rtpPacketize(
    codec: number, frameLen: number, mtu: number, payloadType: number, ssrc: number, seq: number, ts: number,
    pictureId: number, flags: number, paramLen: number, extLen: number,
  ): number;
  rtpDepacketize(codec: number, count: number): number;
}

export interface RtpCore {
  readonly fns: RtpExports;
  /** All of linear memory. */
  readonly heap: Uint8Array;
  /** The shared I/O region (RTP parse/serialise input). */
  readonly io: Uint8Array;
  readonly frame: Uint8Array;
  readonly packets: Uint8Array;
  /** Packet boundaries: packet i is packets[table[i] .. table[i + 1]). */
  readonly table: Uint32Array;
  readonly maxPackets: number;
  readonly params: Uint8Array;
  readonly info: Int32Array;
  readonly header: Int32Array;
  /** Header-extension block every packetised packet carries. */
  readonly ext: Uint8Array;
}

let rtp: RtpCore | undefined;

export function rtpCore(): RtpCore {
  if (rtp) return rtp;
  const core = wasmCore();
  const fns = core.fns as unknown as RtpExports;
  const buf = core.memory.buffer;
  const maxPackets = fns.rtpMaxPackets();
  rtp = {
    fns,
    heap: core.heap,
    io: core.io,
    frame: new Uint8Array(buf, fns.rtpFrameRegion(), fns.rtpFrameRegionSize()),
    packets: new Uint8Array(buf, fns.rtpPacketRegion(), fns.rtpPacketRegionSize()),
    table: new Uint32Array(buf, fns.rtpPacketTable(), maxPackets + 1),
    maxPackets,
    params: new Uint8Array(buf, fns.rtpParamRegion(), fns.rtpParamRegionSize()),
    info: new Int32Array(buf, fns.rtpInfoRegion(), 64),
    header: new Int32Array(buf, fns.rtpHeaderRegion(), 16 + 255 * 3 + 1),
    ext: new Uint8Array(buf, fns.rtpExtRegion(), fns.rtpExtRegionSize()),
  };
  return rtp;
}
