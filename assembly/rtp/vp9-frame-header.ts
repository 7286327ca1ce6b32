// The start of a VP9 uncompressed header (VP9 Bitstream Specification §6.2): enough to
// tell a key frame and read its size, which the RTP scalability structure carries.

let bitPtr: usize = 0;
let bitEnd: usize = 0;
let bitPos: i32 = 0;
let bitOverrun: bool = false;

function bits(n: i32): u32 {
  let v: u32 = 0;
  for (let i = 0; i < n; i++) {
    const byte = bitPtr + <usize>(bitPos >>> 3);
    if (byte >= bitEnd) {
      bitOverrun = true;
      return 0;
    }
    v = (v << 1) | ((<u32>load<u8>(byte) >>> (7 - (bitPos & 7))) & 1);
    bitPos++;
  }
  return v;
}

export let vp9Width: i32 = 0;
export let vp9Height: i32 = 0;

/** 1 for a key frame (size in vp9Width/vp9Height), 0 otherwise or when unreadable. */
export function vp9IsKeyFrame(p: usize, len: i32): i32 {
  bitPtr = p;
  bitEnd = p + <usize>len;
  bitPos = 0;
  bitOverrun = false;
  vp9Width = 0;
  vp9Height = 0;
  if (bits(2) != 2) return 0; // frame_marker
  const profile = bits(1) | (bits(1) << 1);
  if (profile == 3) bits(1); // reserved_zero
  if (bits(1)) return 0; // show_existing_frame
  if (bits(1) != 0) return 0; // frame_type: 0 = KEY_FRAME
  bits(2); // show_frame, error_resilient_mode
  if (bits(24) != 0x498342) return 0; // frame_sync_code
  // color_config (§6.2.2)
  if (profile >= 2) bits(1); // ten_or_twelve_bit
  const colorSpace = bits(3);
  if (colorSpace != 7) {
    bits(1); // color_range
    if (profile == 1 || profile == 3) bits(3); // subsampling_x, subsampling_y, reserved_zero
  } else if (profile == 1 || profile == 3) {
    bits(1); // reserved_zero
  }
  const w = bits(16) + 1; // frame_width_minus_1
  const h = bits(16) + 1; // frame_height_minus_1
  if (bitOverrun) return 0;
  vp9Width = <i32>w;
  vp9Height = <i32>h;
  return 1;
}
