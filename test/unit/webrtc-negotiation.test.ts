import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mediaCodecs, parse } from '../../src/sdp/index';
import { MediaStream, MediaStreamTrack, RTCCertificate, RTCPeerConnection, RTCSessionDescription, type RTCTrackEvent } from '../../src/webrtc/index';
import { setPeerTransportFactory } from '../../src/webrtc/rtc-peer-connection';

// Two omnirtc peers negotiating in process (no transport): the JSEP state machine,
// transceivers, events and W3C misuse errors.
const CHROME_OFFER = readFileSync(join(__dirname, '..', 'vectors', 'sdp-chromium', 'offer-av-dc-gathered.sdp'), 'utf8');

let cert: RTCCertificate;
beforeAll(async () => {
  // Negotiation only: no sockets in this suite (test/sim/webrtc* runs the transport).
  setPeerTransportFactory(null);
  cert = await RTCPeerConnection.generateCertificate({ name: 'ECDSA', namedCurve: 'P-256' });
});

function peers(): [RTCPeerConnection, RTCPeerConnection] {
  return [new RTCPeerConnection({ certificates: [cert] }), new RTCPeerConnection({ certificates: [cert] })];
}

async function negotiate(offerer: RTCPeerConnection, answerer: RTCPeerConnection): Promise<void> {
  await offerer.setLocalDescription(await offerer.createOffer());
  await answerer.setRemoteDescription(offerer.localDescription as RTCSessionDescription);
  await answerer.setLocalDescription(await answerer.createAnswer());
  await offerer.setRemoteDescription(answerer.localDescription as RTCSessionDescription);
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

async function rejectsWith(p: Promise<unknown>, name: string): Promise<void> {
  await expect(p).rejects.toMatchObject({ name });
}

function throwsName(fn: () => unknown, name: string): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toMatchObject({ name });
}

describe('RTCPeerConnection negotiation between two omnirtc peers', () => {
  it('offers audio+video, answers, fires track events with streams, reaches stable', async () => {
    const [a, b] = peers();
    const stream = new MediaStream();
    const audio = new MediaStreamTrack({ kind: 'audio' });
    const video = new MediaStreamTrack({ kind: 'video' });
    let needed = 0;
    a.onnegotiationneeded = () => needed++;
    a.addTrack(audio, stream);
    a.addTrack(video, stream);
    await tick();
    expect(needed).toBe(1); // one event for both additions (W3C §4.7.3 queuing)

    const states: string[] = [];
    b.addEventListener('signalingstatechange', () => states.push(b.signalingState));
    const tracks: RTCTrackEvent[] = [];
    b.ontrack = (e) => tracks.push(e);
    await negotiate(a, b);

    expect(a.signalingState).toBe('stable');
    expect(b.signalingState).toBe('stable');
    expect(states).toEqual(['have-remote-offer', 'stable']);
    expect(tracks.map((t) => t.track.kind)).toEqual(['audio', 'video']);
    expect(tracks[0].streams[0].id).toBe(stream.id);
    expect(tracks[0].streams[0]).toBe(tracks[1].streams[0]);
    expect(tracks[0].streams[0].getTracks()).toHaveLength(2);
    expect(a.getTransceivers().map((t) => [t.mid, t.currentDirection])).toEqual([
      ['0', 'sendrecv'],
      ['1', 'sendrecv'],
    ]);
    expect(b.getTransceivers().map((t) => [t.mid, t.direction, t.currentDirection])).toEqual([
      ['0', 'recvonly', 'recvonly'],
      ['1', 'recvonly', 'recvonly'],
    ]);
    const offer = parse(a.currentLocalDescription?.sdp ?? '');
    expect(offer.groups[0]).toEqual({ semantics: 'BUNDLE', mids: ['0', '1'] });
    expect(offer.media[0].setup).toBe('actpass');
    expect(offer.media[0].fingerprints[0].value).toBe(cert.getFingerprints()[0].value);
    const answer = parse(b.currentLocalDescription?.sdp ?? '');
    expect(answer.media[0].setup).toBe('active');
    expect(answer.media.map((m) => m.direction)).toEqual(['recvonly', 'recvonly']);
    // Negotiated codecs on the sender, RTX paired for video.
    const vp8 = a.getTransceivers()[1].sender.getParameters().codecs;
    expect(vp8[0]).toMatchObject({ mimeType: 'video/VP8', payloadType: 96 });
    expect(vp8[1]).toMatchObject({ mimeType: 'video/rtx', sdpFmtpLine: 'apt=96' });
    await tick();
    expect(needed).toBe(1);
  });

  it('implicit setLocalDescription() creates the offer and the answer', async () => {
    const [a, b] = peers();
    a.addTransceiver('audio');
    await a.setLocalDescription();
    expect(a.signalingState).toBe('have-local-offer');
    expect(a.localDescription?.type).toBe('offer');
    await b.setRemoteDescription(a.localDescription as RTCSessionDescription);
    await b.setLocalDescription();
    expect(b.localDescription?.type).toBe('answer');
    await a.setRemoteDescription(b.localDescription as RTCSessionDescription);
    expect([a.signalingState, b.signalingState]).toEqual(['stable', 'stable']);
  });

  it('rolls back a local offer and a remote offer', async () => {
    const [a, b] = peers();
    a.addTransceiver('video');
    await a.setLocalDescription();
    expect(a.getTransceivers()[0].mid).toBe('0');
    await a.setLocalDescription({ type: 'rollback' });
    expect(a.signalingState).toBe('stable');
    expect(a.getTransceivers()[0].mid).toBeNull();
    expect(a.pendingLocalDescription).toBeNull();

    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription as RTCSessionDescription);
    expect(b.getTransceivers()).toHaveLength(1);
    await b.setRemoteDescription({ type: 'rollback' });
    expect(b.signalingState).toBe('stable');
    expect(b.getTransceivers()).toHaveLength(0); // created by the offer, removed by rollback
    await rejectsWith(b.setLocalDescription({ type: 'rollback' }), 'InvalidStateError');
  });

  it('resolves glare: a remote offer in have-local-offer rolls the local offer back', async () => {
    const [a, b] = peers();
    a.addTransceiver('audio');
    b.addTransceiver('audio');
    await a.setLocalDescription();
    await b.setLocalDescription();
    await b.setRemoteDescription(a.localDescription as RTCSessionDescription);
    expect(b.signalingState).toBe('have-remote-offer');
    await b.setLocalDescription();
    await a.setRemoteDescription(b.localDescription as RTCSessionDescription);
    expect([a.signalingState, b.signalingState]).toEqual(['stable', 'stable']);
    // b's own audio transceiver was recycled for a's m= section (addTransceiver is not addTrack, so a new one).
    await tick();
  });

  it('renegotiates: removeTrack removes the remote track from its stream, direction changes fire negotiationneeded', async () => {
    const [a, b] = peers();
    const sender = a.addTrack(new MediaStreamTrack({ kind: 'audio' }), new MediaStream());
    let track: RTCTrackEvent | undefined;
    b.ontrack = (e) => {
      track = e;
    };
    await negotiate(a, b);
    await tick();
    let needed = 0;
    a.onnegotiationneeded = () => needed++;
    a.removeTrack(sender);
    expect(a.getTransceivers()[0].direction).toBe('recvonly');
    await tick();
    expect(needed).toBe(1);
    let removed = 0;
    track?.streams[0].addEventListener('removetrack', () => removed++);
    await negotiate(a, b);
    // No media ever flowed here, so the track stayed muted (W3C §5.3); it leaves its stream.
    expect(track?.track.muted).toBe(true);
    expect(removed).toBe(1);
    expect(a.getTransceivers()[0].currentDirection).toBe('recvonly');
    // b only ever received, and a no longer sends: inactive (JSEP §5.3.1 direction intersection).
    expect(b.getTransceivers()[0].currentDirection).toBe('inactive');
    a.getTransceivers()[0].direction = 'sendrecv';
    await tick();
    expect(needed).toBe(2);
  });

  it('stop() rejects the m= section at the next negotiation', async () => {
    const [a, b] = peers();
    const t = a.addTransceiver('video');
    await negotiate(a, b);
    t.stop();
    expect(t.direction).toBe('stopped');
    expect(t.sender.track).toBeNull();
    await negotiate(a, b);
    expect(t.stopped).toBe(true);
    expect(t.currentDirection).toBe('stopped');
    expect(parse(a.currentLocalDescription?.sdp ?? '').media[0].port).toBe(0);
    expect(b.getTransceivers()[0].stopped).toBe(true);
    expect(b.getTransceivers()[0].receiver.track.readyState).toBe('ended');
    // A new transceiver gets a new m= section (the rejected one stays in place).
    a.addTransceiver('audio');
    await negotiate(a, b);
    expect(parse(a.currentLocalDescription?.sdp ?? '').media.map((m) => [m.kind, m.port !== 0])).toEqual([
      ['video', false],
      ['audio', true],
    ]);
  });

  it('restartIce changes ufrag/pwd in the next offer', async () => {
    const [a, b] = peers();
    a.addTransceiver('audio');
    await negotiate(a, b);
    const before = parse(a.currentLocalDescription?.sdp ?? '').media[0];
    let needed = 0;
    a.onnegotiationneeded = () => needed++;
    a.restartIce();
    await tick();
    expect(needed).toBe(1);
    await negotiate(a, b);
    const after = parse(a.currentLocalDescription?.sdp ?? '').media[0];
    expect(after.iceUfrag).not.toBe(before.iceUfrag);
    expect(after.icePwd).not.toBe(before.icePwd);
  });

  it('answers an ICE restart offer with new credentials (JSEP §5.3.1)', async () => {
    const [a, b] = peers();
    a.addTransceiver('audio');
    await negotiate(a, b);
    const before = parse(b.currentLocalDescription?.sdp ?? '').media[0];
    a.restartIce();
    await negotiate(a, b);
    const after = parse(b.currentLocalDescription?.sdp ?? '').media[0];
    expect(after.iceUfrag).not.toBe(before.iceUfrag);
    expect(after.icePwd).not.toBe(before.icePwd);
    // A plain renegotiation keeps them.
    a.addTransceiver('video');
    await negotiate(a, b);
    expect(parse(b.currentLocalDescription?.sdp ?? '').media[0].iceUfrag).toBe(after.iceUfrag);
  });

  it('answers a real Chromium offer with matching payload types, active setup and BUNDLE', async () => {
    const pc = new RTCPeerConnection({ certificates: [cert] });
    const tracks: string[] = [];
    pc.ontrack = (e) => tracks.push(e.track.kind);
    await pc.setRemoteDescription({ type: 'offer', sdp: CHROME_OFFER });
    expect(tracks).toEqual(['audio', 'video']);
    expect(pc.canTrickleIceCandidates).toBe(true);
    const answer = parse((await pc.createAnswer()).sdp ?? '');
    expect(answer.groups[0].mids).toEqual(['0', '1', '2']);
    const [audio, video, app] = answer.media;
    expect(audio.setup).toBe('active');
    expect(audio.direction).toBe('recvonly');
    expect(mediaCodecs(audio).map((c) => [c.name, c.payloadType])).toEqual([
      ['opus', 111],
      ['PCMU', 0],
      ['PCMA', 8],
      // RFC 4733 DTMF, accepted at Chrome's payload types.
      ['telephone-event', 110],
      ['telephone-event', 126],
    ]);
    const vc = mediaCodecs(video);
    // Chrome's order and numbers; RTX with Chrome's apt pairing; H.264 by profile and mode.
    expect(vc.map((c) => c.name)).toEqual(['VP8', 'rtx', 'H264', 'rtx', 'H264', 'rtx', 'AV1', 'rtx', 'VP9', 'rtx']);
    expect(vc.find((c) => c.name === 'H264')?.parameters.get('profile-level-id')).toBe('42001f');
    expect(vc[1].parameters.get('apt')).toBe(String(vc[0].payloadType));
    expect(video.extMaps.map((e) => e.uri)).toContain('urn:ietf:params:rtp-hdrext:sdes:mid');
    expect(video.extMaps.find((e) => e.uri === 'urn:ietf:params:rtp-hdrext:sdes:mid')?.id).toBe(4);
    expect(app.kind).toBe('application');
    // Data channels are accepted whenever offered (W3C §6.1: the answerer gets 'datachannel').
    expect(app.port).not.toBe(0);
    expect([app.sctpPort, app.maxMessageSize, app.setup]).toEqual([5000, 262144, 'active']);
  });

  it('accepts Chromium simulcast: the answer receives every offered rid (RFC 8853 §5.3)', async () => {
    const pc = new RTCPeerConnection({ certificates: [cert] });
    const sim = readFileSync(join(__dirname, '..', 'vectors', 'sdp-chromium', 'offer-simulcast.sdp'), 'utf8');
    await pc.setRemoteDescription({ type: 'offer', sdp: sim });
    expect(parse(pc.remoteDescription?.sdp ?? '').media[0].rids).toHaveLength(3); // kept in the remote description
    const answer = parse((await pc.createAnswer()).sdp ?? '').media[0];
    expect(answer.direction).toBe('recvonly');
    expect(answer.rids.map((r) => `${r.id} ${r.direction}`)).toEqual(['q recv', 'h recv', 'f recv']);
    expect(answer.simulcast?.recv?.flat().map((x) => x.rid)).toEqual(['q', 'h', 'f']);
    pc.close();
  });

  it('addIceCandidate: state, target and syntax checks; end-of-candidates', async () => {
    const [a, b] = peers();
    a.addTransceiver('audio');
    const cand = { candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 5000 typ host', sdpMid: '0' };
    await rejectsWith(b.addIceCandidate(cand), 'InvalidStateError');
    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription as RTCSessionDescription);
    await b.addIceCandidate(cand);
    expect(parse(b.remoteDescription?.sdp ?? '').media[0].candidates[0]).toMatchObject({ address: '127.0.0.1', port: 5000 });
    await rejectsWith(b.addIceCandidate({ ...cand, sdpMid: '9' }), 'OperationError');
    await rejectsWith(b.addIceCandidate({ candidate: 'candidate:garbage', sdpMid: '0' }), 'OperationError');
    await rejectsWith(b.addIceCandidate({ candidate: cand.candidate }), 'TypeError');
    await b.addIceCandidate(null);
    await b.addIceCandidate({ candidate: '', sdpMid: '0' });
    expect(parse(b.remoteDescription?.sdp ?? '').media[0].endOfCandidates).toBe(true);
  });

  it('reports misuse with W3C DOMException names', async () => {
    const [a, b] = peers();
    await rejectsWith(a.createAnswer(), 'InvalidStateError');
    a.addTransceiver('audio');
    const offer = await a.createOffer();
    await rejectsWith(a.setLocalDescription({ type: 'offer', sdp: offer.sdp?.replace('a=rtcp-mux\r\n', '') }), 'InvalidModificationError');
    await rejectsWith(b.setRemoteDescription({ type: 'answer', sdp: offer.sdp }), 'InvalidStateError');
    await rejectsWith(b.setRemoteDescription({ type: 'offer', sdp: 'v=0\r\nbogus' }), 'OperationError');
    await expect(b.setRemoteDescription({ type: 'offer', sdp: 'v=0\r\nbogus' })).rejects.toMatchObject({ errorDetail: 'sdp-syntax-error' });
    await rejectsWith(b.setRemoteDescription({ type: 'offer', sdp: offer.sdp?.replace(/a=fingerprint:.*\r\n/g, '') }), 'InvalidAccessError');
    throwsName(() => a.addTransceiver('text'), 'TypeError');
    throwsName(() => a.addTransceiver('video', { sendEncodings: [{ rid: 'a', active: true }, { active: true }] }), 'TypeError');
    const track = new MediaStreamTrack({ kind: 'audio' });
    const s = a.addTrack(track);
    throwsName(() => a.addTrack(track), 'InvalidAccessError');
    await rejectsWith(s.replaceTrack(new MediaStreamTrack({ kind: 'video' })), 'TypeError');
    await rejectsWith(s.setParameters({ ...s.getParameters(), transactionId: 'stale' }), 'InvalidModificationError');
    const params = s.getParameters();
    params.encodings[0].maxBitrate = 64000;
    await s.setParameters(params);
    expect(s.getParameters().encodings[0]).toMatchObject({ active: true, maxBitrate: 64000 });
    throwsName(() => b.removeTrack(s), 'InvalidAccessError');
    throwsName(() => a.setConfiguration({ bundlePolicy: 'balanced' }), 'InvalidModificationError');
    throwsName(() => new RTCPeerConnection({ iceServers: [{ urls: 'turn:127.0.0.1' }] }), 'InvalidAccessError');
    throwsName(() => new RTCPeerConnection({ iceServers: [{ urls: 'http://x' }] }), 'SyntaxError');
    throwsName(() => new RTCSessionDescription({ type: 'bogus' as 'offer' }), 'TypeError');
    await rejectsWith(RTCPeerConnection.generateCertificate({ name: 'RSASSA-PKCS1-v1_5' }), 'NotSupportedError');
    a.close();
    expect(a.signalingState).toBe('closed');
    expect(a.connectionState).toBe('closed');
    await rejectsWith(a.createOffer(), 'InvalidStateError');
    throwsName(() => a.addTransceiver('audio'), 'InvalidStateError');
    throwsName(() => a.getTransceivers()[0].stop(), 'InvalidStateError');
  });

  it('keeps configuration extras and ignores unknown keys', () => {
    const pc = new RTCPeerConnection({
      iceServers: [{ urls: ['stun:127.0.0.1:3478', 'turn:127.0.0.1?transport=tcp'], username: 'u', credential: 'p' }],
      iceAddresses: ['127.0.0.1'],
      icePortRange: { min: 40000, max: 40100 },
      iceLite: true,
      bogusKey: 1,
    } as never);
    const c = pc.getConfiguration();
    expect(c).toMatchObject({ bundlePolicy: 'max-bundle', iceAddresses: ['127.0.0.1'], icePortRange: { min: 40000, max: 40100 }, iceLite: true });
    expect('bogusKey' in c).toBe(false);
    pc.setConfiguration({ iceServers: [] });
    expect(pc.getConfiguration().iceServers).toEqual([]);
    pc.close();
  });

  it('certificates expose expiry and a SHA-256 fingerprint', () => {
    expect(cert.expires).toBeGreaterThan(Date.now());
    expect(cert.getFingerprints()[0]).toMatchObject({ algorithm: 'sha-256' });
    expect(cert.getFingerprints()[0].value).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(cert).toBeInstanceOf(RTCCertificate);
  });
});
