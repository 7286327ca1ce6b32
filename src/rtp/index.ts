// omnirtc/rtp — RTP/RTCP parse and serialise, codec packetisers and depacketisers
// (byte work in the WebAssembly core), sequence/timestamp unwrapping, a jitter buffer,
// and IVF / Annex-B / Ogg Opus readers and writers for recording and tests.
export { RtpError, type RtpErrorCode } from './errors.js';
export { RTP_CODECS, type RtpCodecName, defaultClockRate } from './codec.js';
export { type RtpPacket, type RtpHeaderExtension, parseRtp, serializeRtp, getExtension, setExtension } from './packet.js';
export { SequenceUnwrapper, TimestampUnwrapper } from './sequence.js';
export { createPacketizer, type Packetizer, type PacketizerOptions } from './packetizer.js';
export {
  createDepacketizer,
  type Depacketizer,
  type DepacketizerOptions,
  type DepacketizerStats,
  type EncodedFrame,
} from './depacketizer.js';
export { IvfWriter, readIvf, type IvfFrame, type IvfHeader, type IvfFourcc } from './ivf.js';
export { AnnexBWriter, readAnnexBAccessUnits, splitAnnexB, writeAnnexB } from './annexb.js';
export { OggOpusWriter, readOggOpus, opusPacketSamples, type OggOpusFile, type OggOpusHead } from './ogg-opus.js';
export { parseRtcp, serializeRtcp, isRtcp } from './rtcp/compound.js';
export { cnameOf } from './rtcp/sdes.js';
export type {
  ApplicationDefined, FullIntraRequest, GenericNack, Goodbye, PictureLossIndication, ReceiverReport, Remb, ReportBlock,
  RtcpPacket, SdesItem, SenderReport, SourceDescription, TransportCc, TransportCcPacket, UnknownRtcp,
} from './rtcp/types.js';
export { JitterBuffer, type JitterBufferOptions, type JitterBufferStats } from './jitter-buffer.js';
