// Bump allocation of short-lived byte arrays from 64 KiB slabs. A typed array above a
// few dozen bytes costs V8 an off-heap allocation and a finalizer; one packet or
// fragment per allocation dominated the profile at 100 k packets/s. Slabs are never
// reused: a view keeps its slab alive until it is collected, so this suits bytes that
// live briefly (outgoing packets, fragments awaiting reassembly), not delivered messages.

const SLAB = 64 * 1024;
/**
 * Slabs start small and double up to SLAB: an idle association (handshake, a few
 * messages) then holds a few KiB instead of 64 (issue 6: memory per idle connection),
 * while a busy one reaches full-size slabs after a handful of packets.
 */
const FIRST_SLAB = 4 * 1024;

export class ByteSlab {
  private slab = new Uint8Array(0);
  private used = 0;
  private nextSize = FIRST_SLAB;

  /** A fresh zero-filled view of n bytes. */
  alloc(n: number): Uint8Array {
    if (n > SLAB / 4) return new Uint8Array(n);
    if (this.used + n > this.slab.length) {
      const size = Math.max(this.nextSize, n);
      this.nextSize = Math.min(SLAB, this.nextSize * 2);
      this.slab = new Uint8Array(size);
      this.used = 0;
    }
    const v = this.slab.subarray(this.used, this.used + n);
    // Keep views 8-byte aligned, so a DataView or a copy works on aligned words.
    this.used += (n + 7) & ~7;
    return v;
  }

  /** A copy of src in slab memory. */
  copy(src: Uint8Array): Uint8Array {
    const v = this.alloc(src.length);
    v.set(src);
    return v;
  }
}
