// Codec names accepted by createPacketizer / createDepacketizer (DESIGN.md "Public API").
import { WASM_RTP_CODEC, type WasmRtpCodec } from '../wasm/rtp.js';
import { misuse } from './errors.js';

export type RtpCodecName = WasmRtpCodec;
export const RTP_CODECS: readonly RtpCodecName[] = ['opus', 'vp8', 'vp9', 'h264', 'h265', 'av1'];

/** Default RTP clock rates: Opus 48 kHz (RFC 7587 §4.1), video 90 kHz. */
export function defaultClockRate(codec: RtpCodecName): number {
  return codec === 'opus' ? 48000 : 90000;
}

export function codecNumber(codec: string): number {
  const key = codec.toLowerCase() as RtpCodecName;
  const n = (WASM_RTP_CODEC as Record<string, number>)[key];
  if (n === undefined) {
    throw misuse('NotSupportedError', `unknown codec '${codec}': use one of ${RTP_CODECS.join(', ')}`);
  }
  return n;
}
