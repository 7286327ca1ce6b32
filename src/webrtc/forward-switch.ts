// Keeping one outgoing RTP stream continuous when its source changes (an SFU switching
// simulcast layers with replaceTrack): each layer has its own RTP timestamp base and its
// own VP8 PictureID / TL0PICIDX counters (RFC 7741 §4.2), so a receiver that sees them jump
// backwards takes the new frames for old ones. After a switch the stream waits for a key
// frame of the new source (the sender asks for one upstream), then continues the
// timestamps and picture numbers from where the previous source left off.

/** VP8 payload descriptor fields (RFC 7741 §4.2), by byte offset in the RTP packet; -1 = absent. */
interface Vp8Descriptor {
  /** Offset of the PictureID byte(s) and whether it is 15 bits (M bit). */
  pictureIdAt: number;
  longPictureId: boolean;
  tl0PicIdxAt: number;
  /** Start of a key frame: S=1, PID=0 and the VP8 payload header's P bit is 0 (RFC 6386 §9.1). */
  keyFrameStart: boolean;
}

function vp8Descriptor(p: Uint8Array, at: number): Vp8Descriptor | undefined {
  if (at >= p.length) return undefined;
  const b0 = p[at];
  let o = at + 1;
  let pictureIdAt = -1;
  let longPictureId = false;
  let tl0PicIdxAt = -1;
  if (b0 & 0x80) {
    if (o >= p.length) return undefined;
    const x = p[o++];
    if (x & 0x80) {
      if (o >= p.length) return undefined;
      pictureIdAt = o;
      longPictureId = (p[o] & 0x80) !== 0;
      o += longPictureId ? 2 : 1;
    }
    if (x & 0x40) tl0PicIdxAt = o++;
    if (x & 0x30) o++;
  }
  if (o >= p.length) return undefined;
  const keyFrameStart = (b0 & 0x10) !== 0 && (b0 & 0x0f) === 0 && (p[o] & 0x01) === 0;
  return { pictureIdAt, longPictureId, tl0PicIdxAt, keyFrameStart };
}

/**
 * Whether an H.264 RTP payload (RFC 6184 §5.6–5.8) starts a key frame: an IDR slice or an SPS
 * as a single NAL unit, inside a STAP-A, or as the start of an FU-A.
 */
function h264KeyFrameStart(p: Uint8Array, at: number): boolean {
  if (at >= p.length) return false;
  const type = p[at] & 0x1f;
  if (type === 5 || type === 7) return true;
  if (type === 28) return at + 1 < p.length && (p[at + 1] & 0x80) !== 0 && (p[at + 1] & 0x1f) === 5;
  if (type !== 24) return false;
  // STAP-A: 16-bit size, then the NAL unit, repeated (bounded by the payload).
  for (let o = at + 1; o + 2 < p.length; ) {
    const size = (p[o] << 8) | p[o + 1];
    const nal = p[o + 2] & 0x1f;
    if (nal === 5 || nal === 7) return true;
    o += 2 + size;
  }
  return false;
}

/** The codecs whose key frames the switch recognises; others switch at once. */
export type SwitchCodec = 'vp8' | 'h264' | 'other';

export class ForwardSwitch {
  #switched = false;
  #waitingForKeyFrame = false;
  #timestampOffset = 0;
  #pictureIdOffset = 0;
  #tl0Offset = 0;
  #lastTimestamp: number | undefined;
  #lastSentAt: number | undefined;
  #lastPictureId: number | undefined;
  #lastTl0: number | undefined;
  /** Packets of a new source held back until its key frame. */
  dropped = 0;

  /** The source changed: from now on wait for its key frame, then rebase (video only). */
  sourceChanged(): void {
    if (this.#lastTimestamp === undefined) return; // nothing sent yet: nothing to continue
    this.#switched = true;
    this.#waitingForKeyFrame = true;
  }

  /**
   * Rewrites one outgoing packet in place (timestamp, VP8 picture numbers) or returns false
   * when it must not be sent (a new source's packets before its key frame). `payloadAt` is
   * the RTP payload offset; codecs other than VP8 and H.264 only get the timestamp.
   */
  apply(out: Uint8Array, codec: SwitchCodec, payloadAt: number, clockRate: number, now: number | undefined): boolean {
    const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
    const d = codec === 'vp8' && payloadAt >= 0 ? vp8Descriptor(out, payloadAt) : undefined;
    if (this.#waitingForKeyFrame) {
      const keyStart = codec === 'vp8' ? d?.keyFrameStart === true : codec === 'h264' ? payloadAt >= 0 && h264KeyFrameStart(out, payloadAt) : true;
      if (!keyStart) {
        this.dropped++;
        return false;
      }
      this.#waitingForKeyFrame = false;
      const elapsed = now !== undefined && this.#lastSentAt !== undefined ? now - this.#lastSentAt : 0;
      const next = ((this.#lastTimestamp ?? 0) + Math.max(1, Math.round((elapsed * clockRate) / 1000))) >>> 0;
      this.#timestampOffset = (next - view.getUint32(4)) >>> 0;
      if (d && d.pictureIdAt >= 0 && this.#lastPictureId !== undefined) this.#pictureIdOffset = this.#lastPictureId + 1 - this.#pictureId(out, d);
      if (d && d.tl0PicIdxAt >= 0 && this.#lastTl0 !== undefined) this.#tl0Offset = this.#lastTl0 + 1 - out[d.tl0PicIdxAt];
    }
    if (this.#switched) {
      view.setUint32(4, (view.getUint32(4) + this.#timestampOffset) >>> 0);
      if (d && d.pictureIdAt >= 0) this.#setPictureId(out, d, this.#pictureId(out, d) + this.#pictureIdOffset);
      if (d && d.tl0PicIdxAt >= 0) out[d.tl0PicIdxAt] = (out[d.tl0PicIdxAt] + this.#tl0Offset) & 0xff;
    }
    this.#lastTimestamp = view.getUint32(4);
    if (now !== undefined) this.#lastSentAt = now;
    if (d && d.pictureIdAt >= 0) this.#lastPictureId = this.#pictureId(out, d);
    if (d && d.tl0PicIdxAt >= 0) this.#lastTl0 = out[d.tl0PicIdxAt];
    return true;
  }

  #pictureId(p: Uint8Array, d: Vp8Descriptor): number {
    return d.longPictureId ? ((p[d.pictureIdAt] & 0x7f) << 8) | p[d.pictureIdAt + 1] : p[d.pictureIdAt] & 0x7f;
  }

  #setPictureId(p: Uint8Array, d: Vp8Descriptor, value: number): void {
    if (d.longPictureId) {
      const v = ((value % 0x8000) + 0x8000) % 0x8000;
      p[d.pictureIdAt] = 0x80 | (v >> 8);
      p[d.pictureIdAt + 1] = v & 0xff;
    } else p[d.pictureIdAt] = ((value % 0x80) + 0x80) % 0x80;
  }
}
