// omnirtc sends ffmpeg VP8 to Chromium with transport-cc negotiated: the pacer releases the
// video at 2.5 × the send-side estimate, Chromium's transport-cc feedback drives the estimate
// (src/cc). Samples, every 500 ms, our availableOutgoingBitrate and pacer state and Chrome's
// framesDecoded; at the end Chrome's inbound-rtp (decode health: PLIs, dropped frames, RTX
// received — our bandwidth probes are RTX copies and RTX padding). Argument: 'clean'
// (loopback as is), 'clean-nortx' (no RTX offered: the probes are padding on the media
// SSRC) or a bit rate the test runner limited `lo` to with tc tbf (then ffmpeg encodes
// noisy video at twice that rate). Run inside a
// lo-only namespace by chromium-bwe.test.ts. Prints one JSON line.
import { MediaStream, MediaStreamTrack, RTCPeerConnection as OmniPeerConnection, RTCRtpSender, type RTCBandwidthEstimateEvent } from '../../src/index';
import { chromeAnswer, openChromium, PAGE_SIGNALLING } from './chromium-harness';
import { ffmpegVp8Frames, runPeerScript } from './peer-harness';

const SECONDS = 6;

const PAGE_SCRIPT = `
window.pc = new RTCPeerConnection();
window.pc.addEventListener('track', function (e) {
  var el = document.createElement('video');
  el.srcObject = e.streams[0] || new MediaStream([e.track]);
  document.body.appendChild(el);
  el.play().catch(function () {});
});
${PAGE_SIGNALLING}`;

interface Sample {
  t: number;
  availableOutgoingBitrate?: number;
  framesDecoded?: number;
  pacerQueued?: number;
}

/** `sdp` with the rtx payload types removed from its m= lines and their a= lines dropped. */
function withoutRtx(sdp: string): string {
  const rtx = new Set([...sdp.matchAll(/a=rtpmap:(\d+) rtx\//gi)].map((m) => m[1]));
  return sdp
    .split('\r\n')
    .filter((l) => !/^a=(rtpmap|fmtp|rtcp-fb):(\d+)/.test(l) || !rtx.has((/^a=\w+[-\w]*:(\d+)/.exec(l) as RegExpExecArray)[1]))
    .map((l) => (l.startsWith('m=') ? l.split(' ').filter((t, i) => i < 3 || !rtx.has(t)).join(' ') : l))
    .join('\r\n');
}

async function main(): Promise<void> {
  // 'clean-nortx': VP8 offered without RTX, so our probes are padding-only packets on the media SSRC.
  const mode = process.argv[2] ?? 'clean';
  const limit = mode === 'clean' || mode === 'clean-nortx' ? undefined : Number(mode);
  const bitrate = limit === undefined ? 1_200_000 : 2 * limit;
  const frames = ffmpegVp8Frames({
    source: limit !== undefined ? 'testsrc2=size=640x360:rate=30,noise=alls=30:allf=t' : 'testsrc=size=640x360:rate=30',
    seconds: SECONDS,
    bitrate,
    extra: ['-minrate', String(bitrate / 2), '-maxrate', String(bitrate * 1.5), '-cpu-used', '8'],
  });
  const bytes = frames.reduce((s, f) => s + f.length, 0);
  const chrome = await openChromium();
  const pc = new OmniPeerConnection({ iceAddresses: ['127.0.0.1'] });
  const result: Record<string, unknown> = { videoFrames: frames.length, encodedBitrate: Math.round((bytes * 8) / SECONDS) };
  const events: number[] = [];
  pc.addEventListener('bandwidthestimate', (e) => events.push((e as RTCBandwidthEstimateEvent).bitrate));
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
    const chromeSdp = await chromeAnswer(chrome.page, pc.localDescription?.sdp ?? '');
    // Without RTX in the answer we apply, our sender has no RTX: its probes become padding on the media SSRC.
    const answer = mode === 'clean-nortx' ? withoutRtx(chromeSdp) : chromeSdp;
    result.answerTransportCc = /a=rtcp-fb:\d+ transport-cc/.test(answer);
    result.answerRtx = /a=rtpmap:\d+ rtx\//i.test(answer);
    await pc.setRemoteDescription({ type: 'answer', sdp: answer });
    const t0 = Date.now();
    while (pc.connectionState !== 'connected') {
      if (Date.now() - t0 > 15000) throw new Error(`not connected: ${pc.connectionState}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const samples: Sample[] = [];
    const sample = async (t: number): Promise<void> => {
      const ours = [...(await pc.getStats()).values()];
      const pair = ours.find((s) => s.type === 'candidate-pair' && s.selected === true);
      const transport = ours.find((s) => s.type === 'transport') as unknown as { omnirtcCounters: { pacer: { queuedPackets: number } } } | undefined;
      const framesDecoded = await chrome.page.evaluate(async () => {
        const w = window as unknown as { pc: RTCPeerConnection };
        let n: number | undefined;
        (await w.pc.getStats()).forEach((s: Record<string, unknown>) => {
          if (s.type === 'inbound-rtp' && s.kind === 'video') n = s.framesDecoded as number;
        });
        return n;
      });
      samples.push({ t, availableOutgoingBitrate: pair?.availableOutgoingBitrate as number | undefined, framesDecoded, pacerQueued: transport?.omnirtcCounters.pacer.queuedPackets });
    };
    // Frames at 30 fps in real time; a sample every 500 ms.
    let vi = 0;
    let nextSample = 500;
    const start = Date.now();
    while (vi < frames.length) {
      const elapsed = Date.now() - start;
      while (vi < frames.length && vi * (1000 / 30) <= elapsed) {
        video.writeFrame({ data: frames[vi], timestamp: vi * 3000, keyframe: vi % 30 === 0 });
        vi++;
      }
      if (elapsed >= nextSample) {
        nextSample += 500;
        await sample(elapsed);
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    await new Promise((r) => setTimeout(r, 700));
    await sample(Date.now() - start);
    result.samples = samples;
    result.chromeInbound = await chrome.page.evaluate(async () => {
      const w = window as unknown as { pc: RTCPeerConnection };
      let out: Record<string, unknown> = {};
      (await w.pc.getStats()).forEach((s: Record<string, unknown>) => {
        if (s.type === 'inbound-rtp' && s.kind === 'video') {
          out = { packetsReceived: s.packetsReceived, packetsLost: s.packetsLost, framesReceived: s.framesReceived, framesDecoded: s.framesDecoded, framesDropped: s.framesDropped, keyFramesDecoded: s.keyFramesDecoded, pliCount: s.pliCount, firCount: s.firCount, nackCount: s.nackCount, freezeCount: s.freezeCount, retransmittedPacketsReceived: s.retransmittedPacketsReceived };
        }
      });
      return out;
    });
    result.events = events;
    const ours = [...(await pc.getStats()).values()];
    const outbound = ours.find((s) => s.type === 'outbound-rtp' && s.kind === 'video');
    const transport = ours.find((s) => s.type === 'transport') as unknown as { omnirtcCounters: Record<string, unknown> } | undefined;
    result.ours = {
      packetsSent: outbound?.packetsSent,
      retransmittedPacketsSent: outbound?.retransmittedPacketsSent,
      pacer: transport?.omnirtcCounters.pacer,
      bandwidthEstimator: transport?.omnirtcCounters.bandwidthEstimator,
      transportCc: transport?.omnirtcCounters.transportCc,
    };
  } finally {
    pc.close();
    await chrome.close();
  }
  console.log(JSON.stringify(result));
}

runPeerScript(main);
