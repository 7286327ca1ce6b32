// Chromium ↔ omnirtc DTMF (RFC 4733 telephone-event), run inside a lo-only namespace by
// chromium-dtmf.test.ts. argv[2]: 'chrome-offers' | 'omnirtc-offers'. Both directions at once:
// - Chromium's sender.dtmf.insertDTMF(CHROME_TONES) → omnirtc's receiver 'dtmf' events;
// - omnirtc's sender.dtmf.insertDTMF(OMNI_TONES), beside Opus silence → Chromium. Chromium does
//   not give received DTMF to JavaScript, but its audio receiver (NetEq) plays the events out
//   as tones: the page reads the decoded audio (MediaStreamTrackProcessor) and finds the digits
//   with a Goertzel filter bank; it also reports its inbound-rtp audio stats.
// Prints one JSON line with the results.
import { MediaStream, MediaStreamTrack, type DtmfEvent, RTCPeerConnection as OmniPeerConnection, type RTCDTMFToneChangeEvent, type RTCRtpTransceiver } from '../../src/index';
import { DTMF_DETECTOR_JS } from './chromium-dtmf-detector';
import { chromeAnswer, chromeApplyAnswer, openChromium, PAGE_SIGNALLING } from './chromium-harness';
import { gathered, runPeerScript, until } from './peer-harness';

const CHROME_TONES = '123#';
const OMNI_TONES = '9*0D';
const role = process.argv[2] === 'omnirtc-offers' ? 'omnirtc-offers' : 'chrome-offers';

// Page side (plain JavaScript): a peer connection with the fake microphone, tonechange log,
// the remote audio played, and a DTMF detector on the decoded remote audio.
const PAGE_SCRIPT = `
window.pc = new RTCPeerConnection();
window.chromeToneChanges = [];
window.detected = [];
window.detectorState = 'none';
window.addMic = async function () {
  var s = await navigator.mediaDevices.getUserMedia({ audio: true });
  var t = s.getAudioTracks()[0];
  var existing = window.pc.getTransceivers().find(function (x) { return x.receiver.track.kind === 'audio'; });
  if (existing) { await existing.sender.replaceTrack(t); existing.sender.setStreams(s); existing.direction = 'sendrecv'; }
  else window.pc.addTrack(t, s);
};
window.offer = async function () {
  await window.addMic();
  await window.pc.setLocalDescription();
  await window.gathered();
  return window.pc.localDescription.sdp;
};
window.sendTones = function (tones) {
  var sender = window.pc.getSenders().find(function (s) { return s.track && s.track.kind === 'audio'; });
  var dtmf = sender.dtmf;
  dtmf.ontonechange = function (e) { window.chromeToneChanges.push(e.tone); };
  window.canInsert = dtmf.canInsertDTMF;
  dtmf.insertDTMF(tones, 120, 80);
};
window.startDetector = async function (track) {
  if (typeof MediaStreamTrackProcessor === 'undefined') { window.detectorState = 'no MediaStreamTrackProcessor'; return; }
  window.detectorState = 'running';
  var reader = new MediaStreamTrackProcessor({ track: track }).readable.getReader();
  var detector = createDtmfDetector();
  window.detected = detector.detected;
  for (;;) {
    var r = await reader.read();
    if (r.done) break;
    var frame = r.value;
    var data = new Float32Array(frame.numberOfFrames);
    frame.copyTo(data, { planeIndex: 0, format: 'f32-planar' });
    var sr = frame.sampleRate;
    frame.close();
    detector.push(data, sr);
  }
};
window.pc.ontrack = function (e) {
  var el = document.createElement('audio');
  el.srcObject = e.streams[0] || new MediaStream([e.track]);
  document.body.appendChild(el);
  el.play().catch(function () {});
  window.startDetector(e.track);
};
${PAGE_SIGNALLING}${DTMF_DETECTOR_JS}`;

/** An Opus packet of 20 ms of silence (RFC 6716 §3.1: TOC 0xF8 = CELT FB 20 ms, one frame). */
const OPUS_SILENCE = new Uint8Array([0xf8, 0xff, 0xfe]);


async function main(): Promise<void> {
  const chrome = await openChromium();
  const pc = new OmniPeerConnection({ iceAddresses: ['127.0.0.1'] });
  const result: Record<string, unknown> = { role };
  let audioTimer: ReturnType<typeof setInterval> | undefined;
  try {
    const page = chrome.page;
    await page.addScriptTag({ content: PAGE_SCRIPT });
    const audio = new MediaStreamTrack({ kind: 'audio' });
    const received: DtmfEvent[] = [];
    pc.ontrack = (e) => e.receiver.addEventListener('dtmf', (d) => received.push(d as DtmfEvent));
    let transceiver: RTCRtpTransceiver;
    if (role === 'chrome-offers') {
      const offer = await page.evaluate(() => (window as unknown as { offer: () => Promise<string> }).offer());
      await pc.setRemoteDescription({ type: 'offer', sdp: offer });
      transceiver = pc.getTransceivers()[0];
      await transceiver.sender.replaceTrack(audio);
      transceiver.sender.setStreams(new MediaStream());
      transceiver.direction = 'sendrecv';
      await pc.setLocalDescription();
      await gathered(pc);
      await chromeApplyAnswer(page, pc.localDescription?.sdp ?? '');
    } else {
      transceiver = pc.addTransceiver(audio, { direction: 'sendrecv', streams: [new MediaStream()] });
      await pc.setLocalDescription();
      await gathered(pc);
      await page.evaluate(() => (window as unknown as { addMic: () => Promise<void> }).addMic());
      const answer = await chromeAnswer(page, pc.localDescription?.sdp ?? '');
      await pc.setRemoteDescription({ type: 'answer', sdp: answer });
    }
    await until(() => pc.connectionState === 'connected', 15000, `omnirtc connected (state ${pc.connectionState})`);
    result.connected = true;
    result.negotiated = transceiver.sender
      .getParameters()
      .codecs.map((c) => `${c.mimeType}/${c.clockRate}/${c.payloadType}`);
    // Opus silence at 20 ms pace, all along.
    let ts = 0;
    audioTimer = setInterval(() => {
      audio.writeFrame({ data: OPUS_SILENCE, timestamp: ts });
      ts += 960;
    }, 20);
    await new Promise((r) => setTimeout(r, 1000));
    const before = await chromeInboundAudio(page);
    // Chromium → omnirtc.
    await page.evaluate((tones) => (window as unknown as { sendTones: (t: string) => void }).sendTones(tones), CHROME_TONES);
    // omnirtc → Chromium.
    const dtmf = transceiver.sender.dtmf;
    result.omnirtcCanInsert = dtmf?.canInsertDTMF;
    const changes: string[] = [];
    dtmf?.addEventListener('tonechange', (e) => changes.push((e as RTCDTMFToneChangeEvent).tone));
    dtmf?.insertDTMF(OMNI_TONES, 120, 80);
    await until(() => received.length >= CHROME_TONES.length && changes.includes(''), 10000, `DTMF both ways (omnirtc got ${received.length})`).catch((e: Error) => {
      result.waitError = e.message;
    });
    // Late end-report copies must not add events; Chromium's decoder keeps running.
    await new Promise((r) => setTimeout(r, 1500));
    const after = await chromeInboundAudio(page);
    const pageState = await page.evaluate(() => {
      const w = window as unknown as { detected: string[]; chromeToneChanges: string[]; detectorState: string; canInsert: boolean };
      return { detected: w.detected, toneChanges: w.chromeToneChanges, detectorState: w.detectorState, canInsert: w.canInsert };
    });
    const rx = pc.getReceivers()[0];
    Object.assign(result, {
      omnirtcReceived: received.map((e) => ({ tone: e.tone, duration: e.duration, endReceived: e.endReceived })),
      omnirtcToneChanges: changes,
      omnirtcDtmfCounters: rx?.dtmfCounters,
      chromeDetected: pageState.detected.join(''),
      chromeToneChanges: pageState.toneChanges,
      chromeCanInsert: pageState.canInsert,
      detectorState: pageState.detectorState,
      chromeAudioBefore: before,
      chromeAudioAfter: after,
    });
  } finally {
    if (audioTimer) clearInterval(audioTimer);
    pc.close();
    await chrome.close();
  }
  console.log(JSON.stringify(result));
}

/** Chromium's inbound-rtp audio counters. */
function chromeInboundAudio(page: import('playwright-core').Page): Promise<Record<string, number>> {
  return page.evaluate(async () => {
    const w = window as unknown as { pc: RTCPeerConnection };
    const out: Record<string, number> = {};
    (await w.pc.getStats()).forEach((s: Record<string, unknown>) => {
      if (s.type === 'inbound-rtp' && s.kind === 'audio') {
        for (const k of ['packetsReceived', 'packetsLost', 'packetsDiscarded', 'totalSamplesReceived', 'concealedSamples', 'jitterBufferEmittedCount', 'fecPacketsDiscarded']) {
          if (typeof s[k] === 'number') out[k] = s[k] as number;
        }
      }
    });
    return out;
  });
}

runPeerScript(main);
