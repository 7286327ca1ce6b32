// Chromium ↔ omnirtc media, run inside a lo-only namespace by chromium-media.test.ts.
// argv[2]: 'chrome-offers' | 'omnirtc-offers'. Prints one JSON line with the results.
import { MediaStream, RTCPeerConnection as OmniPeerConnection, RTCRtpReceiver, type RTCTrackEvent } from '../../src/index';
import { chromeApplyAnswer, openChromium } from './chromium-harness';
import { dropUdpRandomly, gathered, runPeerScript, until } from './peer-harness';

const role = process.argv[2] === 'omnirtc-offers' ? 'omnirtc-offers' : 'chrome-offers';
// omnirtc-offers only: the video codec omnirtc asks for (setCodecPreferences).
const videoCodec = (process.argv[3] ?? 'vp8').toLowerCase();
// Optional random UDP loss inside this namespace (DESIGN.md "Loss between namespaces"),
// e.g. 0.05: both directions lose packets, NACK/RTX and PLI have to repair them.
const loss = Number(process.argv[4] ?? 0);
dropUdpRandomly(loss);


async function main(): Promise<void> {
  const chrome = await openChromium();
  const pc = new OmniPeerConnection({ iceAddresses: ['127.0.0.1'] });
  const result: Record<string, unknown> = { role };
  try {
    const tracks: RTCTrackEvent[] = [];
    const counts = { audioRtp: 0, videoRtp: 0, videoFrames: 0, keyFrames: 0, audioFrames: 0, videoMime: '' };
    pc.ontrack = (e) => {
      tracks.push(e);
      const kind = e.track.kind;
      e.track.addEventListener('rtp', () => {
        if (kind === 'audio') counts.audioRtp++;
        else counts.videoRtp++;
      });
      void (async () => {
        for await (const f of e.track.frames()) {
          if (kind === 'video') {
            counts.videoFrames++;
            counts.videoMime = f.mimeType;
            if (f.keyframe) counts.keyFrames++;
          } else counts.audioFrames++;
        }
      })();
    };
    const page = chrome.page;
    await page.evaluate(() => {
      const w = window as unknown as { pc: RTCPeerConnection };
      w.pc = new RTCPeerConnection();
    });
    const waitGathered = `new Promise((r) => { if (pc.iceGatheringState === 'complete') r(); pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && r(); })`;
    if (role === 'chrome-offers') {
      const offer = await page.evaluate(async (wait) => {
        const w = window as unknown as { pc: RTCPeerConnection };
        const s = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
        for (const t of s.getTracks()) w.pc.addTrack(t, s);
        await w.pc.setLocalDescription();
        // biome-ignore lint/security/noGlobalEval: the page script is ours
        await eval(wait.replace(/pc\./g, 'w.pc.'));
        return w.pc.localDescription?.sdp ?? '';
      }, waitGathered);
      await pc.setRemoteDescription({ type: 'offer', sdp: offer });
      // Echo: send Chrome's own video back on the same transceiver (forwarding a remote track).
      const video = pc.getTransceivers().find((t) => t.kind === 'video');
      if (video) {
        await video.sender.replaceTrack(video.receiver.track);
        video.sender.setStreams(new MediaStream());
        video.direction = 'sendrecv';
      }
      await pc.setLocalDescription();
      await gathered(pc);
      const answer = pc.localDescription?.sdp ?? '';
      await chromeApplyAnswer(page, answer);
    } else {
      pc.addTransceiver('audio', { direction: 'recvonly' });
      const vt = pc.addTransceiver('video', { direction: 'recvonly' });
      const caps = RTCRtpReceiver.getCapabilities('video')?.codecs ?? [];
      vt.setCodecPreferences(caps.filter((c) => c.mimeType.toLowerCase() === `video/${videoCodec}` && (videoCodec !== 'h264' || c.sdpFmtpLine?.includes('42e01f'))));
      result.videoCodec = videoCodec;
      await pc.setLocalDescription();
      await gathered(pc);
      const answer = await page.evaluate(
        async ({ sdp, wait }) => {
          const w = window as unknown as { pc: RTCPeerConnection };
          await w.pc.setRemoteDescription({ type: 'offer', sdp });
          const s = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
          for (const t of s.getTracks()) w.pc.addTrack(t, s);
          await w.pc.setLocalDescription();
          // biome-ignore lint/security/noGlobalEval: the page script is ours
          await eval(wait.replace(/pc\./g, 'w.pc.'));
          return w.pc.localDescription?.sdp ?? '';
        },
        { sdp: pc.localDescription?.sdp ?? '', wait: waitGathered },
      );
      await pc.setRemoteDescription({ type: 'answer', sdp: answer });
    }
    await until(() => pc.connectionState === 'connected', 15000, `omnirtc connected (state ${pc.connectionState})`);
    result.connected = true;
    await until(() => counts.videoFrames >= 10 && counts.audioFrames >= 10, 15000, 'media from Chromium');
    // A PLI from omnirtc reaches Chromium's sender.
    const before = counts.keyFrames;
    tracks.find((t) => t.track.kind === 'video')?.receiver.requestKeyFrame();
    await until(() => counts.keyFrames > before, 10000, 'a key frame after requestKeyFrame()');
    await new Promise((r) => setTimeout(r, role === 'chrome-offers' ? 2000 : 300));
    const chromeStats = await page.evaluate(async () => {
      const w = window as unknown as { pc: RTCPeerConnection };
      const out: Record<string, number> = {};
      (await w.pc.getStats()).forEach((s: Record<string, unknown>) => {
        if (s.type === 'outbound-rtp' && s.kind === 'video') out.pliCount = Number(s.pliCount ?? 0);
        if (s.type === 'inbound-rtp' && s.kind === 'video') {
          out.framesDecoded = Number(s.framesDecoded ?? 0);
          out.nackCount = Number(s.nackCount ?? 0);
        }
        if (s.type === 'outbound-rtp' && s.kind === 'video') out.retransmittedPacketsSent = Number(s.retransmittedPacketsSent ?? 0);
        // Present when Chromium's bandwidth estimator has feedback (our transport-cc).
        if (s.type === 'candidate-pair' && s.nominated && s.availableOutgoingBitrate !== undefined) out.availableOutgoingBitrate = Number(s.availableOutgoingBitrate);
      });
      return out;
    });
    Object.assign(result, counts, { chrome: chromeStats, keyFramesAfterPli: counts.keyFrames - before });
    const all = [...(await pc.getStats()).values()];
    const inVideo = all.find((s) => s.type === 'inbound-rtp' && s.kind === 'video');
    const outVideo = all.find((s) => s.type === 'outbound-rtp' && s.kind === 'video');
    result.repair = {
      nackSent: inVideo?.nackCount,
      rtxReceived: inVideo?.retransmittedPacketsReceived,
      packetsLost: inVideo?.packetsLost,
      nackReceived: outVideo?.nackCount,
      retransmittedPacketsSent: outVideo?.retransmittedPacketsSent,
    };
    const transport = all.find((s) => s.type === 'transport') as { omnirtcCounters?: { connection?: { twccFeedbackSent?: number } } } | undefined;
    result.twccFeedbackSent = transport?.omnirtcCounters?.connection?.twccFeedbackSent ?? 0;
    const stats = await pc.getStats();
    result.statsTypes = [...new Set([...stats.values()].map((s) => (s as { type: string }).type))].sort();
  } finally {
    pc.close();
    await chrome.close();
  }
  console.log(JSON.stringify(result));
}

runPeerScript(main);
