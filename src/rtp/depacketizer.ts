// createDepacketizer: RTP packets in (any order within a bounded window), whole encoded
// frames out. Frame assembly is host state here: packets wait in a ring indexed by
// extended sequence number; a frame is the run of packets from the one after the last
// finished frame to the marker (every packet for Opus), all with one timestamp. Its bytes
// are then turned into the frame in one call into the WebAssembly core. A hole older than
// the reorder window is a loss: the frame it hits is dropped and counted, and frames are
// dropped until the next keyframe that provably starts clean.
import { RTP_CLEAN, RTP_INFO, RTP_REASON, rtpCore } from '../wasm/rtp.js';
import { codecNumber, type RtpCodecName } from './codec.js';
import { misuse } from './errors.js';
import { pooledCopy } from './output-pool.js';
import { PacketStore, type StoredPacket } from './packet-store.js';

export interface EncodedFrame {
  /** H.264/H.265: Annex-B access unit; VP8/VP9: IVF frame payload; AV1: temporal unit with OBU size fields; Opus: one packet. */
  data: Uint8Array;
  /** RTP timestamp (32-bit). */
  timestamp: number;
  keyframe: boolean;
  /** RTP sequence number of the frame's first packet. */
  sequenceNumber: number;
  ssrc: number;
}

export interface DepacketizerOptions {
  /** Packets a missing one may be overtaken by before it counts as lost (default 64; Opus 16). */
  reorderWindow?: number;
  /** Packets held at most (frame in progress plus reordering; default 4096). */
  maxBufferedPackets?: number;
  /**
   * H.264/H.265 only: the sender keeps parameter sets out of band (SDP
   * sprop-parameter-sets), so a keyframe that opens with its first slice is a clean start
   * even right after a loss. Default false: WebRTC senders put them in band, and a keyframe
   * whose leading parameter-set packet was lost must not be emitted.
   */
  outOfBandParameterSets?: boolean;
}

export interface DepacketizerStats {
  packetsReceived: number;
  /** Shorter than an RTP header, not version 2, or a header that does not parse. */
  packetsMalformed: number;
  /** Arrived after their place was given up (older than the window). */
  packetsLate: number;
  packetsDuplicate: number;
  /** Holes given up as lost. */
  packetsLost: number;
  /** Padding-only packets (no payload), skipped. */
  packetsPadding: number;
  framesEmitted: number;
  keyframesEmitted: number;
  /** Frames with a lost packet (or no marker before the timestamp changed). */
  framesDroppedIncomplete: number;
  /** Frames whose payload descriptors or NAL/OBU structure did not parse, or too large. */
  framesDroppedMalformed: number;
  /** Complete frames dropped while waiting for a keyframe after a loss. */
  framesDroppedAwaitingKeyframe: number;
  /** Times the SSRC changed and state was reset. */
  streamResets: number;
}

export interface Depacketizer {
  readonly codec: RtpCodecName;
  /** Feeds one RTP packet (any order); returns the frames it completed, in order. Never throws on bad bytes. */
  push(packet: Uint8Array): EncodedFrame[];
  /** End of stream: gives up every hole and returns what can still be completed. */
  flush(): EncodedFrame[];
  /** True after a loss until a keyframe arrives: the moment to send PLI/FIR (RFC 4585 §6.3.1). */
  readonly waitingForKeyframe: boolean;
  readonly stats: Readonly<DepacketizerStats>;
}

interface Slot {
  seq: number; // extended
  ts: number;
  marker: boolean;
  padding: boolean;
  packet: StoredPacket;
}

function newStats(): DepacketizerStats {
  return {
    packetsReceived: 0, packetsMalformed: 0, packetsLate: 0, packetsDuplicate: 0, packetsLost: 0, packetsPadding: 0,
    framesEmitted: 0, keyframesEmitted: 0, framesDroppedIncomplete: 0, framesDroppedMalformed: 0,
    framesDroppedAwaitingKeyframe: 0, streamResets: 0,
  };
}

class CoreDepacketizer implements Depacketizer {
  readonly stats = newStats();
  waitingForKeyframe = true;
  private readonly codecId: number;
  private readonly perPacketFrames: boolean;
  private readonly window: number;
  private readonly capacity: number;
  private readonly mask: number;
  private ring: (Slot | undefined)[];
  // Copies of the held packets: the caller may reuse its buffer (a socket's, or a view
  // into the core) as soon as push returns.
  private store = new PacketStore();
  private ssrc: number | undefined;
  private base = 0; // lowest extended sequence number not yet finished
  private highest = -1;
  private started = false;
  private finished = false; // some frame was emitted or dropped: base can no longer move back
  // Until a keyframe has been seen, the first packet may have been missed as well.
  private afterGap = true;
  // Timestamp of a frame already dropped as incomplete: its remaining packets go quietly.
  private discardTs: number | undefined;
  // Scan progress inside the frame that starts at scanBase.
  private scanBase = -1;
  private scanPos = 0;
  // Highest sequence number ever put in the ring.
  private maxStored = -1;
  // Sequence number of the packet that ended the last frame (marker): a frame starting
  // right after it is known to be whole from its first packet.
  private lastEnd = Number.NEGATIVE_INFINITY;
  private readonly firstSliceStarts: boolean;

  constructor(
    readonly codec: RtpCodecName,
    opts: DepacketizerOptions,
  ) {
    this.codecId = codecNumber(codec);
    this.perPacketFrames = codec === 'opus';
    this.firstSliceStarts = opts.outOfBandParameterSets === true;
    this.window = opts.reorderWindow ?? (codec === 'opus' ? 16 : 64);
    const maxBuffered = opts.maxBufferedPackets ?? 4096;
    if (!Number.isInteger(this.window) || this.window < 1 || this.window > 32768) {
      throw misuse('RangeError', `reorderWindow ${opts.reorderWindow} is out of range: use 1 to 32768 packets`);
    }
    if (!Number.isInteger(maxBuffered) || maxBuffered < this.window || maxBuffered > 65536) {
      throw misuse('RangeError', `maxBufferedPackets ${opts.maxBufferedPackets} must be at least reorderWindow and at most 65536`);
    }
    let cap = 1;
    while (cap < maxBuffered) cap <<= 1;
    this.capacity = maxBuffered;
    this.mask = cap - 1;
    this.ring = new Array(cap);
  }

  push(bytes: Uint8Array): EncodedFrame[] {
    const out: EncodedFrame[] = [];
    this.stats.packetsReceived++;
    // The fixed header only; the whole header is checked by the core at assembly.
    if (bytes.length < 12 || bytes[0] >> 6 !== 2) {
      this.stats.packetsMalformed++;
      return out;
    }
    const seq16 = (bytes[2] << 8) | bytes[3];
    const ts = ((bytes[4] << 24) | (bytes[5] << 16) | (bytes[6] << 8) | bytes[7]) >>> 0;
    const ssrc = ((bytes[8] << 24) | (bytes[9] << 16) | (bytes[10] << 8) | bytes[11]) >>> 0;
    const marker = (bytes[1] & 0x80) !== 0;
    const padding = payloadIsEmpty(bytes);
    if (padding === undefined) {
      this.stats.packetsMalformed++;
      return out;
    }
    if (this.ssrc !== ssrc) {
      if (this.ssrc !== undefined) this.reset();
      this.ssrc = ssrc;
    }
    let seq: number;
    if (!this.started) {
      this.started = true;
      seq = seq16 + 0x10000; // room below the first packet for reordered ones
      this.base = seq;
      this.highest = seq;
    } else {
      const delta = ((seq16 - (this.highest & 0xffff) + 0x8000) & 0xffff) - 0x8000;
      seq = this.highest + delta;
    }
    if (seq < this.base) {
      // Before anything finished, an earlier packet moves the start back (RFC 3550 §A.1 probation spirit).
      if (!this.finished && this.highest - seq < this.window && seq > 0) {
        this.base = seq;
      } else {
        this.stats.packetsLate++;
        return out;
      }
    }
    const existing = this.ring[seq & this.mask];
    if (existing !== undefined && existing.seq === seq) {
      this.stats.packetsDuplicate++;
      return out;
    }
    if (seq > this.highest) this.highest = seq;
    if (this.perPacketFrames && seq === this.base && !padding) {
      this.assembleOne(out, bytes, ts, seq);
      this.base++;
      this.process(out, this.highest - this.window + 1);
      return out;
    }
    // Keep the buffer bounded: everything older than capacity behind the newest is given up.
    if (this.highest - this.base >= this.capacity) this.process(out, this.highest - this.capacity + 1);
    if (padding) this.stats.packetsPadding++;
    this.ring[seq & this.mask] = { seq, ts, marker, padding, packet: this.store.store(bytes) };
    if (seq > this.maxStored) this.maxStored = seq;
    this.process(out, this.highest - this.window + 1);
    return out;
  }

  flush(): EncodedFrame[] {
    const out: EncodedFrame[] = [];
    if (this.started) this.process(out, this.highest + 1);
    return out;
  }

  private reset(): void {
    this.stats.streamResets++;
    this.ring = new Array(this.mask + 1);
    this.store = new PacketStore();
    this.started = false;
    this.finished = false;
    this.afterGap = true;
    this.discardTs = undefined;
    this.scanBase = -1;
    this.maxStored = -1;
    this.lastEnd = Number.NEGATIVE_INFINITY;
    this.waitingForKeyframe = true;
  }

  private slot(seq: number): Slot | undefined {
    const s = this.ring[seq & this.mask];
    return s !== undefined && s.seq === seq ? s : undefined;
  }

  private take(seq: number): void {
    const s = this.ring[seq & this.mask];
    if (s !== undefined && s.seq === seq) {
      this.store.release(s.packet);
      this.ring[seq & this.mask] = undefined;
    }
  }

  // Finishes frames from base while it can. Holes below giveUpBelow are lost.
  private process(out: EncodedFrame[], giveUpBelow: number): void {
    while (this.base <= this.highest) {
      const first = this.slot(this.base);
      if (first === undefined) {
        if (this.base >= giveUpBelow) return; // wait for it
        // Past the newest packet held, every place up to giveUpBelow is empty: skip them at
        // once, so a jump of thousands of sequence numbers costs one step, not thousands.
        const to = this.base > this.maxStored ? Math.min(giveUpBelow, this.highest + 1) : this.base + 1;
        this.stats.packetsLost += to - this.base;
        this.lossAt();
        this.base = to;
        continue;
      }
      if (first.padding || first.ts === this.discardTs) {
        if (first.padding && this.base === this.lastEnd + 1) this.lastEnd = this.base; // padding between frames
        this.take(this.base);
        this.base++;
        continue;
      }
      this.discardTs = undefined;
      // Find the frame's last packet.
      // Resume where the last scan of this frame stopped: packets before it are known present,
      // of this timestamp and without a marker (keeps each push O(1) for in-order packets).
      let k = this.scanBase === this.base ? this.scanPos : this.base;
      let end = -1;
      let incompleteAt = -1;
      while (k <= this.highest) {
        const s = this.slot(k);
        if (s === undefined) {
          if (k >= giveUpBelow) {
            this.scanBase = this.base;
            this.scanPos = k;
            return; // may still come
          }
          incompleteAt = k;
          break;
        }
        if (!s.padding && s.ts !== first.ts) {
          incompleteAt = k; // timestamp changed before a marker: the marker packet is lost
          break;
        }
        if (!s.padding && (s.marker || this.perPacketFrames)) {
          end = k;
          break;
        }
        k++;
      }
      if (end < 0) {
        if (incompleteAt < 0) {
          // Ran past the newest packet without a marker: wait unless forced.
          if (this.highest + 1 < giveUpBelow || this.highest - this.base + 1 >= this.capacity) {
            incompleteAt = this.highest + 1; // forced, or a frame longer than the buffer
          } else {
            this.scanBase = this.base;
            this.scanPos = k;
            return;
          }
        }
        for (let i = this.base; i < incompleteAt; i++) this.take(i);
        this.stats.framesDroppedIncomplete++;
        this.discardTs = first.ts;
        this.lossAt();
        this.base = incompleteAt;
        continue;
      }
      // At start-up the first packets may come in any order: a frame that does not open at
      // its first packet waits (inside the window) for the earlier packets instead of failing.
      const mayWait = !this.finished && this.base >= giveUpBelow;
      if (this.assemble(out, this.base, end, first, mayWait)) return;
      for (let i = this.base; i <= end; i++) this.take(i);
      this.base = end + 1;
    }
  }

  private lossAt(): void {
    this.finished = true;
    this.afterGap = true;
    this.waitingForKeyframe = true;
  }

  // Returns true when the frame was left waiting (mayWait and it does not open here).
  private assemble(out: EncodedFrame[], from: number, to: number, first: Slot, mayWait: boolean): boolean {
    const core = rtpCore();
    const table = core.table;
    const region = core.packets;
    let o = 0;
    let n = 0;
    table[0] = 0;
    for (let i = from; i <= to; i++) {
      const s = this.slot(i)!;
      if (s.padding) continue;
      const bytes = s.packet.bytes;
      if (o + bytes.length > region.length || n >= core.maxPackets) {
        this.finished = true;
        this.stats.framesDroppedMalformed++;
        this.lossAt();
        return false;
      }
      region.set(bytes, o);
      o += bytes.length;
      n++;
      table[n] = o;
    }
    return this.decode(out, n, first.ts, from, to, mayWait);
  }

  // One packet that is a whole frame (Opus), in order: straight to the core, never held.
  private assembleOne(out: EncodedFrame[], bytes: Uint8Array, ts: number, seq: number): void {
    const core = rtpCore();
    core.packets.set(bytes, 0);
    core.table[0] = 0;
    core.table[1] = bytes.length;
    this.decode(out, 1, ts, seq, seq, false);
  }

  // The packets are laid out in the core's region: one call turns them into the frame.
  private decode(out: EncodedFrame[], n: number, ts: number, from: number, to: number, mayWait: boolean): boolean {
    const core = rtpCore();
    const len = core.fns.rtpDepacketize(this.codecId, n);
    const info = core.info;
    const clean = info[RTP_INFO.cleanStart];
    const opens = clean === RTP_CLEAN.proven || (clean === RTP_CLEAN.firstSlice && this.firstSliceStarts);
    // Start-up: nothing proves this frame opens here, and its earlier packets may still come.
    if (mayWait && (len < 0 ? info[RTP_INFO.reason] === RTP_REASON.notStart : !opens)) return true;
    this.finished = true;
    const contiguous = from === this.lastEnd + 1;
    this.lastEnd = to;
    if (len < 0) {
      if (info[RTP_INFO.reason] === RTP_REASON.notStart || info[RTP_INFO.reason] === RTP_REASON.fragment) {
        this.stats.framesDroppedIncomplete++;
      } else {
        this.stats.framesDroppedMalformed++;
      }
      this.lossAt();
      return false;
    }
    const keyframe = info[RTP_INFO.keyframe] === 1;
    if (this.waitingForKeyframe) {
      // After a gap the frame's first packet may itself be lost: only a keyframe that
      // follows the last frame's end, or whose first packet provably opens it, is safe.
      if (!keyframe || (this.afterGap && !contiguous && !opens)) {
        this.stats.framesDroppedAwaitingKeyframe++;
        return false;
      }
      this.waitingForKeyframe = false;
      this.afterGap = false;
    }
    this.stats.framesEmitted++;
    if (keyframe) this.stats.keyframesEmitted++;
    out.push({ data: pooledCopy(core.frame.subarray(0, len)), timestamp: ts, keyframe, sequenceNumber: from & 0xffff, ssrc: this.ssrc ?? 0 });
    return false;
  }
}

// RFC 3550 §5.1: header length from CC, X and the extension length; true when nothing but
// padding follows it, undefined when the header claims more bytes than the packet has.
function payloadIsEmpty(b: Uint8Array): boolean | undefined {
  let off = 12 + (b[0] & 0x0f) * 4;
  if (b[0] & 0x10) {
    if (off + 4 > b.length) return undefined;
    off += 4 + ((b[off + 2] << 8) | b[off + 3]) * 4;
  }
  const pad = b[0] & 0x20 ? b[b.length - 1] : 0;
  if (off + pad > b.length || (b[0] & 0x20 && pad === 0)) return undefined;
  return off + pad === b.length;
}

/** A depacketiser for one RTP stream: `opus`, `vp8`, `vp9`, `h264`, `h265` or `av1`. */
export function createDepacketizer(codec: RtpCodecName, opts: DepacketizerOptions = {}): Depacketizer {
  return new CoreDepacketizer(codec.toLowerCase() as RtpCodecName, opts);
}
