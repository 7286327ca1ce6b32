// omnirtc ↔ werift / @roamhq/wrtc audio over real UDP, inside a lo-only namespace
// (peer-audio.test.ts). The peer offers one sendrecv audio transceiver; omnirtc answers with
// Opus. omnirtc sends ffmpeg's Opus packets (a 440 Hz sine) with writeFrame(); werift sends the
// same packets as raw RTP (packetised by omnirtc/rtp) with writeRtp(); wrtc sends PCM through
// its own Opus encoder (nonstandard RTCAudioSource) and decodes omnirtc's Opus (RTCAudioSink).
// argv[2]: 'werift' | 'wrtc'. Prints one JSON line.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RTCPeerConnection as OmniPeerConnection, type RTCTrackEvent } from '../../src/index';
import { OggOpusWriter, createPacketizer, opusPacketSamples, readOggOpus } from '../../src/rtp/index';
import { type OfferingPeer, answerMediaOffer, offeringPeer, runPeerScript, weriftOffer, weriftPeerWithTrack, within, wrtcOffer, wrtcPeerWithSource } from './peer-harness';

const peer = process.argv[2] === 'wrtc' ? 'wrtc' : 'werift';

/** 3 s of a 440 Hz sine as 20 ms Opus packets (150), encoded by ffmpeg's libopus. */
function opusPackets(): Uint8Array[] {
  const dir = mkdtempSync(join(tmpdir(), 'omnirtc-peer-audio-'));
  try {
    const out = join(dir, 'a.ogg');
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', '3', '-c:a', 'libopus', '-b:a', '32k', '-frame_duration', '20', out]);
    return readOggOpus(new Uint8Array(readFileSync(out))).packets;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The frequency of a pure tone from its zero crossings: f Hz changes sign 2f times a second.
 * Zero samples are skipped so a sign change across them still counts once.
 */
function toneHz(blocks: Int16Array[], sampleRate: number): number {
  let crossings = 0;
  let count = 0;
  let last = 0;
  for (const block of blocks) {
    for (const s of block) {
      if (s === 0) continue;
      if (last !== 0 && Math.sign(s) !== Math.sign(last)) crossings++;
      last = s;
    }
    count += block.length;
  }
  return count > 0 ? Math.round((crossings / 2) * (sampleRate / count)) : 0;
}

/** Decodes Opus packets with ffmpeg (via an Ogg Opus file) to 48 kHz mono PCM. */
function decodeOpus(packets: Uint8Array[]): Int16Array {
  const dir = mkdtempSync(join(tmpdir(), 'omnirtc-peer-audio-'));
  try {
    const writer = new OggOpusWriter({ channels: 2 });
    for (const p of packets) writer.addPacket(p);
    writeFileSync(join(dir, 'in.ogg'), writer.finish());
    const pcm = execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-i', join(dir, 'in.ogg'), '-f', 's16le', '-ac', '1', '-ar', '48000', '-'], { maxBuffer: 64 * 1024 * 1024 });
    return new Int16Array(pcm.buffer, pcm.byteOffset, pcm.byteLength >> 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

/** What the peer got from omnirtc. */
interface PeerReceived {
  packets: number;
  /** werift: RTP payloads byte-identical to one of ffmpeg's packets. */
  matchingPayloads?: number;
  /** wrtc: decoded PCM delivered to RTCAudioSink. */
  decodedSamples?: number;
  decodedCallbacks?: number;
  /** wrtc: the largest |sample| decoded (a 440 Hz sine at ffmpeg's default amplitude ≈ 4000+). */
  peakSample?: number;
  /** wrtc: getStats() inbound-rtp audio. */
  statsPacketsReceived?: number;
  statsTotalSamplesReceived?: number;
  /** wrtc: the tone's frequency in the loud part of the decoded audio, from zero crossings (channel 0). */
  toneHz?: number;
}

interface AudioPeer extends OfferingPeer {
  startSending(): void;
  received(): Promise<PeerReceived>;
  close(): void;
}

/** The RTP timestamp werift's first packet carries; werift keeps it (its offset is 0 until replaceTrack). */
const WERIFT_TS_BASE = 123456;

function weriftPeer(packets: Uint8Array[]): AudioPeer {
  const { pc, track } = weriftPeerWithTrack('audio');
  const sent = new Set(packets.map(hex));
  const got = { packets: 0, matchingPayloads: 0 };
  // biome-ignore lint/suspicious/noExplicitAny: werift track
  pc.onTrack.subscribe((t: any) =>
    t.onReceiveRtp.subscribe((rtp: { payload: Buffer }) => {
      got.packets++;
      if (sent.has(hex(rtp.payload))) got.matchingPayloads++;
    }),
  );
  let timer: ReturnType<typeof setInterval> | undefined;
  return {
    ...offeringPeer(pc, weriftOffer),
    startSending() {
      // werift rewrites SSRC and payload type to its negotiated ones and keeps the rest.
      const packetizer = createPacketizer('opus', { payloadType: 111, ssrc: 0x2222 });
      let i = 0;
      let ts = WERIFT_TS_BASE;
      timer = setInterval(() => {
        if (i >= packets.length) return clearInterval(timer);
        for (const p of packetizer.packetize(packets[i], ts)) track.writeRtp(Buffer.from(p));
        ts += opusPacketSamples(packets[i]);
        i++;
      }, 20);
    },
    received: async () => got,
    close() {
      clearInterval(timer);
      void pc.close();
    },
  };
}

function wrtcPeer(): AudioPeer {
  const { wrtc, pc, source, track } = wrtcPeerWithSource('audio');
  const got = { packets: 0, decodedSamples: 0, decodedCallbacks: 0, peakSample: 0 };
  const loud: Int16Array[] = []; // channel 0 of the decoded 10 ms blocks that are not silence
  let sampleRate = 48000;
  // biome-ignore lint/suspicious/noExplicitAny: wrtc objects
  let sink: any;
  // biome-ignore lint/suspicious/noExplicitAny: wrtc event
  pc.ontrack = (e: any) => {
    if (e.track.kind !== 'audio') return;
    sink = new wrtc.nonstandard.RTCAudioSink(e.track);
    sink.ondata = (d: { samples: Int16Array; sampleRate: number; channelCount: number; numberOfFrames: number }) => {
      got.decodedCallbacks++;
      got.decodedSamples += d.samples.length;
      let peak = 0;
      for (const s of d.samples) peak = Math.max(peak, Math.abs(s));
      got.peakSample = Math.max(got.peakSample, peak);
      if (peak < 1000 || loud.length >= 1000) return; // silence before the first packet; bounded
      sampleRate = d.sampleRate;
      const mono = new Int16Array(d.numberOfFrames);
      for (let i = 0; i < mono.length; i++) mono[i] = d.samples[i * d.channelCount]; // interleaved
      loud.push(mono);
    };
  };
  let timer: ReturnType<typeof setInterval> | undefined;
  return {
    ...offeringPeer(pc, wrtcOffer),
    startSending() {
      // 10 ms of a 440 Hz sine per call (a tone, so libwebrtc's Opus encoder does not go to DTX).
      const samples = new Int16Array(480);
      let n = 0;
      timer = setInterval(() => {
        for (let i = 0; i < samples.length; i++, n++) samples[i] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * n) / 48000));
        source.onData({ samples, sampleRate: 48000, bitsPerSample: 16, channelCount: 1, numberOfFrames: 480 });
      }, 10);
    },
    async received() {
      const out: PeerReceived = { ...got, toneHz: toneHz(loud, sampleRate) };
      (await pc.getStats()).forEach((s: Record<string, unknown>) => {
        if (s.type === 'inbound-rtp' && s.kind === 'audio') {
          out.packets = Number(s.packetsReceived ?? 0);
          out.statsPacketsReceived = Number(s.packetsReceived ?? 0);
          out.statsTotalSamplesReceived = Number(s.totalSamplesReceived ?? 0);
        }
      });
      return out;
    },
    close() {
      clearInterval(timer);
      sink?.stop();
      track.stop();
      pc.close();
    },
  };
}

async function main(): Promise<void> {
  const packets = opusPackets();
  const remote = peer === 'wrtc' ? wrtcPeer() : weriftPeer(packets);
  const pc = new OmniPeerConnection({ iceAddresses: ['127.0.0.1'] });
  const result: Record<string, unknown> = { peer, ffmpegPackets: packets.length };
  try {
    const counts = { rtp: 0, frames: 0, validOpus: 0 };
    const received: { timestamp: number; data: Uint8Array; mimeType: string }[] = [];
    pc.ontrack = (e: RTCTrackEvent) => {
      e.track.addEventListener('rtp', () => counts.rtp++);
      void (async () => {
        for await (const f of e.track.frames()) {
          counts.frames++;
          if (opusPacketSamples(f.data) > 0) counts.validOpus++;
          if (received.length < 1000) received.push({ timestamp: f.timestamp, data: f.data.slice(), mimeType: f.mimeType });
        }
      })();
    };
    const { transceiver: t, track: ours } = await answerMediaOffer(pc, remote, 'audio', 'audio/opus', { offerMs: 8000, connectMs: 8000 });
    result.connected = true;
    result.negotiated = t.sender.getParameters().codecs[0]?.mimeType;
    remote.startSending();
    // Real-time pacing: one 20 ms Opus packet per tick, RTP timestamps in 48 kHz samples.
    let timestamp = 0;
    for (const p of packets) {
      ours.writeFrame({ data: p, timestamp, keyframe: true });
      timestamp += opusPacketSamples(p);
      await new Promise((r) => setTimeout(r, 20));
    }
    // Let the peer's jitter buffer drain and the last packets arrive.
    await new Promise((r) => setTimeout(r, 700));
    result.omnirtcReceived = { ...counts, mimeTypes: [...new Set(received.map((f) => f.mimeType))] };
    if (peer === 'werift') {
      // Every 7th frame omnirtc depacketised must be the very ffmpeg packet werift sent with that timestamp.
      let checked = 0;
      let identical = 0;
      const mismatches: string[] = [];
      for (let i = 0; i < received.length; i += 7) {
        const f = received[i];
        let ts = WERIFT_TS_BASE;
        let index = 0;
        while (index < packets.length && ts !== f.timestamp) ts += opusPacketSamples(packets[index++]);
        checked++;
        if (index < packets.length && hex(packets[index]) === hex(f.data)) identical++;
        else if (mismatches.length < 3) mismatches.push(`ts ${f.timestamp}: got ${hex(f.data).slice(0, 32)}… (${f.data.length} B)`);
      }
      result.byteIdentical = { checked, identical, mismatches };
    } else {
      // libwebrtc encoded a 440 Hz sine: ffmpeg decodes the Opus packets omnirtc depacketised.
      const pcm = decodeOpus(received.map((f) => f.data));
      let peak = 0;
      for (const s of pcm) peak = Math.max(peak, Math.abs(s));
      // Skip the first 200 ms: the encoder's start-up and the decoder's pre-skip.
      result.omnirtcDecoded = { samples: pcm.length, peakSample: peak, toneHz: toneHz([pcm.subarray(9600)], 48000) };
    }
    result.peerReceived = await within(remote.received(), 3000, 'peer stats');
  } finally {
    pc.close();
    remote.close();
  }
  console.log(JSON.stringify(result));
}

runPeerScript(main);
