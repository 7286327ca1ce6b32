// Chromium simulcast → omnirtc (RFC 8853, RFC 8851), run inside a lo-only namespace by
// chromium-simulcast.test.ts. argv[2]: 'chrome-offers' (Chromium offers a=simulcast:send
// with three rids from its fake 1280x720 camera, omnirtc answers recv) or 'omnirtc-offers'
// (omnirtc offers a=simulcast:recv, Chromium answers and sends). Prints one JSON line.
import { MediaStreamTrack as OmniTrack, RTCPeerConnection as OmniPeerConnection, RTCRtpReceiver, type RTCTrackEvent } from '../../src/index';
import type { RTCRtpCodec } from '../../src/webrtc/capabilities';
import type { MediaStreamTrack } from '../../src/webrtc/media-stream-track';
import { vp8KeyFrameSize } from '../unit/webrtc-simulcast-helpers';
import { chromeApplyAnswer, openChromium } from './chromium-harness';
import { dropUdpRandomly, ffmpegVp8Frames, gathered, runPeerScript, until } from './peer-harness';

// 'sfu': as 'chrome-offers', then omnirtc forwards one layer to a second Chromium peer
// connection (the viewer) and switches layers with replaceTrack; the viewer decodes each.
// 'omnirtc-sends': omnirtc offers two rid encodings; Chromium declines simulcast in its
// answer (no a=simulcast), so only the first encoding is sent (RFC 8853 §5.3) and decoded.
const role = (['omnirtc-offers', 'sfu', 'omnirtc-sends'] as const).find((r) => r === process.argv[2]) ?? 'chrome-offers';
const RIDS = ['q', 'h', 'f'];
// Optional random UDP loss inside this namespace (DESIGN.md "Loss between namespaces"), e.g.
// 0.05: NACK and RTX (repaired-rid, RFC 8852 §3.2) have to repair each layer.
const loss = Number(process.argv[3] ?? 0);
dropUdpRandomly(loss);


interface LayerCounts {
  rtp: number;
  frames: number;
  keyFrames: number;
  /** Sizes of the VP8 key frames received ("WxH"). */
  sizes: string[];
}

function count(track: MediaStreamTrack, into: LayerCounts): void {
  track.addEventListener('rtp', () => {
    into.rtp++;
  });
  void (async () => {
    for await (const f of track.frames()) {
      into.frames++;
      if (!f.keyframe) continue;
      into.keyFrames++;
      const size = vp8KeyFrameSize(f.data);
      if (size && into.sizes.length < 16) into.sizes.push(`${size.width}x${size.height}`);
    }
  })();
}

/** omnirtc's VP8 (and its RTX) only: the VP8 key frame header carries the picture size. */
function vp8Only(): RTCRtpCodec[] {
  return (RTCRtpReceiver.getCapabilities('video')?.codecs ?? []).filter((c) => /vp8/i.test(c.mimeType));
}

/** What the viewer's inbound-rtp says about the forwarded video. */
interface ViewerStats {
  frameWidth: number;
  framesDecoded: number;
  pliCount: number;
}

/**
 * The SFU step: a second omnirtc peer connection sends the first layer to a second Chromium
 * peer connection, then switches to the others with replaceTrack (each switch asks the
 * publisher for a key frame on the new layer); the viewer's decoded width follows.
 */
async function forwardToViewer(page: import('playwright-core').Page, layers: MediaStreamTrack[]): Promise<{ widths: number[]; decoded: number[]; viewerPli: number }> {
  const out = new OmniPeerConnection({ iceAddresses: ['127.0.0.1'] });
  try {
    const sender = out.addTrack(layers[0]);
    await out.setLocalDescription();
    await gathered(out);
    const answer = await page.evaluate(async (sdp) => {
      const w = window as unknown as { viewer: RTCPeerConnection };
      w.viewer = new RTCPeerConnection();
      w.viewer.ontrack = (e) => {
        // A playing element makes Chromium decode (framesDecoded, frameWidth).
        const v = document.createElement('video');
        v.muted = true;
        v.srcObject = new MediaStream([e.track]);
        document.body.append(v);
        void v.play();
      };
      await w.viewer.setRemoteDescription({ type: 'offer', sdp });
      await w.viewer.setLocalDescription();
      await new Promise<void>((r) => {
        if (w.viewer.iceGatheringState === 'complete') r();
        w.viewer.onicegatheringstatechange = () => w.viewer.iceGatheringState === 'complete' && r();
      });
      return w.viewer.localDescription?.sdp ?? '';
    }, out.localDescription?.sdp ?? '');
    await out.setRemoteDescription({ type: 'answer', sdp: answer });
    await until(() => out.connectionState === 'connected', 15000, 'the viewer connection');
    const viewerStats = (): Promise<ViewerStats> =>
      page.evaluate(async () => {
        const w = window as unknown as { viewer: RTCPeerConnection };
        const r = { frameWidth: 0, framesDecoded: 0, pliCount: 0 };
        (await w.viewer.getStats()).forEach((s: Record<string, unknown>) => {
          if (s.type === 'inbound-rtp' && s.kind === 'video') Object.assign(r, { frameWidth: Number(s.frameWidth ?? 0), framesDecoded: Number(s.framesDecoded ?? 0), pliCount: Number(s.pliCount ?? 0) });
        });
        return r;
      });
    const widths: number[] = [];
    const decoded: number[] = [];
    for (const [i, layer] of layers.entries()) {
      if (i > 0) await sender.replaceTrack(layer);
      const expected = 1280 / 2 ** (layers.length - 1 - i);
      const start = (await viewerStats()).framesDecoded;
      let last: ViewerStats = { frameWidth: 0, framesDecoded: 0, pliCount: 0 };
      const end = Date.now() + 15000;
      while (Date.now() < end) {
        last = await viewerStats();
        if (last.frameWidth === expected && last.framesDecoded >= start + 10) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      widths.push(last.frameWidth);
      decoded.push(last.framesDecoded - start);
    }
    return { widths, decoded, viewerPli: (await viewerStats()).pliCount };
  } finally {
    out.close();
  }
}

/** omnirtc offers simulcast send with two rids and writes both layers; Chromium's answer decides. */
async function sendTwoLayers(page: import('playwright-core').Page, pc: OmniPeerConnection, result: Record<string, unknown>): Promise<void> {
  const layers = { lo: ffmpegVp8Frames({ source: 'testsrc=size=320x180:rate=30', seconds: 3, bitrate: 300_000 }), hi: ffmpegVp8Frames({ source: 'testsrc=size=640x360:rate=30', seconds: 3, bitrate: 300_000 }) };
  const track = new OmniTrack({ kind: 'video' });
  const t = pc.addTransceiver(track, { direction: 'sendonly', sendEncodings: [{ rid: 'lo' }, { rid: 'hi' }] });
  t.setCodecPreferences(vp8Only());
  await pc.setLocalDescription();
  await gathered(pc);
  result.offerSimulcast = /a=simulcast:send lo;hi/.test(pc.localDescription?.sdp ?? '');
  const answer = await page.evaluate(async (sdp) => {
    const w = window as unknown as { pc: RTCPeerConnection };
    w.pc.ontrack = (e) => {
      const v = document.createElement('video');
      v.muted = true;
      v.srcObject = new MediaStream([e.track]);
      document.body.append(v);
      void v.play();
    };
    await w.pc.setRemoteDescription({ type: 'offer', sdp });
    await w.pc.setLocalDescription();
    await new Promise<void>((r) => {
      if (w.pc.iceGatheringState === 'complete') r();
      w.pc.onicegatheringstatechange = () => w.pc.iceGatheringState === 'complete' && r();
    });
    return w.pc.localDescription?.sdp ?? '';
  }, pc.localDescription?.sdp ?? '');
  result.answerSimulcast = answer.split('\r\n').filter((l) => l.startsWith('a=simulcast') || l.startsWith('a=rid'));
  await pc.setRemoteDescription({ type: 'answer', sdp: answer });
  await until(() => pc.connectionState === 'connected', 15000, `omnirtc connected (state ${pc.connectionState})`);
  result.connected = true;
  // Real time, 30 fps: each frame written for both rids.
  const start = Date.now();
  for (let i = 0; i < layers.lo.length; i++) {
    const wait = start + i * (1000 / 30) - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    for (const rid of ['lo', 'hi'] as const) track.writeFrame({ data: layers[rid][i], timestamp: i * 3000, keyframe: i % 30 === 0 }, { rid });
  }
  await new Promise((r) => setTimeout(r, 500));
  result.viewer = await page.evaluate(async () => {
    const w = window as unknown as { pc: RTCPeerConnection };
    const r = { frameWidth: 0, framesDecoded: 0, ssrcs: 0 };
    (await w.pc.getStats()).forEach((s: Record<string, unknown>) => {
      if (s.type === 'inbound-rtp' && s.kind === 'video') Object.assign(r, { frameWidth: Number(s.frameWidth ?? 0), framesDecoded: Number(s.framesDecoded ?? 0), ssrcs: r.ssrcs + 1 });
    });
    return r;
  });
  result.outbound = [...(await pc.getStats()).values()].filter((s) => s.type === 'outbound-rtp').map((s) => ({ rid: s.rid, framesSent: s.framesSent }));
  result.layerSenders = t.sender.layerSenders.length;
}

async function main(): Promise<void> {
  const chrome = await openChromium();
  const pc = new OmniPeerConnection({ iceAddresses: ['127.0.0.1'] });
  const result: Record<string, unknown> = { role };
  try {
    const page = chrome.page;
    await page.evaluate(() => {
      const w = window as unknown as { pc: RTCPeerConnection };
      w.pc = new RTCPeerConnection();
    });
    const waitGathered = `new Promise((r) => { if (pc.iceGatheringState === 'complete') r(); pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && r(); })`;
    if (role === 'omnirtc-sends') {
      await sendTwoLayers(page, pc, result);
      console.log(JSON.stringify(result));
      return;
    }
    const trackEvent = new Promise<RTCTrackEvent>((resolve) => {
      pc.ontrack = (e) => resolve(e);
    });
    if (role !== 'omnirtc-offers') {
      const offer = await page.evaluate(
        async ({ wait, rids }) => {
          const w = window as unknown as { pc: RTCPeerConnection };
          const s = await navigator.mediaDevices.getUserMedia({ video: { width: 1280, height: 720 } });
          w.pc.addTransceiver(s.getVideoTracks()[0], {
            direction: 'sendonly',
            sendEncodings: rids.map((rid, i) => ({ rid, scaleResolutionDownBy: 2 ** (rids.length - 1 - i) })),
          });
          // VP8 only: its key frame header carries the picture size checked per layer.
          const t = w.pc.getTransceivers()[0];
          const caps = RTCRtpSender.getCapabilities('video')?.codecs ?? [];
          t.setCodecPreferences(caps.filter((c) => /vp8|rtx/i.test(c.mimeType)));
          // A loaded machine must not make Chromium scale the layers down (CPU adaptation).
          const p = t.sender.getParameters() as RTCRtpSendParameters & { degradationPreference?: string };
          p.degradationPreference = 'maintain-resolution';
          await t.sender.setParameters(p);
          await w.pc.setLocalDescription();
          // biome-ignore lint/security/noGlobalEval: the page script is ours
          await eval(wait.replace(/pc\./g, 'w.pc.'));
          return w.pc.localDescription?.sdp ?? '';
        },
        { wait: waitGathered, rids: RIDS },
      );
      result.offerSimulcast = /a=simulcast:send q;h;f/.test(offer);
      await pc.setRemoteDescription({ type: 'offer', sdp: offer });
      await pc.setLocalDescription();
      await gathered(pc);
      const answer = pc.localDescription?.sdp ?? '';
      result.answerSimulcast = answer.split('\r\n').filter((l) => l.startsWith('a=simulcast') || l.startsWith('a=rid'));
      await chromeApplyAnswer(page, answer);
    } else {
      // omnirtc asks for simulcast (receiveEncodings → a=simulcast:recv q;h;f). W3C WebRTC
      // §4.4.1.6: Chromium's setRemoteDescription turns the offered rids into its sender's
      // encodings, so the track it then adds is sent as three layers.
      const vt = pc.addTransceiver('video', { direction: 'recvonly', receiveEncodings: RIDS.map((rid) => ({ rid })) });
      vt.setCodecPreferences(vp8Only());
      await pc.setLocalDescription();
      await gathered(pc);
      const answer = await page.evaluate(
        async ({ sdp, wait }) => {
          const w = window as unknown as { pc: RTCPeerConnection };
          await w.pc.setRemoteDescription({ type: 'offer', sdp });
          const s = await navigator.mediaDevices.getUserMedia({ video: { width: 1280, height: 720 } });
          const t = w.pc.getTransceivers()[0];
          await t.sender.replaceTrack(s.getVideoTracks()[0]);
          t.direction = 'sendonly';
          // The encodings from the offer, with Chromium's usual 4:2:1 scaling.
          const p = t.sender.getParameters();
          p.encodings.forEach((e, i) => {
            e.scaleResolutionDownBy = 2 ** (p.encodings.length - 1 - i);
          });
          (p as RTCRtpSendParameters & { degradationPreference?: string }).degradationPreference = 'maintain-resolution';
          await t.sender.setParameters(p);
          await w.pc.setLocalDescription();
          // biome-ignore lint/security/noGlobalEval: the page script is ours
          await eval(wait.replace(/pc\./g, 'w.pc.'));
          return w.pc.localDescription?.sdp ?? '';
        },
        { sdp: pc.localDescription?.sdp ?? '', wait: waitGathered },
      );
      result.answerSimulcast = answer.split('\r\n').filter((l) => l.startsWith('a=simulcast') || l.startsWith('a=rid'));
      await pc.setRemoteDescription({ type: 'answer', sdp: answer });
    }
    const event = await trackEvent;
    await until(() => pc.connectionState === 'connected', 15000, `omnirtc connected (state ${pc.connectionState})`);
    result.connected = true;
    const layers = event.receiver.getLayers();
    result.layerRids = layers.map((t) => t.rid);
    const counts: Record<string, LayerCounts> = {};
    for (const t of layers) {
      const c: LayerCounts = { rtp: 0, frames: 0, keyFrames: 0, sizes: [] };
      counts[t.rid ?? '-'] = c;
      count(t, c);
    }
    // Chromium enables layers as its bandwidth estimate (fed by our transport-cc) allows.
    await until(() => RIDS.filter((r) => (counts[r]?.frames ?? 0) >= 10).length >= 2, 20000, 'frames on at least two layers');
    await until(() => RIDS.every((r) => (counts[r]?.frames ?? 0) >= 10), 10000, 'frames on all three layers').catch(() => undefined);
    // A PLI on one layer: a new key frame on that layer.
    const target = RIDS.filter((r) => (counts[r]?.frames ?? 0) >= 10).pop() as string;
    const before = counts[target].keyFrames;
    // Under loss the PLI (or a packet of the key frame) can be lost: ask again every 1.5 s, as a
    // receiver still waiting for its key frame does (bounded: 15 s in all).
    const asked = Date.now();
    while (counts[target].keyFrames <= before && Date.now() - asked < 15000) {
      event.receiver.requestKeyFrame(target);
      await until(() => counts[target].keyFrames > before, loss > 0 ? 1500 : 10000, `a key frame on layer ${target} after requestKeyFrame('${target}')`).catch(() => undefined);
    }
    await until(() => counts[target].keyFrames > before, 0, `a key frame on layer ${target} after requestKeyFrame('${target}')`);
    result.keyFrameLayer = target;
    if (loss > 0) {
      // Under loss: go on until some layer's gap was NACKed and repaired by RTX (bounded).
      const repaired = async (): Promise<boolean> =>
        [...(await pc.getStats()).values()].some((s) => s.type === 'inbound-rtp' && Number(s.nackCount) > 0 && Number(s.retransmittedPacketsReceived) > 0);
      const end = Date.now() + 15000;
      while (!(await repaired()) && Date.now() < end) await new Promise((r) => setTimeout(r, 200));
    }
    await new Promise((r) => setTimeout(r, 500));
    const chromeStats = await page.evaluate(async () => {
      const w = window as unknown as { pc: RTCPeerConnection };
      const out: Record<string, { pliCount: number; frameWidth: number; framesSent: number }> = {};
      (await w.pc.getStats()).forEach((s: Record<string, unknown>) => {
        if (s.type === 'outbound-rtp' && typeof s.rid === 'string') out[s.rid] = { pliCount: Number(s.pliCount ?? 0), frameWidth: Number(s.frameWidth ?? 0), framesSent: Number(s.framesSent ?? 0) };
      });
      return out;
    });
    result.chrome = chromeStats;
    // Frames read by the program so far, then omnirtc's counters (which include them; media keeps flowing).
    result.layers = structuredClone(counts);
    const inbound = [...(await pc.getStats()).values()].filter((s) => s.type === 'inbound-rtp');
    result.inbound = inbound.map((s) => ({ rid: s.rid, ssrc: s.ssrc, packetsReceived: s.packetsReceived, framesReceived: s.framesReceived, pliCount: s.pliCount, nackCount: s.nackCount, retransmittedPacketsReceived: s.retransmittedPacketsReceived, packetsLost: s.packetsLost }));
    result.ridRouting = event.receiver.ridRouting;
    if (role === 'sfu') result.sfu = await forwardToViewer(page, layers);
  } finally {
    pc.close();
    await chrome.close();
  }
  console.log(JSON.stringify(result));
}

runPeerScript(main);
