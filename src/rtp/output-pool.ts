// Small results (an RTP packet, an audio frame) are copied out of the core into a shared
// 64 KiB pool and handed out as views, so the common case costs no allocation of its own
// (the same trade-off as Node's Buffer pool: a view's .buffer is the whole pool, and a
// view kept alive keeps its pool alive). Larger results get their own copy.

const POOL_SIZE = 64 * 1024;
const MAX_POOLED = 4096;

let pool = new Uint8Array(0);
let used = 0;

/** A copy of src that the caller owns (the pool never writes over it). */
export function pooledCopy(src: Uint8Array): Uint8Array {
  const n = src.length;
  if (n > MAX_POOLED) return src.slice();
  if (used + n > pool.length) {
    pool = new Uint8Array(POOL_SIZE);
    used = 0;
  }
  pool.set(src, used);
  const view = pool.subarray(used, used + n);
  used += (n + 7) & ~7; // keep views 8-byte aligned
  return view;
}
