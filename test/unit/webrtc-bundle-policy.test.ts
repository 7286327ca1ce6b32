import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from '../../src/sdp/index';
import { RTCPeerConnection, type RTCCertificate, type RTCSessionDescription } from '../../src/webrtc/index';
import { setPeerTransportFactory } from '../../src/webrtc/rtc-peer-connection';

// omnirtc runs one transport per peer connection. A peer that does not BUNDLE its sections
// (no a=group:BUNDLE, or sections outside the group) gets only the first section accepted,
// as JSEP §4.1.1 prescribes for max-bundle; the rest are rejected, never left half-connected.
const CHROME_OFFER = readFileSync(join(__dirname, '..', 'vectors', 'sdp-chromium', 'offer-av-dc-gathered.sdp'), 'utf8');

let cert: RTCCertificate;
beforeAll(async () => {
  setPeerTransportFactory(null);
  cert = await RTCPeerConnection.generateCertificate({ name: 'ECDSA', namedCurve: 'P-256' });
});

async function answer(offerSdp: string): Promise<{ pc: RTCPeerConnection; sdp: string }> {
  const pc = new RTCPeerConnection({ certificates: [cert] });
  await pc.setRemoteDescription({ type: 'offer', sdp: offerSdp });
  await pc.setLocalDescription(await pc.createAnswer());
  return { pc, sdp: (pc.localDescription as RTCSessionDescription).sdp };
}

describe('bundle policy with peers that do not bundle', () => {
  it('keeps every section of a fully bundled offer (the normal case)', async () => {
    const { pc, sdp } = await answer(CHROME_OFFER);
    const a = parse(sdp);
    expect(a.media.map((m) => m.port !== 0)).toEqual([true, true, true]);
    expect(a.groups.find((g) => g.semantics === 'BUNDLE')?.mids).toEqual(['0', '1', '2']);
    pc.close();
  });

  it('answers an offer with no BUNDLE group with only its first section (JSEP §4.1.1)', async () => {
    const { pc, sdp } = await answer(CHROME_OFFER.replace(/a=group:BUNDLE[^\r\n]*\r?\n/, ''));
    const a = parse(sdp);
    expect(a.media.map((m) => m.port !== 0)).toEqual([true, false, false]);
    expect(a.groups.filter((g) => g.semantics === 'BUNDLE')).toEqual([]);
    const [audio, video] = pc.getTransceivers();
    expect(audio.currentDirection).not.toBe('stopped');
    expect(video.currentDirection).toBe('stopped');
    expect(pc.sctp).toBeNull();
    // Candidates for a rejected section are accepted and ignored (no transport runs for it).
    await expect(pc.addIceCandidate({ sdpMid: '1', candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host' })).resolves.toBeUndefined();
    pc.close();
  });

  it('rejects only the sections left out of the offer\u2019s BUNDLE group', async () => {
    const { pc, sdp } = await answer(CHROME_OFFER.replace(/a=group:BUNDLE 0 1 2/, 'a=group:BUNDLE 0 2'));
    const a = parse(sdp);
    expect(a.media.map((m) => m.port !== 0)).toEqual([true, false, true]);
    expect(a.groups.find((g) => g.semantics === 'BUNDLE')?.mids).toEqual(['0', '2']);
    pc.close();
  });

  it('as offerer, treats sections a non-BUNDLE answer accepts outside the group as rejected', async () => {
    const offerer = new RTCPeerConnection({ certificates: [cert] });
    const answerer = new RTCPeerConnection({ certificates: [cert] });
    offerer.addTransceiver('audio');
    offerer.addTransceiver('video');
    offerer.createDataChannel('x');
    await offerer.setLocalDescription(await offerer.createOffer());
    await answerer.setRemoteDescription(offerer.localDescription as RTCSessionDescription);
    await answerer.setLocalDescription(await answerer.createAnswer());
    const unbundled = (answerer.localDescription as RTCSessionDescription).sdp.replace(/a=group:BUNDLE[^\r\n]*\r?\n/, '');
    await offerer.setRemoteDescription({ type: 'answer', sdp: unbundled });
    const [audio, video] = offerer.getTransceivers();
    expect(audio.currentDirection).toBe('sendrecv');
    expect(video.currentDirection).toBe('stopped');
    expect(offerer.sctp).toBeNull();
    // The next offer carries the rejection (JSEP §5.2.2).
    const next = parse((await offerer.createOffer()).sdp ?? '');
    expect(next.media[1].port).toBe(0);
    offerer.close();
    answerer.close();
  });
});
