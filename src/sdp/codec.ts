// Codec view of an m= section and the matching rules JSEP uses to negotiate codecs
// against the peer's payload types (RFC 9429 §5.3.1/§5.7.1, RFC 3264 §6.1).
import { parseFmtpParameters } from './fmtp.js';
import type { MediaDescription, RtcpFeedback } from './types.js';

export interface Codec {
  payloadType: number;
  /** Encoding name as sent (compare case-insensitively, RFC 8866 §6.6). */
  name: string;
  clockRate: number;
  channels?: number;
  /** fmtp parameters, keys lower-cased. */
  parameters: Map<string, string>;
  feedback: { type: string; parameter?: string }[];
}

/** The codecs of an m= section, in the order of its format list. */
export function mediaCodecs(m: MediaDescription): Codec[] {
  const out: Codec[] = [];
  for (const f of m.formats) {
    if (!/^[0-9]{1,3}$/.test(f)) continue;
    const pt = Number(f);
    const map = m.rtpMaps.find((r) => r.payloadType === pt);
    if (!map) continue; // static payload types without rtpmap are not used by WebRTC peers
    const fmtp = m.fmtps.find((x) => x.payloadType === pt);
    const feedback = m.rtcpFeedback
      .filter((fb: RtcpFeedback) => fb.payloadType === pt || fb.payloadType === '*')
      .map((fb) => (fb.parameter !== undefined ? { type: fb.type, parameter: fb.parameter } : { type: fb.type }));
    const codec: Codec = {
      payloadType: pt,
      name: map.encodingName,
      clockRate: map.clockRate,
      parameters: fmtp ? parseFmtpParameters(fmtp.parameters) : new Map(),
      feedback,
    };
    if (map.channels !== undefined) codec.channels = map.channels;
    out.push(codec);
  }
  return out;
}

// RFC 6184 §8.1 / RFC 6184 Table 5: profile_idc and profile-iop identify the profile;
// Constrained Baseline is 42 with constraint_set1 (0x40) — also spelled 42e0 / 4240.
function h264Profile(plid: string | undefined): string | undefined {
  const id = (plid ?? '42001f').toLowerCase();
  if (!/^[0-9a-f]{6}$/.test(id)) return undefined;
  const idc = Number.parseInt(id.slice(0, 2), 16);
  const iop = Number.parseInt(id.slice(2, 4), 16);
  if (idc === 0x42) return iop & 0x40 ? 'constrained-baseline' : 'baseline';
  if (idc === 0x4d) return iop & 0x80 ? 'constrained-baseline' : 'main';
  if (idc === 0x58) return iop & 0x80 ? (iop & 0x40 ? 'constrained-baseline' : 'baseline') : 'extended';
  if (idc === 0x64) return iop === 0x0c ? 'constrained-high' : 'high';
  if (idc === 0xf4) return 'high-444';
  return `idc-${idc}`;
}

function param(c: Codec, key: string, fallback: string): string {
  return c.parameters.get(key) ?? fallback;
}

/**
 * Whether two codec descriptions name the same codec configuration, so a payload type of
 * the remote can be used for a local codec: encoding name, clock rate and channels; for
 * H.264 the profile and packetization-mode (RFC 6184 §8.2.2); VP9 profile-id; AV1 profile.
 * RTX is matched through its apt by the caller (see matchRtx).
 */
export function codecsMatch(a: Codec, b: Codec): boolean {
  if (a.name.toLowerCase() !== b.name.toLowerCase() || a.clockRate !== b.clockRate) return false;
  if ((a.channels ?? 1) !== (b.channels ?? 1)) return false;
  switch (a.name.toLowerCase()) {
    case 'h264': {
      const pa = h264Profile(a.parameters.get('profile-level-id'));
      return pa !== undefined && pa === h264Profile(b.parameters.get('profile-level-id')) && param(a, 'packetization-mode', '0') === param(b, 'packetization-mode', '0');
    }
    case 'vp9':
      return param(a, 'profile-id', '0') === param(b, 'profile-id', '0');
    case 'av1':
      return param(a, 'profile', '0') === param(b, 'profile', '0');
    case 'red':
    case 'rtx':
      return true;
    default:
      return true;
  }
}

/** The RTX payload type associated with `payloadType` in a codec list (RFC 4588 §8.6 apt). */
export function rtxFor(codecs: readonly Codec[], payloadType: number): Codec | undefined {
  return codecs.find((c) => c.name.toLowerCase() === 'rtx' && c.parameters.get('apt') === String(payloadType));
}
