// omnirtc ↔ werift / @roamhq/wrtc media over real UDP, inside a lo-only namespace
// (peer-media.test.ts). The peer offers one sendrecv video transceiver; omnirtc answers.
// Both sides send VP8: omnirtc ffmpeg frames with writeFrame(); werift raw RTP (packetised
// by omnirtc/rtp), wrtc frames from its own encoder (nonstandard RTCVideoSource).
// argv[2]: 'werift' | 'wrtc'. Prints one JSON line.
import { RTCPeerConnection as OmniPeerConnection, type RTCTrackEvent } from '../../src/index';
import { createPacketizer } from '../../src/rtp/index';
import { answerMediaOffer, ffmpegVp8Frames, type OfferingPeer, offeringPeer, runPeerScript, weriftOffer, weriftPeerWithTrack, wrtcOffer, wrtcPeerWithSource } from './peer-harness';

const peer = process.argv[2] === 'wrtc' ? 'wrtc' : 'werift';

interface MediaPeer extends OfferingPeer {
  /** Starts sending VP8 with the negotiated payload type. */
  startSending(): void;
  received(): { packets: number; frames: number };
  close(): void;
}

function weriftPeer(): MediaPeer {
  const { pc, track, transceiver } = weriftPeerWithTrack('video');
  const got = { packets: 0, frames: 0 };
  // biome-ignore lint/suspicious/noExplicitAny: werift track
  pc.onTrack.subscribe((t: any) => t.onReceiveRtp.subscribe((rtp: { header: { marker: boolean } }) => {
    got.packets++;
    if (rtp.header.marker) got.frames++;
  }));
  let timer: ReturnType<typeof setInterval> | undefined;
  return {
    ...offeringPeer(pc, weriftOffer),
    startSending() {
      const pt = transceiver.codecs?.[0]?.payloadType ?? 96;
      const frames = ffmpegVp8Frames({ seconds: 3, bitrate: 300_000 });
      const packetizer = createPacketizer('vp8', { payloadType: pt, ssrc: 0x1111 });
      let i = 0;
      timer = setInterval(() => {
        if (i >= frames.length) return clearInterval(timer);
        for (const p of packetizer.packetize(frames[i], i * 3000)) track.writeRtp(Buffer.from(p));
        i++;
      }, 33);
    },
    received: () => got,
    close() {
      clearInterval(timer);
      void pc.close();
    },
  };
}

function wrtcPeer(): MediaPeer {
  const { wrtc, pc, source, track } = wrtcPeerWithSource('video');
  const got = { packets: 0, frames: 0 };
  // biome-ignore lint/suspicious/noExplicitAny: wrtc event
  pc.ontrack = (e: any) => {
    if (e.track.kind !== 'video') return;
    const sink = new wrtc.nonstandard.RTCVideoSink(e.track);
    sink.onframe = () => {
      got.frames++;
    };
  };
  let timer: ReturnType<typeof setInterval> | undefined;
  return {
    ...offeringPeer(pc, wrtcOffer),
    startSending() {
      // I420 grey frames from libwebrtc's own encoder (VP8 as negotiated).
      const width = 320;
      const height = 240;
      const data = new Uint8ClampedArray(width * height * 1.5).fill(128);
      let n = 0;
      timer = setInterval(() => {
        data[n % data.length] = n & 0xff;
        n++;
        source.onFrame({ width, height, data });
      }, 33);
    },
    received: () => got,
    close() {
      clearInterval(timer);
      track.stop();
      pc.close();
    },
  };
}

async function main(): Promise<void> {
  const remote = peer === 'wrtc' ? wrtcPeer() : weriftPeer();
  const pc = new OmniPeerConnection({ iceAddresses: ['127.0.0.1'] });
  const result: Record<string, unknown> = { peer };
  try {
    const tracks: RTCTrackEvent[] = [];
    const counts = { rtp: 0, frames: 0, keyFrames: 0 };
    pc.ontrack = (e) => {
      tracks.push(e);
      e.track.addEventListener('rtp', () => counts.rtp++);
      void (async () => {
        for await (const f of e.track.frames()) {
          counts.frames++;
          if (f.keyframe) counts.keyFrames++;
        }
      })();
    };
    const { transceiver: t, track: ours } = await answerMediaOffer(pc, remote, 'video', 'video/VP8', { offerMs: 15000, connectMs: 15000 });
    result.connected = true;
    remote.startSending();
    const frames = ffmpegVp8Frames({ seconds: 3, bitrate: 300_000 });
    for (let i = 0; i < frames.length; i++) {
      ours.writeFrame({ data: frames[i], timestamp: i * 3000, keyframe: i % 30 === 0 });
      await new Promise((r) => setTimeout(r, 33));
    }
    await new Promise((r) => setTimeout(r, 500));
    result.omnirtcReceived = counts;
    result.peerReceived = remote.received();
    result.negotiated = t.sender.getParameters().codecs[0]?.mimeType;
  } finally {
    pc.close();
    remote.close();
  }
  console.log(JSON.stringify(result));
}

runPeerScript(main);
