// omnirtc sends ffmpeg-encoded media to Chromium (writeFrame → WASM packetiser → SRTP);
// Chromium decodes it. Run inside a lo-only namespace by chromium-send.test.ts.
// argv[2]: 'vp8' | 'h264'; argv[3]: 'omnirtc-offers' (default) | 'chrome-offers'.
// Prints one JSON line with Chromium's inbound-rtp stats.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MediaStream, MediaStreamTrack, RTCPeerConnection as OmniPeerConnection, RTCRtpSender, type RTCRtpTransceiver } from '../../src/index';
import { opusPacketSamples, readAnnexBAccessUnits, readIvf, readOggOpus } from '../../src/rtp/index';
import { chromeAnswer, chromeApplyAnswer, openChromium, PAGE_SIGNALLING } from './chromium-harness';
import { gathered, runPeerScript } from './peer-harness';

const codec = process.argv[2] === 'h264' ? 'h264' : 'vp8';
const role = process.argv[3] === 'chrome-offers' ? 'chrome-offers' : 'omnirtc-offers';

function encode(dir: string): { video: Uint8Array[]; audio: Uint8Array[] } {
  const ff = (args: string[]): void => {
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  };
  const src = ['-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=30', '-t', '4'];
  let video: Uint8Array[];
  if (codec === 'vp8') {
    ff([...src, '-c:v', 'libvpx', '-b:v', '300k', '-g', '30', '-deadline', 'realtime', join(dir, 'v.ivf')]);
    video = readIvf(new Uint8Array(readFileSync(join(dir, 'v.ivf')))).frames.map((f) => f.data);
  } else {
    // Constrained Baseline, packetization-mode 1 (what omnirtc offers first for H.264).
    ff([...src, '-c:v', 'libx264', '-profile:v', 'baseline', '-level', '3.1', '-pix_fmt', 'yuv420p', '-tune', 'zerolatency', '-g', '30', '-bsf:v', 'h264_mp4toannexb', '-f', 'h264', join(dir, 'v.h264')]);
    video = readAnnexBAccessUnits(new Uint8Array(readFileSync(join(dir, 'v.h264'))), 'h264');
  }
  ff(['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', '4', '-c:a', 'libopus', '-b:a', '32k', '-frame_duration', '20', join(dir, 'a.ogg')]);
  const audio = readOggOpus(new Uint8Array(readFileSync(join(dir, 'a.ogg')))).packets;
  return { video, audio };
}

// The page: plays what it receives (so audio samples are counted), answers or offers.
const PAGE_SCRIPT = `
window.pc = new RTCPeerConnection();
window.pc.addEventListener('track', function (e) {
  var el = document.createElement(e.track.kind === 'audio' ? 'audio' : 'video');
  el.srcObject = e.streams[0] || new MediaStream([e.track]);
  document.body.appendChild(el);
  el.play().catch(function () {});
});
${PAGE_SIGNALLING}window.offerToReceive = async function () {
  window.pc.addTransceiver('audio', { direction: 'recvonly' });
  window.pc.addTransceiver('video', { direction: 'recvonly' });
  await window.pc.setLocalDescription();
  await window.gathered();
  return window.pc.localDescription.sdp;
};
`;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'omnirtc-send-'));
  const media = encode(dir);
  rmSync(dir, { recursive: true, force: true });
  const chrome = await openChromium();
  const pc = new OmniPeerConnection({ iceAddresses: ['127.0.0.1'] });
  const result: Record<string, unknown> = { codec, role, videoFrames: media.video.length, audioPackets: media.audio.length };
  try {
    const stream = new MediaStream();
    const audio = new MediaStreamTrack({ kind: 'audio' });
    const video = new MediaStreamTrack({ kind: 'video' });
    const page = chrome.page;
    await page.addScriptTag({ content: PAGE_SCRIPT });
    const caps = RTCRtpSender.getCapabilities('video')?.codecs ?? [];
    const wanted = caps.filter((c) => c.mimeType.toLowerCase() === `video/${codec}` && (codec !== 'h264' || c.sdpFmtpLine?.includes('42e01f')));
    let vt: RTCRtpTransceiver;
    if (role === 'omnirtc-offers') {
      pc.addTransceiver(audio, { direction: 'sendonly', streams: [stream] });
      vt = pc.addTransceiver(video, { direction: 'sendonly', streams: [stream] });
      vt.setCodecPreferences(wanted);
      await pc.setLocalDescription();
      await gathered(pc);
      const answer = await chromeAnswer(page, pc.localDescription?.sdp ?? '');
      await pc.setRemoteDescription({ type: 'answer', sdp: answer });
    } else {
      // Chromium offers to receive; omnirtc answers and sends on the transceivers it offered.
      const offer = await page.evaluate(() => (window as unknown as { offerToReceive: () => Promise<string> }).offerToReceive());
      await pc.setRemoteDescription({ type: 'offer', sdp: offer });
      const [at, vtr] = pc.getTransceivers();
      await at.sender.replaceTrack(audio);
      await vtr.sender.replaceTrack(video);
      at.sender.setStreams(stream);
      vtr.sender.setStreams(stream);
      at.direction = 'sendonly';
      vtr.direction = 'sendonly';
      vtr.setCodecPreferences(wanted);
      vt = vtr;
      await pc.setLocalDescription();
      await gathered(pc);
      await chromeApplyAnswer(page, pc.localDescription?.sdp ?? '');
    }
    const t0 = Date.now();
    while (pc.connectionState !== 'connected') {
      if (Date.now() - t0 > 15000) throw new Error(`not connected: ${pc.connectionState}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    result.negotiated = vt.sender.getParameters().codecs[0]?.mimeType;
    // Real-time pacing: 30 fps video, 20 ms Opus packets.
    let vi = 0;
    let ai = 0;
    let audioTs = 0;
    const start = Date.now();
    await new Promise<void>((resolve) => {
      const tick = setInterval(() => {
        const elapsed = Date.now() - start;
        while (vi < media.video.length && vi * (1000 / 30) <= elapsed) {
          video.writeFrame({ data: media.video[vi], timestamp: vi * 3000, keyframe: vi % 30 === 0 });
          vi++;
        }
        while (ai < media.audio.length && ai * 20 <= elapsed) {
          audio.writeFrame({ data: media.audio[ai], timestamp: audioTs });
          audioTs += opusPacketSamples(media.audio[ai]);
          ai++;
        }
        if (vi >= media.video.length && ai >= media.audio.length) {
          clearInterval(tick);
          resolve();
        }
      }, 10);
    });
    await new Promise((r) => setTimeout(r, 500));
    result.chrome = await page.evaluate(async () => {
      const w = window as unknown as { pc: RTCPeerConnection };
      const out: Record<string, unknown> = {};
      (await w.pc.getStats()).forEach((s: Record<string, unknown>) => {
        if (s.type === 'inbound-rtp' && s.kind === 'video') Object.assign(out, { framesDecoded: s.framesDecoded, videoPackets: s.packetsReceived, decoder: s.decoderImplementation, keyFramesDecoded: s.keyFramesDecoded });
        if (s.type === 'inbound-rtp' && s.kind === 'audio') Object.assign(out, { totalSamplesReceived: s.totalSamplesReceived, audioPackets: s.packetsReceived, concealedSamples: s.concealedSamples });
        if (s.type === 'codec' && typeof s.mimeType === 'string' && s.mimeType.startsWith('video/')) out.videoCodec = s.mimeType;
      });
      return out;
    });
  } finally {
    pc.close();
    await chrome.close();
  }
  console.log(JSON.stringify(result));
}

runPeerScript(main);
