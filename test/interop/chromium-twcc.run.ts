// omnirtc sends ffmpeg VP8 to Chromium with transport-wide-cc and abs-send-time stamped on
// every packet; Chromium decodes it and answers with transport-cc feedback, which omnirtc
// turns into delivered/lost counts and availableOutgoingBitrate. Run inside a lo-only
// namespace by chromium-twcc.test.ts. Prints one JSON line.
import { MediaStream, MediaStreamTrack, RTCPeerConnection as OmniPeerConnection, RTCRtpSender } from '../../src/index';
import { chromeAnswer, openChromium, PAGE_SIGNALLING } from './chromium-harness';
import { ffmpegVp8Frames, runPeerScript } from './peer-harness';

const SECONDS = 3;

const PAGE_SCRIPT = `
window.pc = new RTCPeerConnection();
window.pc.addEventListener('track', function (e) {
  var el = document.createElement('video');
  el.srcObject = e.streams[0] || new MediaStream([e.track]);
  document.body.appendChild(el);
  el.play().catch(function () {});
});
${PAGE_SIGNALLING}`;

async function main(): Promise<void> {
  const frames = ffmpegVp8Frames({ seconds: SECONDS, bitrate: 400_000 });
  const chrome = await openChromium();
  const pc = new OmniPeerConnection({ iceAddresses: ['127.0.0.1'] });
  const result: Record<string, unknown> = { videoFrames: frames.length };
  try {
    const video = new MediaStreamTrack({ kind: 'video' });
    const vt = pc.addTransceiver(video, { direction: 'sendonly', streams: [new MediaStream()] });
    vt.setCodecPreferences((RTCRtpSender.getCapabilities('video')?.codecs ?? []).filter((c) => /^video\/(vp8|rtx)$/i.test(c.mimeType)));
    await pc.setLocalDescription();
    await new Promise<void>((resolve) => {
      if (pc.iceGatheringState === 'complete') return resolve();
      pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
    });
    await chrome.page.addScriptTag({ content: PAGE_SCRIPT });
    const answer = await chromeAnswer(chrome.page, pc.localDescription?.sdp ?? '');
    result.answerTransportCc = /a=rtcp-fb:\d+ transport-cc/.test(answer);
    await pc.setRemoteDescription({ type: 'answer', sdp: answer });
    const t0 = Date.now();
    while (pc.connectionState !== 'connected') {
      if (Date.now() - t0 > 15000) throw new Error(`not connected: ${pc.connectionState}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    result.headerExtensions = vt.sender.getParameters().headerExtensions.map((e) => e.uri);
    // Real-time pacing at 30 fps.
    let vi = 0;
    const start = Date.now();
    await new Promise<void>((resolve) => {
      const tick = setInterval(() => {
        const elapsed = Date.now() - start;
        while (vi < frames.length && vi * (1000 / 30) <= elapsed) {
          video.writeFrame({ data: frames[vi], timestamp: vi * 3000, keyframe: vi % 30 === 0 });
          vi++;
        }
        if (vi >= frames.length) {
          clearInterval(tick);
          resolve();
        }
      }, 10);
    });
    await new Promise((r) => setTimeout(r, 500));
    result.chrome = await chrome.page.evaluate(async () => {
      const w = window as unknown as { pc: RTCPeerConnection };
      const out: Record<string, unknown> = {};
      (await w.pc.getStats()).forEach((s: Record<string, unknown>) => {
        if (s.type === 'inbound-rtp' && s.kind === 'video') Object.assign(out, { framesDecoded: s.framesDecoded, packetsReceived: s.packetsReceived, ssrc: s.ssrc });
      });
      return out;
    });
    const ours = [...(await pc.getStats()).values()];
    const outbound = ours.find((s) => s.type === 'outbound-rtp' && s.kind === 'video');
    const transport = ours.find((s) => s.type === 'transport');
    const pair = ours.find((s) => s.type === 'candidate-pair' && s.selected === true);
    result.ours = {
      ssrc: outbound?.ssrc,
      packetsSent: outbound?.packetsSent,
      retransmittedPacketsSent: outbound?.retransmittedPacketsSent,
      transportCc: (transport?.omnirtcCounters as { transportCc: unknown } | undefined)?.transportCc,
      availableOutgoingBitrate: pair?.availableOutgoingBitrate,
    };
  } finally {
    pc.close();
    await chrome.close();
  }
  console.log(JSON.stringify(result));
}

runPeerScript(main);
