// RTP: header parse/serialise, RTCP parse, and packetise/depacketise throughput for every
// codec with 1080p-sized frames, side by side with werift's RTP stack. werift has
// depacketisers (RtpPacket.deSerialize + dePacketizeRtpPackets) for VP8, VP9, H.264, Opus
// and AV1, none for H.265, and no packetisers at all: those rows say so.
import { Buffer } from 'node:buffer';
import * as werift from 'werift';
import {
  createDepacketizer, createPacketizer, parseRtcp, parseRtp, type RtpCodecName, type RtpPacket, serializeRtcp,
  serializeRtp, writeAnnexB,
} from '../src/rtp/index.js';
import { type BenchSection, fmt, type Measurement, measure, table } from './harness.js';

// Deterministic bytes without zero (no Annex-B start-code emulation inside NAL units).
function body(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = (x >>> 16) % 255 + 1;
  }
  return out;
}

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

// A 1080p keyframe is ~100-200 KB at WebRTC bitrates; 120 KB stands for one here
// (Opus: a 20 ms packet of 160 B).
const FRAME_BYTES = 120_000;

function frameFor(codec: RtpCodecName): Uint8Array {
  const b = body(FRAME_BYTES, 7);
  switch (codec) {
    case 'opus':
      return body(160, 3).map((v, i) => (i === 0 ? 0xfc : v));
    case 'vp8':
      b[0] = 0x10; // key frame tag
      return b;
    case 'vp9':
      return new Uint8Array([0x82, 0x49, 0x83, 0x42, 0x00, 0x77, 0xf0, 0x43, 0x70, ...b.subarray(9)]);
    case 'h264':
      return writeAnnexB([new Uint8Array([0x67, 0x42, 0xc0, 0x28]), new Uint8Array([0x68, 0xce, 0x3c, 0x80]), new Uint8Array([0x65, ...b.subarray(1)])]);
    case 'h265':
      return writeAnnexB([
        new Uint8Array([0x40, 0x01, 0x0c]), new Uint8Array([0x42, 0x01, 0x01]), new Uint8Array([0x44, 0x01, 0xc0]),
        new Uint8Array([0x26, 0x01, ...b.subarray(2)]),
      ]);
    case 'av1': {
      const seq = [0x0a, 0x0b, 0, 0, 0, 0x24, 0xc6, 0xab, 0xdf, 0x3e, 0xfe, 0x24, 0x04];
      const payload = [0x10, ...b.subarray(1)];
      return new Uint8Array([0x12, 0x00, ...seq, 0x32, ...leb(payload.length), ...payload]);
    }
  }
}

const WERIFT_CODEC: Partial<Record<RtpCodecName, werift.DepacketizerCodec>> = {
  opus: 'OPUS', vp8: 'VP8', vp9: 'VP9', h264: 'MPEG4/ISO/AVC', av1: 'AV1',
};

// Frames per depacketiser instance in a measuring round (a stream's worth).
const framesPerRound = (codec: RtpCodecName): number => (codec === 'opus' ? 512 : 16);

function codecRows(codec: RtpCodecName): { rows: Measurement[]; depacketRatio?: number } {
  const frame = frameFor(codec);
  const step = codec === 'opus' ? 960 : 3000;
  const rows: Measurement[] = [];
  const pk = createPacketizer(codec, { mtu: 1200, payloadType: 96, ssrc: 1, sequenceNumber: 0 });
  rows.push(measure(`omnirtc packetise ${codec}`, () => {
    pk.packetize(frame, 0);
    return 1;
  }, { bytesPerOp: frame.length, ms: 600 }));
  // A round of frames with running sequence numbers, depacketised by a fresh receiver.
  const src = createPacketizer(codec, { mtu: 1200, payloadType: 96, ssrc: 1, sequenceNumber: 100 });
  const round = Array.from({ length: framesPerRound(codec) }, (_, i) => src.packetize(frame, i * step));
  const flat = round.flat();
  const ours = measure(`omnirtc depacketise ${codec}`, () => {
    const dp = createDepacketizer(codec);
    let n = 0;
    for (const p of flat) n += dp.push(p).length;
    if (n !== framesPerRound(codec)) throw new Error(`${codec}: ${n} frames`);
    return n;
  }, { bytesPerOp: frame.length, ms: 600 });
  rows.push(ours);
  const wc = WERIFT_CODEC[codec];
  let depacketRatio: number | undefined;
  if (wc) {
    const buffers = round.map((ps) => ps.map((p) => Buffer.from(p)));
    const theirs = measure(`werift depacketise ${codec}`, () => {
      for (const ps of buffers) werift.dePacketizeRtpPackets(wc, ps.map((b) => werift.RtpPacket.deSerialize(b)));
      return framesPerRound(codec);
    }, { bytesPerOp: frame.length, ms: 600 });
    rows.push(theirs);
    depacketRatio = ours.opsPerSec / theirs.opsPerSec;
  }
  return { rows, depacketRatio };
}

export async function run(): Promise<BenchSection> {
  const lines: string[] = [];

  // RTP header: a 1200-byte packet with two one-byte extensions, as a sender stamps them.
  const packet: RtpPacket = {
    payloadType: 96, marker: true, sequenceNumber: 4242, timestamp: 123456, ssrc: 0x11223344, csrc: [],
    extensions: [{ id: 1, data: new Uint8Array([1, 2, 3]) }, { id: 3, data: new Uint8Array([9, 8]) }], paddingLength: 0,
    payload: body(1188, 1),
  };
  const bytes = serializeRtp(packet);
  const wBytes = Buffer.from(bytes);
  const wPacket = werift.RtpPacket.deSerialize(wBytes);
  const N = 1000;
  const header: Measurement[] = [
    measure('werift RtpPacket.deSerialize', () => { for (let i = 0; i < N; i++) werift.RtpPacket.deSerialize(wBytes); return N; }, { bytesPerOp: bytes.length }),
    measure('omnirtc parseRtp', () => { for (let i = 0; i < N; i++) parseRtp(bytes); return N; }, { bytesPerOp: bytes.length }),
    measure('werift RtpPacket.serialize', () => { for (let i = 0; i < N; i++) wPacket.serialize(); return N; }, { bytesPerOp: bytes.length }),
    measure('omnirtc serializeRtp', () => { for (let i = 0; i < N; i++) serializeRtp(packet); return N; }, { bytesPerOp: bytes.length }),
  ];
  lines.push('RTP header (1200-byte packet, two RFC 8285 one-byte extensions):', '', ...table(header.slice(0, 2)), '', ...table(header.slice(2)), '');

  const rtcp = serializeRtcp([
    { type: 'rr', ssrc: 1, reports: [{ ssrc: 2, fractionLost: 0, packetsLost: 0, highestSequence: 100, jitter: 3, lastSenderReport: 0, delaySinceLastSenderReport: 0 }] },
    { type: 'remb', senderSsrc: 1, bitrate: 1_000_000, ssrcs: [2] },
  ]);
  const wRtcp = Buffer.from(rtcp);
  lines.push('RTCP compound (RR + REMB) parse:', '', ...table([
    measure('werift RtcpPacketConverter.deSerialize', () => { for (let i = 0; i < N; i++) werift.RtcpPacketConverter.deSerialize(wRtcp); return N; }),
    measure('omnirtc parseRtcp', () => { for (let i = 0; i < N; i++) parseRtcp(rtcp); return N; }),
  ]), '');

  lines.push(`Packetise / depacketise, MTU 1200, ${FRAME_BYTES / 1000} kB video frames (1080p keyframe size), 160 B Opus packets.`);
  lines.push('Depacketise includes RTP parsing and frame assembly (omnirtc: reorder window, loss detection; werift: RtpPacket.deSerialize + dePacketizeRtpPackets). werift has no packetisers, and no H.265 depacketiser.', '');
  lines.push('| codec | omnirtc packetise frames/s | MB/s | omnirtc depacketise frames/s | MB/s | werift depacketise frames/s | MB/s | depacketise × werift |', '|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const codec of ['vp8', 'vp9', 'h264', 'h265', 'av1', 'opus'] as RtpCodecName[]) {
    const { rows, depacketRatio } = codecRows(codec);
    const mb = (m: Measurement | undefined): string => (m?.bytesPerSec === undefined ? 'n/a' : (m.bytesPerSec / 1e6).toFixed(1));
    const w = rows[2];
    lines.push(`| ${codec} | ${fmt(rows[0].opsPerSec)} | ${mb(rows[0])} | ${fmt(rows[1].opsPerSec)} | ${mb(rows[1])} | ${w ? fmt(w.opsPerSec) : 'n/a (none in werift)'} | ${w ? mb(w) : 'n/a'} | ${depacketRatio === undefined ? 'n/a' : depacketRatio.toFixed(2)} |`);
  }
  lines.push('', 'werift packetisers: none exist (werift only depacketises), so packetise has no werift column.');
  return { title: 'RTP / RTCP and codec packetisation (vs werift)', lines };
}
