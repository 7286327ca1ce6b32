import {
  SDP_ERROR,
  SdpError,
  codecsMatch,
  mediaCodecs,
  parse,
  parseCandidate,
  parseFmtpParameters,
  parseSimulcast,
  serialize,
  serializeCandidate,
  serializeFmtpParameters,
  serializeSimulcast,
  type Codec,
} from '../../src/sdp/index';

const MINIMAL = 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n';

function codec(name: string, params: Record<string, string> = {}, clockRate = 90000, channels?: number): Codec {
  const c: Codec = { payloadType: 96, name, clockRate, parameters: new Map(Object.entries(params)), feedback: [] };
  if (channels !== undefined) c.channels = channels;
  return c;
}

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof SdpError) return e.code;
    throw e;
  }
  return 'no error';
}

describe('sdp: lines and attributes', () => {
  it('parses a minimal description and serialises it with CRLF', () => {
    const s = parse(MINIMAL.replace(/\r\n/g, '\n'));
    expect(s.origin).toMatchObject({ sessionId: '1', sessionVersion: '1', address: '0.0.0.0' });
    expect(serialize(s)).toBe(MINIMAL);
  });

  it('keeps 64-bit session ids exact', () => {
    const s = parse(MINIMAL.replace('o=- 1 1', 'o=- 18446744073709551615 2'));
    expect(s.origin.sessionId).toBe('18446744073709551615');
  });

  it('keeps unknown attributes and lines', () => {
    const text = `${MINIMAL}a=x-session:1\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\ni=info\r\nc=IN IP4 0.0.0.0\r\nb=AS:64\r\nk=prompt\r\na=mid:a\r\na=rtpmap:111 opus/48000/2\r\na=x-google-flag:conference\r\na=ptime:20\r\n`;
    const s = parse(text);
    expect(s.attributes).toEqual([{ name: 'x-session', value: '1' }]);
    const m = s.media[0];
    expect(m.attributes).toEqual([{ name: 'x-google-flag', value: 'conference' }, { name: 'ptime', value: '20' }]);
    expect(m.otherLines).toEqual([{ type: 'k', value: 'prompt' }]);
    expect(m.bandwidths).toEqual([{ type: 'AS', value: 64 }]);
    expect(m.information).toBe('info');
    expect(parse(serialize(s))).toEqual(s);
  });

  it('parses extmap with direction and attributes, end-of-candidates, rtcp-mux-only, bundle-only', () => {
    const s = parse(
      `${MINIMAL}m=video 0 UDP/TLS/RTP/SAVPF 96\r\na=mid:v\r\na=bundle-only\r\na=extmap:3/recvonly urn:x attr\r\na=rtcp-mux\r\na=rtcp-mux-only\r\na=end-of-candidates\r\na=ssrc-group:FID 1 2\r\n`,
    );
    const m = s.media[0];
    expect(m.extMaps).toEqual([{ id: 3, direction: 'recvonly', uri: 'urn:x', attributes: 'attr' }]);
    expect([m.bundleOnly, m.rtcpMux, m.rtcpMuxOnly, m.endOfCandidates]).toEqual([true, true, true, true]);
    expect(m.ssrcGroups).toEqual([{ semantics: 'FID', ssrcs: [1, 2] }]);
    expect(parse(serialize(s))).toEqual(s);
  });

  it('parses ice-lite and session-level ICE/DTLS attributes', () => {
    const s = parse(`${MINIMAL}a=ice-lite\r\na=ice-ufrag:abcd\r\na=ice-pwd:0123456789012345678901\r\na=fingerprint:SHA-256 ab:cd\r\na=setup:passive\r\n`);
    expect(s.iceLite).toBe(true);
    expect(s.iceUfrag).toBe('abcd');
    expect(s.fingerprints).toEqual([{ algorithm: 'sha-256', value: 'AB:CD' }]);
    expect(s.setup).toBe('passive');
  });

  it('rejects malformed input with typed codes and line numbers', () => {
    expect(code(() => parse(''))).toBe(SDP_ERROR.missingLine);
    expect(code(() => parse('o=- 1 1 IN IP4 0.0.0.0\r\n'))).toBe(SDP_ERROR.missingLine);
    expect(code(() => parse('v=0\r\ns=-\r\n'))).toBe(SDP_ERROR.missingLine);
    expect(code(() => parse(`${MINIMAL}garbage\r\n`))).toBe(SDP_ERROR.badLine);
    expect(code(() => parse(`${MINIMAL}m=audio x RTP 0\r\n`))).toBe(SDP_ERROR.badValue);
    expect(code(() => parse(`${MINIMAL}m=audio 9 RTP 0\r\na=rtpmap:300 x/1\r\n`))).toBe(SDP_ERROR.badValue);
    expect(code(() => parse(`${MINIMAL}a=setup:sideways\r\n`))).toBe(SDP_ERROR.badValue);
    expect(code(() => parse(`${MINIMAL}a=extmap:0 urn:x\r\n`))).toBe(SDP_ERROR.badValue);
    expect(code(() => parse('x'.repeat(300 * 1024)))).toBe(SDP_ERROR.tooLarge);
    try {
      parse(`${MINIMAL}a=fingerprint:nothex\r\n`);
    } catch (e) {
      expect((e as SdpError).line).toBe(5);
    }
  });

  it('bounds the number of m= sections and candidates', () => {
    const many = MINIMAL + 'm=audio 9 RTP/AVP 0\r\n'.repeat(300);
    expect(code(() => parse(many))).toBe(SDP_ERROR.tooMany);
    const cands = `${MINIMAL}m=audio 9 RTP/AVP 0\r\n${'a=candidate:1 1 udp 1 127.0.0.1 9 typ host\r\n'.repeat(300)}`;
    expect(code(() => parse(cands))).toBe(SDP_ERROR.tooMany);
  });
});

describe('sdp: candidate lines (RFC 8839 §5.1)', () => {
  it('round-trips host, srflx with raddr/rport, tcp with tcptype and extensions', () => {
    for (const line of [
      'candidate:312332153 1 udp 2122260223 127.0.0.1 60732 typ host generation 0 network-id 1 network-cost 50',
      'candidate:842163049 1 udp 1677729535 203.0.113.7 41000 typ srflx raddr 10.0.0.2 rport 41000 generation 0 ufrag abcd',
      'candidate:1817325025 1 tcp 1518280447 127.0.0.1 9 typ host tcptype active generation 0',
      'candidate:1 1 UDP 2130706431 ::1 5000 typ host',
    ]) {
      expect(serializeCandidate(parseCandidate(line))).toBe(line);
    }
    const c = parseCandidate('a=candidate:a+/b 2 udp 1 10.0.0.1 1 typ relay raddr 1.2.3.4 rport 9');
    expect(c).toMatchObject({ foundation: 'a+/b', component: 2, type: 'relay', relatedAddress: '1.2.3.4', relatedPort: 9 });
  });

  it('rejects malformed candidates', () => {
    expect(code(() => parseCandidate('candidate:1 1 udp 1 127.0.0.1 9 host'))).toBe(SDP_ERROR.badValue);
    expect(code(() => parseCandidate('candidate:1 1 udp 1 127.0.0.1 70000 typ host'))).toBe(SDP_ERROR.badValue);
    expect(code(() => parseCandidate('candidate:1 0 udp 1 127.0.0.1 9 typ host'))).toBe(SDP_ERROR.badValue);
    expect(code(() => parseCandidate('candidate:1 1 udp 1 127.0.0.1 9 typ host generation'))).toBe(SDP_ERROR.badValue);
    expect(code(() => parseCandidate('candidate:1 1 udp 99999999999 127.0.0.1 9 typ host'))).toBe(SDP_ERROR.badValue);
  });
});

describe('sdp: fmtp, simulcast', () => {
  it('parses and serialises fmtp parameter lists', () => {
    const p = parseFmtpParameters('minptime=10; useinbandfec=1;Profile-Level-Id=42e01f;flag');
    expect([...p.entries()]).toEqual([
      ['minptime', '10'],
      ['useinbandfec', '1'],
      ['profile-level-id', '42e01f'],
      ['flag', ''],
    ]);
    expect(serializeFmtpParameters(p)).toBe('minptime=10;useinbandfec=1;profile-level-id=42e01f;flag');
  });

  it('parses simulcast with alternatives and paused streams (RFC 8853 §5.1)', () => {
    const s = parseSimulcast('send 1,~2;3 recv 4');
    expect(s.send).toEqual([
      [
        { rid: '1', paused: false },
        { rid: '2', paused: true },
      ],
      [{ rid: '3', paused: false }],
    ]);
    expect(serializeSimulcast(s)).toBe('send 1,~2;3 recv 4');
    expect(code(() => parseSimulcast('sideways 1'))).toBe(SDP_ERROR.badValue);
  });
});

describe('sdp: codec matching (RFC 9429 §5.3.1, RFC 6184 §8.2.2)', () => {
  it('matches by name (case-insensitive), clock rate and channels', () => {
    expect(codecsMatch(codec('opus', {}, 48000, 2), codec('OPUS', { minptime: '10' }, 48000, 2))).toBe(true);
    expect(codecsMatch(codec('opus', {}, 48000, 2), codec('opus', {}, 48000, 1))).toBe(false);
    expect(codecsMatch(codec('VP8'), codec('VP9'))).toBe(false);
  });

  it('matches H.264 by profile and packetization-mode, not by level', () => {
    const cb31 = codec('H264', { 'profile-level-id': '42e01f', 'packetization-mode': '1' });
    expect(codecsMatch(cb31, codec('H264', { 'profile-level-id': '42e034', 'packetization-mode': '1' }))).toBe(true);
    expect(codecsMatch(cb31, codec('H264', { 'profile-level-id': '4d801f', 'packetization-mode': '1' }))).toBe(true);
    expect(codecsMatch(cb31, codec('H264', { 'profile-level-id': '42001f', 'packetization-mode': '1' }))).toBe(false);
    expect(codecsMatch(cb31, codec('H264', { 'profile-level-id': '42e01f', 'packetization-mode': '0' }))).toBe(false);
    expect(codecsMatch(cb31, codec('H264', { 'profile-level-id': '640c1f', 'packetization-mode': '1' }))).toBe(false);
  });

  it('matches VP9 profile-id and AV1 profile with their defaults', () => {
    expect(codecsMatch(codec('VP9'), codec('VP9', { 'profile-id': '0' }))).toBe(true);
    expect(codecsMatch(codec('VP9'), codec('VP9', { 'profile-id': '2' }))).toBe(false);
    expect(codecsMatch(codec('AV1', { profile: '0' }), codec('AV1'))).toBe(true);
  });

  it('lists the codecs of an m= section in format order with wildcard feedback', () => {
    const s = parse(`${MINIMAL}m=video 9 UDP/TLS/RTP/SAVPF 97 96 0\r\na=rtcp-fb:* nack\r\na=rtpmap:96 VP8/90000\r\na=rtpmap:97 rtx/90000\r\na=fmtp:97 apt=96\r\n`);
    const cs = mediaCodecs(s.media[0]);
    expect(cs.map((c) => c.payloadType)).toEqual([97, 96]);
    expect(cs[1].feedback).toEqual([{ type: 'nack' }]);
    expect(cs[0].parameters.get('apt')).toBe('96');
  });
});
