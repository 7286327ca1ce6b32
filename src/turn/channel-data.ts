// ChannelData messages (RFC 8656 §12.4) and the framing of a TURN TCP stream, where STUN
// messages and ChannelData follow each other with no datagram boundaries (§12.5).

/** RFC 8656 §12: channel numbers 0x4000 through 0x4FFF. */
export const MIN_CHANNEL = 0x4000;
export const MAX_CHANNEL = 0x4fff;

export function isChannelData(b: Uint8Array): boolean {
  return b.length >= 4 && b[0] >= 0x40 && b[0] <= 0x4f;
}

export function encodeChannelData(channel: number, data: Uint8Array, padToFour: boolean): Uint8Array {
  const size = 4 + (padToFour ? (data.length + 3) & ~3 : data.length);
  const out = new Uint8Array(size);
  out[0] = channel >> 8;
  out[1] = channel & 0xff;
  out[2] = data.length >> 8;
  out[3] = data.length & 0xff;
  out.set(data, 4);
  return out;
}

/** Returns the channel and a view of the payload, or undefined if malformed. */
export function decodeChannelData(b: Uint8Array): { channel: number; data: Uint8Array } | undefined {
  if (!isChannelData(b)) return undefined;
  const channel = (b[0] << 8) | b[1];
  const len = (b[2] << 8) | b[3];
  // §12.5: over UDP the datagram may carry padding; the length must fit.
  if (4 + len > b.length) return undefined;
  return { channel, data: b.subarray(4, 4 + len) };
}

/** The largest frame a TURN TCP stream may carry (a STUN message or padded ChannelData). */
const MAX_FRAME = 65535 + 20;

/**
 * Reassembles frames from a TCP byte stream. Bounded: a stream that announces something
 * that is neither STUN nor ChannelData poisons the framer (the caller closes the connection).
 */
export class TcpFramer {
  private buf = new Uint8Array(0);
  broken = false;

  push(chunk: Uint8Array): Uint8Array[] {
    if (this.broken) return [];
    const merged = new Uint8Array(this.buf.length + chunk.length);
    merged.set(this.buf);
    merged.set(chunk, this.buf.length);
    const frames: Uint8Array[] = [];
    let off = 0;
    while (merged.length - off >= 4) {
      const first = merged[off];
      const len = (merged[off + 2] << 8) | merged[off + 3];
      let size: number;
      if ((first & 0xc0) === 0) size = 20 + len;
      else if (first >= 0x40 && first <= 0x4f) size = 4 + ((len + 3) & ~3);
      else {
        this.broken = true;
        this.buf = new Uint8Array(0);
        return frames;
      }
      if (size > MAX_FRAME) {
        this.broken = true;
        return frames;
      }
      if (merged.length - off < size) break;
      frames.push(merged.slice(off, off + size));
      off += size;
    }
    this.buf = merged.slice(off);
    return frames;
  }
}
