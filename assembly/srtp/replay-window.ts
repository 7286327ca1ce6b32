// Sliding replay window over packet indices (RFC 3711 §3.3.2): an index is accepted
// once if it is newer than the highest authenticated index, or at most `window - 1`
// behind it and not yet seen. The bitmap is circular: bit (index mod REPLAY_BITS_MAX).
// Checking never changes state; committing happens only after authentication, so a
// forged or replayed packet leaves the window as it was (RFC 3711 §3.3 step 5/6).

// Largest configurable window (packets). libwebrtc uses 1024, our default.
export const REPLAY_BITS_MAX: u32 = 2048;
export const REPLAY_BITMAP_SIZE: i32 = <i32>(REPLAY_BITS_MAX >> 3);

// @ts-ignore: decorator
@inline
function wordOf(bitmap: usize, index: u64): usize {
  return bitmap + ((<usize>(index & <u64>(REPLAY_BITS_MAX - 1)) >> 5) << 2);
}

// @ts-ignore: decorator
@inline
function bitOf(index: u64): u32 {
  return <u32>1 << (<u32>index & 31);
}

// May a packet with this index be accepted? (Before authentication; no side effects.)
export function replayAcceptable(bitmap: usize, highest: u64, initialized: bool, index: u64, window: u32): bool {
  if (!initialized || index > highest) return true;
  const behind = highest - index;
  if (behind >= <u64>window) return false;
  return (load<u32>(wordOf(bitmap, index)) & bitOf(index)) == 0;
}

// Records an authenticated index; returns the new highest index.
export function replayCommit(bitmap: usize, highest: u64, initialized: bool, index: u64): u64 {
  if (!initialized) {
    memory.fill(bitmap, 0, REPLAY_BITMAP_SIZE);
  } else if (index > highest) {
    const ahead = index - highest;
    if (ahead >= <u64>REPLAY_BITS_MAX) {
      memory.fill(bitmap, 0, REPLAY_BITMAP_SIZE);
    } else {
      // Forget the bits the window slides over (they belong to indices a full window older).
      for (let i: u64 = highest + 1; i < index; i++) {
        const w = wordOf(bitmap, i);
        store<u32>(w, load<u32>(w) & ~bitOf(i));
      }
    }
  }
  const w = wordOf(bitmap, index);
  store<u32>(w, load<u32>(w) | bitOf(index));
  return !initialized || index > highest ? index : highest;
}
