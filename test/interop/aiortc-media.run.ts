// omnirtc ↔ aiortc audio and video over real UDP on a veth pair in a namespace of its own
// (aiortc-media.test.ts). aiortc sends moving bars through its VP8 encoder and a sine
// through its Opus encoder; omnirtc depacketises them (track.frames()). omnirtc sends VP8
// made by ffmpeg and Ogg Opus made by ffmpeg with writeFrame(); aiortc decodes them
// (aiortc-peer.py media mode). Then omnirtc asks for a key frame (PLI) and aiortc — whose
// VP8 encoder otherwise makes a single key frame — must send a new one.
// argv[2]: 'omnirtc-offers' | 'aiortc-offers'; argv[3]: 'loss' drops LOSS of the VP8 packets
// omnirtc sends once connected (silently, at INPUT), so aiortc NACKs and omnirtc must
// retransmit them (RTX); 'pli' drops our VP8 packets for frames 20–25 of a noisy ~2 Mbit/s
// stream and every RTX packet from then on, so aiortc's jitter buffer overflows behind the
// hole and it asks us for a key frame (PLI → our 'keyframerequest'). Prints one JSON line.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MediaStream, MediaStreamTrack, RTCPeerConnection as OmniPeerConnection, RTCRtpSender, type RTCRtpTransceiver } from '../../src/index';
import { opusPacketSamples, readOggOpus } from '../../src/rtp/index';
import { OMNIRTC_ADDRESS, spawnAiortc } from './aiortc-harness';
import { connected, ffmpegVp8Frames, gathered, runPeerScript, until, within } from './peer-harness';

const role = process.argv[2] === 'aiortc-offers' ? 'aiortc-offers' : 'omnirtc-offers';
const lossy = process.argv[3] === 'loss';
const hole = process.argv[3] === 'pli';
/** Frames [from, to) whose packets never reach aiortc in 'pli' mode (nor any RTX after `from`). */
const HOLE = { from: 20, to: 26 };
const LOSS = 0.08;
/** omnirtc's ICE ports, so the loss rule can tell its packets from aiortc's. */
const PORTS = { min: 41000, max: 41019 };
const SECONDS = 3;
const DEADLINE_MS = 40_000;

/** 20 ms Opus packets of a 440 Hz sine, encoded by ffmpeg's libopus (Ogg read back). */
function ffmpegOpusPackets(seconds: number): Uint8Array[] {
  const dir = mkdtempSync(join(tmpdir(), 'omnirtc-opus-'));
  try {
    const out = join(dir, 'a.ogg');
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', String(seconds), '-c:a', 'libopus', '-b:a', '32k', '-frame_duration', '20', out], { stdio: ['ignore', 'ignore', 'pipe'] });
    return readOggOpus(new Uint8Array(readFileSync(out))).packets;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Counts {
  frames: number;
  keyFrames: number;
  bytes: number;
}

async function main(): Promise<void> {
  // 'pli': noise makes ~7 KB frames (~220 packets/s), so aiortc's 128-packet jitter buffer
  // overflows about 0.6 s after the hole.
  const video = hole ? ffmpegVp8Frames({ seconds: SECONDS, bitrate: 2_000_000, source: 'testsrc=size=320x240:rate=30,noise=alls=40:allf=t+u' }) : ffmpegVp8Frames({ seconds: SECONDS, bitrate: 300_000 });
  const audio = ffmpegOpusPackets(SECONDS);
  const aiortc = spawnAiortc('media', role === 'aiortc-offers' ? 'offer' : 'answer', DEADLINE_MS);
  const pc = new OmniPeerConnection({ iceAddresses: [OMNIRTC_ADDRESS], icePortRange: PORTS });
  const result: Record<string, unknown> = { role, mode: process.argv[3] ?? 'clean', sentVideoFrames: video.length, sentAudioPackets: audio.length };
  const received: Record<'audio' | 'video', Counts> = { audio: { frames: 0, keyFrames: 0, bytes: 0 }, video: { frames: 0, keyFrames: 0, bytes: 0 } };
  const keyFrameRequests = { pli: 0, fir: 0 };
  try {
    pc.ontrack = (e) => {
      const counts = received[e.track.kind as 'audio' | 'video'];
      void (async () => {
        for await (const f of e.track.frames()) {
          counts.frames++;
          counts.bytes += f.data.length;
          if (f.keyframe) counts.keyFrames++;
        }
      })();
    };
    const stream = new MediaStream();
    const audioTrack = new MediaStreamTrack({ kind: 'audio' });
    const videoTrack = new MediaStreamTrack({ kind: 'video' });
    videoTrack.addEventListener('keyframerequest', (e) => keyFrameRequests[(e as Event & { method: 'pli' | 'fir' }).method]++);
    const vp8 = (RTCRtpSender.getCapabilities('video')?.codecs ?? []).filter((c) => c.mimeType.toLowerCase() === 'video/vp8');
    let videoTransceiver: RTCRtpTransceiver;
    if (role === 'omnirtc-offers') {
      pc.addTransceiver(audioTrack, { direction: 'sendrecv', streams: [stream] });
      videoTransceiver = pc.addTransceiver(videoTrack, { direction: 'sendrecv', streams: [stream] });
      videoTransceiver.setCodecPreferences(vp8);
      await pc.setLocalDescription();
      await within(gathered(pc), 5000, 'omnirtc ICE gathering');
      aiortc.send({ type: 'offer', sdp: pc.localDescription?.sdp ?? '' });
      const answer = await within(aiortc.next('answer'), 15_000, 'aiortc answer');
      await pc.setRemoteDescription({ type: 'answer', sdp: answer.sdp ?? '' });
    } else {
      const offer = await within(aiortc.next('offer'), 15_000, 'aiortc offer');
      await pc.setRemoteDescription({ type: 'offer', sdp: offer.sdp ?? '' });
      const byKind = (k: string): RTCRtpTransceiver => {
        const t = pc.getTransceivers().find((x) => x.receiver.track.kind === k);
        if (!t) throw new Error(`aiortc's offer has no ${k} section`);
        return t;
      };
      const at = byKind('audio');
      videoTransceiver = byKind('video');
      await at.sender.replaceTrack(audioTrack);
      await videoTransceiver.sender.replaceTrack(videoTrack);
      for (const t of [at, videoTransceiver]) {
        t.sender.setStreams(stream);
        t.direction = 'sendrecv';
      }
      videoTransceiver.setCodecPreferences(vp8);
      await pc.setLocalDescription();
      await within(gathered(pc), 5000, 'omnirtc ICE gathering');
      aiortc.send({ type: 'answer', sdp: pc.localDescription?.sdp ?? '' });
    }
    await within(connected(pc), 15_000, 'connected');
    result.negotiated = videoTransceiver.sender.getParameters().codecs.map((c) => c.mimeType);
    // Loss is made by iptables rules in runInNamespace's namespace (gone with it), matching
    // UDP from omnirtc's ports by RTP payload type: byte 1 of the UDP payload, low 7 bits
    // (u32 reads it past the IP header length).
    const [vp8Codec, rtxCodec] = videoTransceiver.sender.getParameters().codecs;
    const vp8Pt = vp8Codec?.payloadType ?? -1;
    const dropRule = (pt: number | undefined): string[] => ['INPUT', '-p', 'udp', '--sport', `${PORTS.min}:${PORTS.max}`, '-m', 'u32', '--u32', `0>>22&0x3C@8>>16&0x7F=${pt}`, '-j', 'DROP'];
    // 'loss': from frame 5 on, so the stream's first packets arrive (aiortc, like any
    // receiver, cannot NACK what came before the first packet it saw: without the rest of
    // the first key frame it decodes nothing until the next one).
    const atFrame = (i: number): void => {
      if (lossy && i === 5) {
        // First transmissions only (VP8's payload type), so every NACKed packet can arrive as
        // RTX: aiortc's jitter buffer holds all later frames behind a packet that never comes.
        const rule = dropRule(vp8Pt);
        rule.splice(rule.length - 2, 0, '-m', 'statistic', '--mode', 'random', '--probability', String(LOSS));
        execFileSync('iptables', ['-A', ...rule]);
      }
      // 'pli': our VP8 packets dropped during the hole and RTX from then on, so NACK cannot
      // repair it and aiortc's jitter buffer overflows.
      if (!hole) return;
      if (i === HOLE.from) {
        execFileSync('iptables', ['-A', ...dropRule(vp8Pt)]);
        execFileSync('iptables', ['-A', ...dropRule(rtxCodec?.payloadType)]);
      }
      if (i === HOLE.to) execFileSync('iptables', ['-D', ...dropRule(vp8Pt)]);
    };
    // Real-time pacing: 30 fps video, 20 ms Opus packets.
    let vi = 0;
    let ai = 0;
    let audioTs = 0;
    const start = Date.now();
    await new Promise<void>((resolve) => {
      const tick = setInterval(() => {
        const elapsed = Date.now() - start;
        while (vi < video.length && vi * (1000 / 30) <= elapsed) {
          atFrame(vi);
          videoTrack.writeFrame({ data: video[vi], timestamp: vi * 3000, keyframe: vi % 30 === 0 });
          vi++;
        }
        while (ai < audio.length && ai * 20 <= elapsed) {
          audioTrack.writeFrame({ data: audio[ai], timestamp: audioTs });
          audioTs += opusPacketSamples(audio[ai]);
          ai++;
        }
        if (vi >= video.length && ai >= audio.length) {
          clearInterval(tick);
          resolve();
        }
      }, 10);
    });
    // aiortc's VP8 encoder makes one key frame and then only on request (its sender turns a
    // PLI into a forced key frame): a second key frame proves our PLI reached it.
    const keyFramesBefore = received.video.keyFrames;
    const framesBefore = received.video.frames;
    result.keyFramesBeforePli = keyFramesBefore;
    videoTransceiver.receiver.requestKeyFrame();
    await until(() => received.video.keyFrames > keyFramesBefore, 3000, 'a key frame after our PLI').catch(() => undefined);
    result.keyFramesAfterPli = received.video.keyFrames;
    result.framesRising = received.video.frames > framesBefore;
    result.omnirtcReceived = received;
    result.keyFrameRequestsFromAiortc = keyFrameRequests;
    (await pc.getStats()).forEach((s) => {
      if (s.type === 'outbound-rtp' && s.kind === 'video') result.outboundVideo = { packetsSent: s.packetsSent, nackCount: s.nackCount, retransmittedPacketsSent: s.retransmittedPacketsSent, pliCount: s.pliCount };
    });
    aiortc.send({ type: 'done' });
    result.aiortcReceived = await within(aiortc.next('result'), 10_000, 'aiortc result');
  } finally {
    pc.close();
    aiortc.kill();
  }
  console.log(JSON.stringify(result));
}

runPeerScript(main);
