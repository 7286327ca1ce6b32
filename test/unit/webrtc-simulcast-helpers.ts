// Shared by the simulcast tests (unit, loopback and Chromium interop): VP8 key frame
// headers (RFC 6386 §9.1/§19.1) carry the picture size, which tells simulcast layers apart.

/** A VP8 frame: key frames with the start code and `width`×`height` (scale bits 0). */
export function vp8Frame(key: boolean, width: number, height: number, size = 1200, fill = 7): Uint8Array {
  const f = new Uint8Array(size).fill(fill);
  // Frame tag: P bit 0 = key frame, version 0, show_frame 1.
  f[0] = key ? 0x10 : 0x11;
  f[1] = 0;
  f[2] = 0;
  if (key) f.set([0x9d, 0x01, 0x2a, width & 0xff, (width >> 8) & 0x3f, height & 0xff, (height >> 8) & 0x3f], 3);
  return f;
}

/** Width and height of a VP8 key frame (RFC 6386 §9.1), or undefined for an inter frame or a short/garbled one. */
export function vp8KeyFrameSize(frame: Uint8Array): { width: number; height: number } | undefined {
  if (frame.length < 10 || (frame[0] & 1) !== 0) return undefined;
  if (frame[3] !== 0x9d || frame[4] !== 0x01 || frame[5] !== 0x2a) return undefined;
  return { width: (frame[6] | (frame[7] << 8)) & 0x3fff, height: (frame[8] | (frame[9] << 8)) & 0x3fff };
}
