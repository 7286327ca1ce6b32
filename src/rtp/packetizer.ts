// createPacketizer: one encoded frame in, whole RTP packets out, with sequence numbers
// running on and the marker on the last packet of a video frame. The byte work is one
// call into the WebAssembly core per frame; this object keeps the running state
// (sequence number, picture ID, cached H.264/H.265 parameter sets).
import { RTP_INFO, rtpCore } from '../wasm/rtp.js';
import { codecNumber, defaultClockRate, type RtpCodecName } from './codec.js';
import { misuse, RtpError } from './errors.js';
import { parseRtp, type RtpHeaderExtension, type RtpPacket, serializeRtp } from './packet.js';

export interface PacketizerOptions {
  /** Largest RTP packet in bytes (header included). Default 1200. */
  mtu?: number;
  payloadType: number;
  ssrc: number;
  /** RTP clock rate; informational (timestamps are given per frame). */
  clockRate?: number;
  /** First sequence number; default random (RFC 3550 §5.1). */
  sequenceNumber?: number;
  /** First VP8/VP9 picture ID (15 bits); default random. */
  pictureId?: number;
  /** VP9 only: flexible mode (F=1, RFC 9628 §4.2). Default false (non-flexible). */
  vp9Flexible?: boolean;
  /** RFC 8285 header extensions every packet carries (MID, RID, ...); see setHeaderExtensions. */
  headerExtensions?: RtpHeaderExtension[];
  /** Their form; default 'auto' (one-byte when every element allows it). */
  extensionProfile?: 'one-byte' | 'two-byte' | 'auto';
}

export interface Packetizer {
  readonly codec: RtpCodecName;
  readonly clockRate: number;
  /** The sequence number the next packet will carry. */
  readonly sequenceNumber: number;
  /**
   * Splits one encoded frame into RTP packets (copies, safe to keep). Video sets the marker
   * on the last packet; for Opus pass `{ marker: true }` on the first packet of a talkspurt
   * (RFC 7587 §4.1, RFC 3551 §4.1).
   */
  packetize(frame: Uint8Array, rtpTimestamp: number, opts?: { marker?: boolean }): Uint8Array[];
  /** Whether the last packetised frame was a keyframe. */
  readonly lastKeyframe: boolean;
  /** Replaces the header extensions every following packet carries (the MTU still holds). */
  setHeaderExtensions(extensions: RtpHeaderExtension[], profile?: 'one-byte' | 'two-byte' | 'auto'): void;
  /**
   * Byte offset, inside every packet this packetiser makes, of the data of extension `id`:
   * per-packet values (a transport-wide sequence number) are written there in place.
   */
  extensionOffset(id: number): number | undefined;
}

function random16(): number {
  const a = new Uint16Array(1);
  crypto.getRandomValues(a);
  return a[0];
}

class CorePacketizer implements Packetizer {
  readonly clockRate: number;
  sequenceNumber: number;
  lastKeyframe = false;
  private pictureId: number;
  private readonly codecId: number;
  private readonly mtu: number;
  private readonly payloadType: number;
  private readonly ssrc: number;
  private readonly flags: number;
  // Annex-B parameter sets from the last keyframe that carried them (H.264/H.265).
  private params: Uint8Array = new Uint8Array(0);
  // The encoded header-extension block (4-byte header + body) and where each id's data sits.
  private extBlock: Uint8Array = new Uint8Array(0);
  private extOffsets = new Map<number, number>();

  constructor(
    readonly codec: RtpCodecName,
    opts: PacketizerOptions,
  ) {
    this.codecId = codecNumber(codec);
    this.mtu = opts.mtu ?? 1200;
    if (!Number.isInteger(this.mtu) || this.mtu < 64 || this.mtu > 65507) {
      throw misuse('RangeError', `mtu ${opts.mtu} is out of range: use 64 to 65507 bytes (1200 is usual for WebRTC)`);
    }
    if (!Number.isInteger(opts.payloadType) || opts.payloadType < 0 || opts.payloadType > 127) {
      throw misuse('RangeError', `payloadType ${opts.payloadType} is out of range: use 0-127 (dynamic: 96-127)`);
    }
    if (!Number.isInteger(opts.ssrc) || opts.ssrc < 0 || opts.ssrc > 0xffffffff) {
      throw misuse('RangeError', `ssrc ${opts.ssrc} is not a 32-bit unsigned integer`);
    }
    this.payloadType = opts.payloadType;
    this.ssrc = opts.ssrc;
    this.clockRate = opts.clockRate ?? defaultClockRate(codec);
    this.sequenceNumber = (opts.sequenceNumber ?? random16()) & 0xffff;
    this.pictureId = (opts.pictureId ?? random16()) & 0x7fff;
    this.flags = codec === 'vp9' && opts.vp9Flexible ? 1 : 0;
    if (opts.headerExtensions?.length) this.setHeaderExtensions(opts.headerExtensions, opts.extensionProfile);
  }

  setHeaderExtensions(extensions: RtpHeaderExtension[], profile: 'one-byte' | 'two-byte' | 'auto' = 'auto'): void {
    this.extOffsets.clear();
    if (extensions.length === 0) {
      this.extBlock = new Uint8Array(0);
      return;
    }
    // The block is what serializeRtp writes after a bare 12-byte header.
    const probe: RtpPacket = {
      payloadType: 0, marker: false, sequenceNumber: 0, timestamp: 0, ssrc: 0, csrc: [], extensions, extensionProfile: profile,
      paddingLength: 0, payload: new Uint8Array(0),
    };
    const bytes = serializeRtp(probe);
    const block = bytes.subarray(12);
    if (block.length > rtpCore().ext.length || this.mtu - 12 - block.length < 64) {
      throw misuse('RangeError', `header extensions take ${block.length} bytes: too many for mtu ${this.mtu}`);
    }
    for (const e of parseRtp(bytes).extensions) if (!this.extOffsets.has(e.id)) this.extOffsets.set(e.id, e.data.byteOffset - bytes.byteOffset);
    this.extBlock = block.slice();
  }

  extensionOffset(id: number): number | undefined {
    return this.extOffsets.get(id);
  }

  packetize(frame: Uint8Array, rtpTimestamp: number, opts?: { marker?: boolean }): Uint8Array[] {
    const core = rtpCore();
    if (frame.length === 0) throw misuse('TypeError', 'cannot packetise an empty frame');
    if (frame.length > core.frame.length) {
      throw new RtpError('frame-too-large', `frame of ${frame.length} bytes exceeds the core's ${core.frame.length}-byte frame region`);
    }
    core.frame.set(frame);
    let paramLen = 0;
    if (this.params.length > 0) {
      core.params.set(this.params);
      paramLen = this.params.length;
    }
    if (this.extBlock.length > 0) core.ext.set(this.extBlock);
    const count = core.fns.rtpPacketize(
      this.codecId, frame.length, this.mtu, this.payloadType, this.ssrc, this.sequenceNumber,
      rtpTimestamp >>> 0, this.pictureId, this.flags, paramLen, this.extBlock.length,
    );
    if (count < 0) {
      if (count === -5) throw new RtpError('frame-too-large', `frame of ${frame.length} bytes does not fit in RTP packets of mtu ${this.mtu}${this.codec === 'opus' ? ' (Opus packets are never split, RFC 7587 §4.2)' : ''}`);
      throw new RtpError('malformed-frame', `not a ${this.codec} frame as containers carry it (${this.codec === 'h264' || this.codec === 'h265' ? 'Annex-B access unit' : this.codec === 'av1' ? 'temporal unit of OBUs with size fields' : 'encoded frame'})`);
    }
    const info = core.info;
    this.lastKeyframe = info[RTP_INFO.keyframe] === 1;
    if ((this.codec === 'h264' || this.codec === 'h265') && info[RTP_INFO.paramCount] >= (this.codec === 'h265' ? 3 : 2)) this.cacheParams(frame);
    const out: Uint8Array[] = new Array(count);
    const table = core.table;
    const packets = core.packets;
    // One copy for the whole frame; each packet is a view of it.
    const all = packets.slice(0, table[count]);
    for (let i = 0; i < count; i++) out[i] = all.subarray(table[i], table[i + 1]);
    if (opts?.marker && this.codec === 'opus') out[0][1] |= 0x80;
    this.sequenceNumber = (this.sequenceNumber + count) & 0xffff;
    if (this.codec === 'vp8' || this.codec === 'vp9') this.pictureId = (this.pictureId + 1) & 0x7fff;
    return out;
  }

  // Keeps the parameter sets this frame carried, Annex-B framed, for keyframes that lack them.
  private cacheParams(frame: Uint8Array): void {
    const info = rtpCore().info;
    const n = info[RTP_INFO.paramCount];
    const parts: Uint8Array[] = [];
    let total = 0;
    for (let i = 0; i < n; i++) {
      const off = info[RTP_INFO.paramFirst + i * 2];
      const len = info[RTP_INFO.paramFirst + i * 2 + 1];
      parts.push(frame.subarray(off, off + len));
      total += 4 + len;
    }
    if (total > rtpCore().params.length) return;
    const out = new Uint8Array(total);
    let o = 0;
    for (const p of parts) {
      out[o + 3] = 1;
      out.set(p, o + 4);
      o += 4 + p.length;
    }
    this.params = out;
  }
}

/** A packetiser for one RTP stream: `opus`, `vp8`, `vp9`, `h264`, `h265` or `av1`. */
export function createPacketizer(codec: RtpCodecName, opts: PacketizerOptions): Packetizer {
  return new CorePacketizer(codec.toLowerCase() as RtpCodecName, opts);
}
