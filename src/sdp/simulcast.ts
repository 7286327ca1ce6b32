// a=simulcast (RFC 8853 §5.1): "send 1;2,3 recv 4" — streams separated by ';',
// alternatives by ',', a leading '~' marks a paused stream.
import { SDP_ERROR, SdpError } from './errors.js';
import type { Simulcast, SimulcastStream } from './types.js';

function parseList(text: string): SimulcastStream[][] {
  return text.split(';').map((alternatives) =>
    alternatives.split(',').map((id) => {
      const paused = id.startsWith('~');
      const rid = paused ? id.slice(1) : id;
      if (!/^[A-Za-z0-9_-]{1,255}$/.test(rid)) throw new SdpError(SDP_ERROR.badValue, `simulcast rid "${id}" is invalid`);
      return { rid, paused };
    }),
  );
}

function serializeList(list: SimulcastStream[][]): string {
  return list.map((alts) => alts.map((s) => (s.paused ? `~${s.rid}` : s.rid)).join(',')).join(';');
}

export function parseSimulcast(value: string): Simulcast {
  const parts = value.trim().split(/\s+/);
  if (parts.length !== 2 && parts.length !== 4) throw new SdpError(SDP_ERROR.badValue, 'simulcast needs "send|recv <list>" once or twice');
  const out: Simulcast = {};
  for (let i = 0; i < parts.length; i += 2) {
    const dir = parts[i];
    if (dir !== 'send' && dir !== 'recv') throw new SdpError(SDP_ERROR.badValue, `simulcast direction "${dir}" is not send or recv`);
    if (out[dir] !== undefined) throw new SdpError(SDP_ERROR.badValue, `simulcast repeats "${dir}"`);
    out[dir] = parseList(parts[i + 1]);
  }
  return out;
}

export function serializeSimulcast(s: Simulcast): string {
  const parts: string[] = [];
  if (s.send) parts.push(`send ${serializeList(s.send)}`);
  if (s.recv) parts.push(`recv ${serializeList(s.recv)}`);
  return parts.join(' ');
}
