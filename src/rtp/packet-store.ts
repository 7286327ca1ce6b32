// Copies of held packets without one allocation per packet: packets are copied into
// 256 KiB slabs and handed out as views; a slab is reused once every packet in it has
// been released. A depacketiser holds packets only until their frame is finished, so
// slabs turn over in arrival order and memory stays bounded by what is held.

const SLAB_SIZE = 256 * 1024;
const SPARE_SLABS = 2;

export class Slab {
  readonly bytes = new Uint8Array(SLAB_SIZE);
  used = 0;
  live = 0;
}

export interface StoredPacket {
  readonly bytes: Uint8Array;
  readonly slab: Slab | undefined;
}

export class PacketStore {
  // Made on first use: a stream whose packets arrive in order (Opus) never needs one.
  private current: Slab | undefined;
  private readonly spare: Slab[] = [];

  /** A private copy of packet; call release() with it once it is no longer needed. */
  store(packet: Uint8Array): StoredPacket {
    if (packet.length > SLAB_SIZE / 4) return { bytes: packet.slice(), slab: undefined };
    let s = this.current;
    if (s === undefined || s.used + packet.length > SLAB_SIZE) {
      const full = s;
      s = this.spare.pop() ?? new Slab();
      s.used = 0;
      this.current = s;
      if (full !== undefined && full.live === 0) this.recycle(full);
    }
    const at = s.used;
    s.bytes.set(packet, at);
    s.used += packet.length;
    s.live++;
    return { bytes: s.bytes.subarray(at, at + packet.length), slab: s };
  }

  release(p: StoredPacket): void {
    const s = p.slab;
    if (s === undefined) return;
    s.live--;
    if (s.live === 0 && s !== this.current) this.recycle(s);
  }

  private recycle(s: Slab): void {
    if (this.spare.length < SPARE_SLABS) this.spare.push(s);
  }
}
