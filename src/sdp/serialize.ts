// Model → SDP text (RFC 8866 §5 line order: v o s i u e p c b t r z k a, then media
// sections m i c b k a). Attributes are written in the order Chromium writes them, so a
// Chromium description survives parse → serialise byte for byte.
import { serializeCandidate } from './candidate.js';
import { serializeSimulcast } from './simulcast.js';
import type { ExtMap, MediaDescription, SessionDescription, TransportAttributes } from './types.js';

function extMapLine(e: ExtMap): string {
  let out = `a=extmap:${e.id}${e.direction ? `/${e.direction}` : ''} ${e.uri}`;
  if (e.attributes !== undefined) out += ` ${e.attributes}`;
  return out;
}

function connectionLines(t: TransportAttributes, out: string[]): void {
  if (t.connection) out.push(`c=${t.connection.netType} ${t.connection.addrType} ${t.connection.address}`);
  for (const b of t.bandwidths) out.push(`b=${b.type}:${b.value}`);
}

function iceDtlsLines(t: TransportAttributes, out: string[]): void {
  if (t.iceUfrag !== undefined) out.push(`a=ice-ufrag:${t.iceUfrag}`);
  if (t.icePwd !== undefined) out.push(`a=ice-pwd:${t.icePwd}`);
  if (t.iceOptions !== undefined) out.push(`a=ice-options:${t.iceOptions.join(' ')}`);
  for (const f of t.fingerprints) out.push(`a=fingerprint:${f.algorithm} ${f.value}`);
  if (t.setup !== undefined) out.push(`a=setup:${t.setup}`);
}

function otherLines(t: TransportAttributes, out: string[]): void {
  for (const a of t.attributes) out.push(a.value === undefined ? `a=${a.name}` : `a=${a.name}:${a.value}`);
}

function mediaLines(m: MediaDescription, out: string[]): void {
  const port = m.numberOfPorts !== undefined ? `${m.port}/${m.numberOfPorts}` : `${m.port}`;
  out.push(`m=${m.kind} ${port} ${m.protocol}${m.formats.map((f) => ` ${f}`).join('')}`);
  if (m.information !== undefined) out.push(`i=${m.information}`);
  connectionLines(m, out);
  for (const l of m.otherLines) out.push(`${l.type}=${l.value}`);
  if (m.rtcp) {
    const r = m.rtcp;
    out.push(r.address !== undefined ? `a=rtcp:${r.port} ${r.netType} ${r.addrType} ${r.address}` : `a=rtcp:${r.port}`);
  }
  for (const c of m.candidates) out.push(`a=${serializeCandidate(c)}`);
  if (m.endOfCandidates) out.push('a=end-of-candidates');
  iceDtlsLines(m, out);
  if (m.mid !== undefined) out.push(`a=mid:${m.mid}`);
  if (m.bundleOnly) out.push('a=bundle-only');
  for (const e of m.extMaps) out.push(extMapLine(e));
  if (m.extmapAllowMixed) out.push('a=extmap-allow-mixed');
  if (m.direction !== undefined) out.push(`a=${m.direction}`);
  for (const s of m.msids) out.push(s.trackId !== undefined ? `a=msid:${s.streamId} ${s.trackId}` : `a=msid:${s.streamId}`);
  if (m.rtcpMux) out.push('a=rtcp-mux');
  if (m.rtcpMuxOnly) out.push('a=rtcp-mux-only');
  if (m.rtcpRsize) out.push('a=rtcp-rsize');
  for (const fb of m.rtcpFeedback) if (fb.payloadType === '*') out.push(rtcpFbLine(fb.payloadType, fb.type, fb.parameter));
  // Per payload type, in m= order: rtpmap, its rtcp-fb lines, its fmtp (Chromium's order).
  const done = new Set<number>();
  const codecLines = (pt: number): void => {
    if (done.has(pt)) return;
    done.add(pt);
    for (const r of m.rtpMaps) {
      if (r.payloadType === pt) out.push(`a=rtpmap:${pt} ${r.encodingName}/${r.clockRate}${r.channels !== undefined ? `/${r.channels}` : ''}`);
    }
    for (const fb of m.rtcpFeedback) if (fb.payloadType === pt) out.push(rtcpFbLine(pt, fb.type, fb.parameter));
    for (const f of m.fmtps) if (f.payloadType === pt) out.push(`a=fmtp:${pt} ${f.parameters}`);
  };
  for (const f of m.formats) if (/^[0-9]{1,3}$/.test(f)) codecLines(Number(f));
  for (const r of m.rtpMaps) codecLines(r.payloadType);
  for (const f of m.fmtps) codecLines(f.payloadType);
  for (const fb of m.rtcpFeedback) if (fb.payloadType !== '*') codecLines(fb.payloadType);
  for (const r of m.rids) out.push(`a=rid:${r.id} ${r.direction}${r.restrictions !== undefined ? ` ${r.restrictions}` : ''}`);
  if (m.simulcast) out.push(`a=simulcast:${serializeSimulcast(m.simulcast)}`);
  for (const g of m.ssrcGroups) out.push(`a=ssrc-group:${g.semantics}${g.ssrcs.map((s) => ` ${s}`).join('')}`);
  for (const s of m.ssrcs) out.push(`a=ssrc:${s.ssrc} ${s.attribute}${s.value !== undefined ? `:${s.value}` : ''}`);
  if (m.sctpPort !== undefined) out.push(`a=sctp-port:${m.sctpPort}`);
  if (m.maxMessageSize !== undefined) out.push(`a=max-message-size:${m.maxMessageSize}`);
  otherLines(m, out);
}

function rtcpFbLine(pt: number | '*', type: string, parameter: string | undefined): string {
  return `a=rtcp-fb:${pt} ${type}${parameter !== undefined ? ` ${parameter}` : ''}`;
}

/** Serialises a description with CRLF line endings (RFC 8866 §5). */
export function serialize(s: SessionDescription): string {
  const out: string[] = [`v=${Math.max(s.version, 0)}`];
  const o = s.origin;
  out.push(`o=${o.username} ${o.sessionId} ${o.sessionVersion} ${o.netType} ${o.addrType} ${o.address}`);
  out.push(`s=${s.sessionName}`);
  if (s.information !== undefined) out.push(`i=${s.information}`);
  // u= e= p= precede c= (RFC 8866 §5); r= z= k= follow t=. Keep unknown ones in place.
  const early = s.otherLines.filter((l) => 'uep'.includes(l.type));
  const late = s.otherLines.filter((l) => !'uep'.includes(l.type));
  for (const l of early) out.push(`${l.type}=${l.value}`);
  connectionLines(s, out);
  out.push(`t=${s.timing.start} ${s.timing.stop}`);
  for (const l of late) out.push(`${l.type}=${l.value}`);
  if (s.iceLite) out.push('a=ice-lite');
  for (const g of s.groups) out.push(`a=group:${g.semantics}${g.mids.map((m) => ` ${m}`).join('')}`);
  if (s.extmapAllowMixed) out.push('a=extmap-allow-mixed');
  for (const m of s.msidSemantics) out.push(`a=msid-semantic: ${[m.semantic, ...m.identifiers].join(' ')}`);
  iceDtlsLines(s, out);
  for (const e of s.extMaps) out.push(extMapLine(e));
  if (s.direction !== undefined) out.push(`a=${s.direction}`);
  otherLines(s, out);
  for (const m of s.media) mediaLines(m, out);
  return `${out.join('\r\n')}\r\n`;
}
