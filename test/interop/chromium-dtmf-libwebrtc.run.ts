// omnirtc's DTMF into Chromium's WebRTC engine as a Node library (@roamhq/wrtc, libwebrtc),
// run inside a lo-only namespace by chromium-dtmf-libwebrtc.test.ts: wrtc offers an audio
// transceiver, omnirtc answers (telephone-event accepted), sends Opus silence and
// insertDTMF(TONES) — argv[2] 'opus' (telephone-event/48000) or 'pcmu' (PCMU and
// telephone-event/8000 by setCodecPreferences, RFC 4733 §2.1's audio clock). libwebrtc has no API for received DTMF, but its audio receiver (NetEq)
// plays the events out as tones: the decoded PCM from the nonstandard RTCAudioSink goes through
// the same Goertzel detector as the Chromium page's. Prints one JSON line.
import { type RTCDTMFToneChangeEvent, MediaStream, MediaStreamTrack, RTCPeerConnection as OmniPeerConnection, RTCRtpReceiver } from '../../src/index';
import { createDtmfDetector } from './chromium-dtmf-detector';
import { connected, gathered, offeringPeer, runPeerScript, until, within, wrtcOffer, wrtcPeerWithSource } from './peer-harness';

const TONES = '5#8B';
const codec = process.argv[2] === 'pcmu' ? 'pcmu' : 'opus';
/** An Opus packet of 20 ms of silence (RFC 6716 §3.1: TOC 0xF8 = CELT FB 20 ms, one frame). */
const OPUS_SILENCE = new Uint8Array([0xf8, 0xff, 0xfe]);

/** 20 ms of G.711 µ-law silence (0xFF) as an RTP packet for writeRtp (PT rewritten by the sender). */
function pcmuSilence(seq: number, ts: number): Uint8Array {
  const p = new Uint8Array(12 + 160).fill(0xff);
  p[0] = 0x80;
  p[1] = 0;
  new DataView(p.buffer).setUint16(2, seq);
  new DataView(p.buffer).setUint32(4, ts);
  new DataView(p.buffer).setUint32(8, 1);
  return p;
}

async function main(): Promise<void> {
  const { wrtc, pc: peer, track: peerTrack } = wrtcPeerWithSource('audio');
  const pc = new OmniPeerConnection({ iceAddresses: ['127.0.0.1'] });
  const result: Record<string, unknown> = { codec };
  const detector = createDtmfDetector();
  const decoded = { callbacks: 0, samples: 0 };
  // biome-ignore lint/suspicious/noExplicitAny: wrtc objects
  let sink: any;
  // biome-ignore lint/suspicious/noExplicitAny: wrtc event
  peer.ontrack = (e: any) => {
    if (e.track.kind !== 'audio') return;
    sink = new wrtc.nonstandard.RTCAudioSink(e.track);
    sink.ondata = (d: { samples: Int16Array; sampleRate: number; channelCount: number; numberOfFrames: number }) => {
      decoded.callbacks++;
      decoded.samples += d.numberOfFrames;
      const mono = new Float32Array(d.numberOfFrames);
      for (let i = 0; i < mono.length; i++) mono[i] = d.samples[i * d.channelCount] / 32768; // interleaved
      detector.push(mono, d.sampleRate);
    };
  };
  let audioTimer: ReturnType<typeof setInterval> | undefined;
  try {
    const remote = offeringPeer(peer, wrtcOffer);
    const offer = await within(remote.offer(), 8000, 'wrtc offer');
    result.peerOffersTelephoneEvent = /a=rtpmap:\d+ telephone-event\/48000/.test(offer);
    await pc.setRemoteDescription({ type: 'offer', sdp: offer });
    const transceiver = pc.getTransceivers()[0];
    const audio = new MediaStreamTrack({ kind: 'audio' });
    await transceiver.sender.replaceTrack(audio);
    transceiver.sender.setStreams(new MediaStream());
    transceiver.direction = 'sendrecv';
    if (codec === 'pcmu') {
      const caps = RTCRtpReceiver.getCapabilities('audio')?.codecs ?? [];
      transceiver.setCodecPreferences(caps.filter((c) => c.mimeType === 'audio/PCMU' || (c.mimeType === 'audio/telephone-event' && c.clockRate === 8000)));
    }
    await pc.setLocalDescription();
    await within(gathered(pc), 5000, 'omnirtc ICE gathering');
    await within(remote.answer(pc.localDescription?.sdp ?? ''), 5000, 'wrtc applies the answer');
    await within(connected(pc), 10000, 'connected');
    result.connected = true;
    result.negotiated = transceiver.sender.getParameters().codecs.map((c) => `${c.mimeType}/${c.clockRate}/${c.payloadType}`);
    let ts = 0;
    let seq = 0;
    audioTimer = setInterval(() => {
      if (codec === 'pcmu') {
        audio.writeRtp(pcmuSilence(seq++, ts));
        ts += 160;
      } else {
        audio.writeFrame({ data: OPUS_SILENCE, timestamp: ts });
        ts += 960;
      }
    }, 20);
    await new Promise((r) => setTimeout(r, 800));
    const dtmf = transceiver.sender.dtmf;
    result.canInsertDTMF = dtmf?.canInsertDTMF;
    const changes: string[] = [];
    const done = new Promise<void>((resolve) => {
      dtmf?.addEventListener('tonechange', (e) => {
        changes.push((e as RTCDTMFToneChangeEvent).tone);
        if ((e as RTCDTMFToneChangeEvent).tone === '') resolve();
      });
    });
    dtmf?.insertDTMF(TONES, 120, 80);
    await within(done, 5000, 'omnirtc tonechange ""');
    // The receiver's jitter buffer plays out a little later, and on a loaded machine its sink's
    // callbacks lag further: wait (bounded) for as many digits as were sent, then a little more
    // so an extra, wrong digit would still be seen.
    await until(() => detector.detected.length >= TONES.length, 4000, 'decoded digits').catch(() => undefined);
    await new Promise((r) => setTimeout(r, 300));
    let inbound: Record<string, unknown> = {};
    (await peer.getStats()).forEach((s: Record<string, unknown>) => {
      if (s.type === 'inbound-rtp' && s.kind === 'audio') inbound = { packetsReceived: s.packetsReceived, packetsLost: s.packetsLost, totalSamplesReceived: s.totalSamplesReceived };
    });
    Object.assign(result, { tones: TONES, toneChanges: changes, detected: detector.detected.join(''), decoded, peerInbound: inbound });
  } finally {
    if (audioTimer) clearInterval(audioTimer);
    sink?.stop();
    peerTrack.stop();
    peer.close();
    pc.close();
  }
  console.log(JSON.stringify(result));
}

runPeerScript(main);
