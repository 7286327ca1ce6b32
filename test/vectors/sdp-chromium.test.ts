import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { mediaCodecs, parse, serialize } from '../../src/sdp/index';

// Real descriptions captured from headless Chromium (test/vectors/sdp-chromium/capture.mjs).
const DIR = join(__dirname, 'sdp-chromium');
const files = readdirSync(DIR).filter((f) => f.endsWith('.sdp'));

describe('SDP round trip on real Chromium descriptions', () => {
  it('has the captured vectors', () => {
    expect(files).toEqual(expect.arrayContaining(['offer-av-dc.sdp', 'answer-av-dc-gathered.sdp', 'offer-simulcast.sdp']));
  });

  it.each(files)('%s: serialise(parse(x)) === x byte for byte', (name) => {
    const text = readFileSync(join(DIR, name), 'utf8');
    const parsed = parse(text);
    expect(serialize(parsed)).toBe(text);
    expect(parse(serialize(parsed))).toEqual(parsed);
    // Chromium's descriptions use no attribute the model does not know.
    for (const m of parsed.media) expect(m.attributes).toEqual([]);
  });

  it('reads the fields a peer needs from the gathered offer', () => {
    const s = parse(readFileSync(join(DIR, 'offer-av-dc-gathered.sdp'), 'utf8'));
    expect(s.groups).toEqual([{ semantics: 'BUNDLE', mids: ['0', '1', '2'] }]);
    expect(s.media.map((m) => [m.kind, m.mid, m.protocol])).toEqual([
      ['audio', '0', 'UDP/TLS/RTP/SAVPF'],
      ['video', '1', 'UDP/TLS/RTP/SAVPF'],
      ['application', '2', 'UDP/DTLS/SCTP'],
    ]);
    const [audio, video, app] = s.media;
    expect(audio.setup).toBe('actpass');
    expect(audio.fingerprints[0].algorithm).toBe('sha-256');
    expect(audio.fingerprints[0].value).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(audio.iceOptions).toEqual(['trickle']);
    expect(audio.rtcpMux && audio.rtcpRsize).toBe(true);
    expect(audio.candidates.length).toBeGreaterThan(0);
    expect(audio.candidates[0]).toMatchObject({ component: 1, address: '127.0.0.1', type: 'host' });
    const opus = mediaCodecs(audio).find((c) => c.name === 'opus');
    expect(opus).toMatchObject({ clockRate: 48000, channels: 2 });
    expect(opus?.parameters.get('useinbandfec')).toBe('1');
    expect(audio.extMaps.find((e) => e.uri === 'urn:ietf:params:rtp-hdrext:sdes:mid')).toBeDefined();
    const fid = video.ssrcGroups.find((g) => g.semantics === 'FID');
    expect(fid?.ssrcs).toHaveLength(2);
    const codecs = mediaCodecs(video);
    const vp8 = codecs.find((c) => c.name === 'VP8');
    expect(vp8?.feedback).toEqual(expect.arrayContaining([{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }]));
    expect(codecs.find((c) => c.name === 'rtx' && c.parameters.get('apt') === String(vp8?.payloadType))).toBeDefined();
    expect(video.msids[0].trackId).toBeDefined();
    expect(app.sctpPort).toBe(5000);
    expect(app.maxMessageSize).toBe(262144);
  });

  it('keeps rid and simulcast', () => {
    const s = parse(readFileSync(join(DIR, 'offer-simulcast.sdp'), 'utf8'));
    const v = s.media[0];
    expect(v.rids.map((r) => [r.id, r.direction])).toEqual([
      ['q', 'send'],
      ['h', 'send'],
      ['f', 'send'],
    ]);
    expect(v.simulcast?.send?.map((alts) => alts[0].rid)).toEqual(['q', 'h', 'f']);
    expect(v.direction).toBe('sendonly');
  });
});
