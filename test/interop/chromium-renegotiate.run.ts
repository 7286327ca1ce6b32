// Renegotiation and ICE restart with Chromium, inside a lo-only namespace
// (chromium-renegotiate.test.ts): a data-channel-only call, then Chromium adds its camera,
// then omnirtc adds a track (the echo of that camera), then omnirtc restarts ICE; the data
// channel keeps working throughout. Prints one JSON line.
import { MediaStream, RTCPeerConnection as OmniPeerConnection, type RTCDataChannel, type RTCTrackEvent } from '../../src/index';
import { parse } from '../../src/sdp/index';
import { chromeApplyAnswer, openChromium, PAGE_SIGNALLING } from './chromium-harness';
import { gathered, runPeerScript, within } from './peer-harness';

const PAGE_SCRIPT = `
window.pc = new RTCPeerConnection();
window.got = [];
window.pc.ondatachannel = function (e) {
  window.dc = e.channel;
  e.channel.onmessage = function (m) { window.got.push(m.data); e.channel.send('echo:' + m.data); };
};
window.pc.ontrack = function (e) {
  window.remoteTracks = (window.remoteTracks || 0) + 1;
  var v = document.createElement('video');
  v.srcObject = e.streams[0] || new MediaStream([e.track]);
  v.muted = true;
  document.body.appendChild(v);
  v.play().catch(function () {});
};
${PAGE_SIGNALLING}window.addCamera = async function () {
  var s = await navigator.mediaDevices.getUserMedia({ video: true });
  window.pc.addTrack(s.getVideoTracks()[0], s);
  await window.pc.setLocalDescription();
  await window.gathered();
  return window.pc.localDescription.sdp;
};
window.videoStats = async function () {
  var out = { framesDecoded: 0, framesSent: 0 };
  (await window.pc.getStats()).forEach(function (s) {
    if (s.type === 'inbound-rtp' && s.kind === 'video') out.framesDecoded += s.framesDecoded || 0;
    if (s.type === 'outbound-rtp' && s.kind === 'video') out.framesSent += s.framesSent || 0;
  });
  return out;
};
`;

async function roundTrip(dc: RTCDataChannel, text: string): Promise<unknown> {
  const reply = new Promise((resolve) => dc.addEventListener('message', (e) => resolve((e as MessageEvent).data), { once: true }));
  dc.send(text);
  return within(reply, 10000, `echo of ${text}`);
}

async function main(): Promise<void> {
  const chrome = await openChromium();
  const page = chrome.page;
  await page.addScriptTag({ content: PAGE_SCRIPT });
  const pc = new OmniPeerConnection({ iceAddresses: ['127.0.0.1'] });
  const result: Record<string, unknown> = {};
  const call = <T>(fn: string, arg?: string): Promise<T> => page.evaluate(({ fn, arg }) => (window as unknown as Record<string, (a?: string) => Promise<T>>)[fn](arg), { fn, arg });
  try {
    // 1. data channel only, omnirtc offers.
    const dc = pc.createDataChannel('control');
    const opened = new Promise((r) => dc.addEventListener('open', r, { once: true }));
    await pc.setLocalDescription();
    await gathered(pc);
    await pc.setRemoteDescription({ type: 'answer', sdp: await call<string>('answer', pc.localDescription?.sdp) });
    await within(opened, 15000, 'data channel open');
    result.step1 = await roundTrip(dc, 'one');

    // 2. Chromium adds its camera and offers.
    const tracks: RTCTrackEvent[] = [];
    pc.ontrack = (e) => tracks.push(e);
    const offer = await call<string>('addCamera');
    await pc.setRemoteDescription({ type: 'offer', sdp: offer });
    await pc.setLocalDescription();
    await chromeApplyAnswer(page, pc.localDescription?.sdp ?? '');
    const video = tracks.find((t) => t.track.kind === 'video');
    if (!video) throw new Error('no track event for Chromium’s camera');
    const frames = video.track.frames();
    const first = await within(frames.next(), 10000, 'a frame of Chromium’s camera');
    result.step2 = { trackEvents: tracks.length, frameBytes: first.value?.data.length ?? 0, mime: first.value?.mimeType };
    void frames.return?.();

    // 3. omnirtc adds a track (the echo of the camera) and offers.
    let needed = 0;
    pc.onnegotiationneeded = () => needed++;
    pc.addTrack(video.track, new MediaStream());
    await new Promise((r) => setTimeout(r, 0));
    await pc.setLocalDescription();
    await gathered(pc);
    await pc.setRemoteDescription({ type: 'answer', sdp: await call<string>('answer', pc.localDescription?.sdp) });
    await new Promise((r) => setTimeout(r, 2500));
    result.step3 = { negotiationNeeded: needed, chrome: await call<{ framesDecoded: number }>('videoStats'), chromeTracks: await page.evaluate(() => (window as unknown as { remoteTracks: number }).remoteTracks) };

    // 4. ICE restart from omnirtc.
    const ufragBefore = parse(pc.currentLocalDescription?.sdp ?? '').media[0].iceUfrag;
    pc.restartIce();
    await pc.setLocalDescription();
    await gathered(pc);
    const ufragOffered = parse(pc.localDescription?.sdp ?? '').media[0].iceUfrag;
    await pc.setRemoteDescription({ type: 'answer', sdp: await call<string>('answer', pc.localDescription?.sdp) });
    await new Promise((r) => setTimeout(r, 1000));
    result.step4 = { ufragChanged: ufragBefore !== ufragOffered, connectionState: pc.connectionState, echo: await roundTrip(dc, 'after-restart') };

    // 5. ICE restart from Chromium: our answer carries new credentials (JSEP §5.3.1).
    const ufragOurs = parse(pc.currentLocalDescription?.sdp ?? '').media[0].iceUfrag;
    const restartOffer = await page.evaluate(async () => {
      const w = window as unknown as { pc: RTCPeerConnection; gathered: () => Promise<void> };
      w.pc.restartIce();
      await w.pc.setLocalDescription();
      await w.gathered();
      return w.pc.localDescription?.sdp ?? '';
    });
    await pc.setRemoteDescription({ type: 'offer', sdp: restartOffer });
    await pc.setLocalDescription();
    await gathered(pc);
    await chromeApplyAnswer(page, pc.localDescription?.sdp ?? '');
    await new Promise((r) => setTimeout(r, 1000));
    result.step5 = {
      ourUfragChanged: parse(pc.currentLocalDescription?.sdp ?? '').media[0].iceUfrag !== ufragOurs,
      connectionState: pc.connectionState,
      echo: await roundTrip(dc, 'after-remote-restart'),
    };
    result.chromeState = await page.evaluate(() => (window as unknown as { pc: RTCPeerConnection }).pc.connectionState);
  } finally {
    pc.close();
    await chrome.close();
  }
  console.log(JSON.stringify(result));
}

runPeerScript(main);
