// The RTP area's exports (re-exported by assembly/index.ts). Numbers only: packets and
// frames travel through the regions in regions.ts, whose addresses the host reads once.
// One call per frame: rtpPacketize turns the frame in FRAME_REGION into whole RTP
// packets in PACKET_REGION; rtpDepacketize turns the packets of one frame back.
import { ERR_INVALID_ARGUMENT, ERR_NO_CAPACITY, ERR_UNSUPPORTED, IO_REGION_SIZE } from '../abi';
import { IO_REGION } from '../io';
import { parseRtpHeader, serializeRtp } from './header';
import { beginPackets, finishPackets, framePos, frameReset, validTable } from './packets';
import {
  CLEAN_PROVEN, CODEC_AV1, CODEC_H264, EXT_REGION, EXT_REGION_SIZE, CODEC_H265, CODEC_OPUS, CODEC_VP8, CODEC_VP9, FRAME_REGION, FRAME_REGION_SIZE,
  HEADER_REGION, INFO_CLEAN_START, INFO_KEYFRAME, INFO_NEXT_SEQ, INFO_PARAM_COUNT, INFO_REASON, INFO_REGION, MAX_PACKETS,
  PACKET_REGION, PACKET_REGION_SIZE, PACKET_TABLE, PARAM_REGION, PARAM_REGION_SIZE, REASON_NONE, setInfo,
} from './regions';
import { packetizeAv1 } from './packetize/av1';
import { packetizeH264 } from './packetize/h264';
import { packetizeH265 } from './packetize/h265';
import { packetizeOpus } from './packetize/opus';
import { packetizeVp8 } from './packetize/vp8';
import { packetizeVp9 } from './packetize/vp9';
import { depacketizeAv1 } from './depacketize/av1';
import { depacketizeH264 } from './depacketize/h264';
import { depacketizeH265 } from './depacketize/h265';
import { depacketizeOpus } from './depacketize/opus';
import { depacketizeVp8 } from './depacketize/vp8';
import { depacketizeVp9 } from './depacketize/vp9';

export function rtpFrameRegion(): usize { return FRAME_REGION; }
export function rtpFrameRegionSize(): i32 { return FRAME_REGION_SIZE; }
export function rtpPacketRegion(): usize { return PACKET_REGION; }
export function rtpPacketRegionSize(): i32 { return PACKET_REGION_SIZE; }
export function rtpPacketTable(): usize { return PACKET_TABLE; }
export function rtpMaxPackets(): i32 { return MAX_PACKETS; }
export function rtpParamRegion(): usize { return PARAM_REGION; }
export function rtpParamRegionSize(): i32 { return PARAM_REGION_SIZE; }
export function rtpInfoRegion(): usize { return INFO_REGION; }
export function rtpHeaderRegion(): usize { return HEADER_REGION; }
export function rtpExtRegion(): usize { return EXT_REGION; }
export function rtpExtRegionSize(): i32 { return EXT_REGION_SIZE; }

// Parses the RTP packet of len bytes in the I/O region; fields and the RFC 8285 element
// table land in HEADER_REGION. Returns the payload offset or ERR_MALFORMED.
export function rtpParse(len: i32): i32 {
  if (len < 0 || len > IO_REGION_SIZE) return ERR_INVALID_ARGUMENT;
  return parseRtpHeader(IO_REGION, len, true);
}

// Serialises an RTP packet from the I/O region (CSRCs | extensions | payload, see
// header.ts) into PACKET_REGION. Returns the packet length.
export function rtpSerialize(
  inputLen: i32, payloadType: i32, marker: i32, seq: i32, ts: u32, ssrc: u32,
  cc: i32, extMode: i32, extProfile: i32, extLen: i32, padLen: i32,
): i32 {
  if (inputLen < 0 || inputLen > IO_REGION_SIZE) return ERR_INVALID_ARGUMENT;
  return serializeRtp(IO_REGION, inputLen, payloadType, marker, seq, ts, ssrc, cc, extMode, extProfile, extLen, padLen);
}

// Packetises the frame of frameLen bytes in FRAME_REGION. pictureId feeds VP8/VP9,
// flags the codec options (VP9: 1 = flexible mode), paramLen the Annex-B parameter sets
// the host keeps in PARAM_REGION (H.264/H.265), extLen the header-extension block in
// EXT_REGION that every packet carries (0: none). Returns the packet count; the INFO
// region says keyframe and where parameter sets were found.
export function rtpPacketize(
  codec: i32, frameLen: i32, mtu: i32, payloadType: i32, ssrc: u32, seq: i32, ts: u32,
  pictureId: i32, flags: i32, paramLen: i32, extLen: i32,
): i32 {
  if (extLen < 0 || extLen > EXT_REGION_SIZE || extLen & 3 || mtu - 12 - extLen < 32) return ERR_INVALID_ARGUMENT;
  if (frameLen < 1 || frameLen > FRAME_REGION_SIZE) return ERR_INVALID_ARGUMENT;
  if (mtu < 32 || mtu > 65507 || payloadType < 0 || payloadType > 127) return ERR_INVALID_ARGUMENT;
  if (paramLen < 0 || paramLen > PARAM_REGION_SIZE) return ERR_INVALID_ARGUMENT;
  setInfo(INFO_KEYFRAME, 0);
  setInfo(INFO_PARAM_COUNT, 0);
  beginPackets(payloadType, ssrc, seq, ts, mtu, extLen);
  let r: i32;
  let marker = true;
  if (codec == CODEC_OPUS) {
    r = packetizeOpus(frameLen);
    marker = false; // RFC 7587 §4.1: marker only on the first packet of a talkspurt (host's call)
  } else if (codec == CODEC_VP8) r = packetizeVp8(frameLen, pictureId);
  else if (codec == CODEC_VP9) r = packetizeVp9(frameLen, pictureId, flags);
  else if (codec == CODEC_H264) r = packetizeH264(frameLen, paramLen);
  else if (codec == CODEC_H265) r = packetizeH265(frameLen, paramLen);
  else if (codec == CODEC_AV1) r = packetizeAv1(frameLen);
  else return ERR_UNSUPPORTED;
  if (r < 0) return r;
  const count = finishPackets(marker);
  if (count == 0) return ERR_NO_CAPACITY;
  setInfo(INFO_NEXT_SEQ, (seq + count) & 0xffff);
  return count;
}

// Depacketises count packets laid out in PACKET_REGION by PACKET_TABLE (one frame, in
// sequence order) into FRAME_REGION. Returns the frame length, or ERR_MALFORMED with
// the reason in the INFO region.
export function rtpDepacketize(codec: i32, count: i32): i32 {
  setInfo(INFO_KEYFRAME, 0);
  setInfo(INFO_REASON, REASON_NONE);
  setInfo(INFO_CLEAN_START, CLEAN_PROVEN); // VP8/VP9/Opus check their start flags themselves
  if (!validTable(count)) return ERR_INVALID_ARGUMENT;
  frameReset();
  let r: i32;
  if (codec == CODEC_OPUS) r = depacketizeOpus(count);
  else if (codec == CODEC_VP8) r = depacketizeVp8(count);
  else if (codec == CODEC_VP9) r = depacketizeVp9(count);
  else if (codec == CODEC_H264) r = depacketizeH264(count);
  else if (codec == CODEC_H265) r = depacketizeH265(count);
  else if (codec == CODEC_AV1) r = depacketizeAv1(count);
  else return ERR_UNSUPPORTED;
  if (r < 0) return r;
  return framePos;
}
