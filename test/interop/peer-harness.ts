// Shared set-up for the in-process peer runs (peer-*.run.ts): werift / @roamhq/wrtc peers on
// 127.0.0.1, omnirtc answering a peer's media offer, and the one-JSON-line script contract.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readIvf } from '../../src/rtp/index';
import { MediaStream, MediaStreamTrack, type RTCPeerConnection as OmniPeerConnection, RTCRtpSender, type RTCRtpTransceiver } from '../../src/index';

const require = createRequire(import.meta.url);

/** Rejects with `timed out: what` when `p` has not settled within `ms`. */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([p, new Promise<never>((_, rej) => (timer = setTimeout(() => rej(new Error(`timed out: ${what}`)), ms)))]).finally(() => clearTimeout(timer));
}

/** Resolves once `cond()` holds, polling every `pollMs`; rejects with `timed out: what` after `ms`. */
export function until(cond: () => boolean, ms: number, what: string, pollMs = 5): Promise<void> {
  const end = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const poll = (): void => {
      if (cond()) resolve();
      else if (Date.now() > end) reject(new Error(`timed out: ${what}`));
      else setTimeout(poll, pollMs);
    };
    poll();
  });
}

/**
 * Random UDP loss for everything in this network namespace (DESIGN.md "Loss between
 * namespaces"): on lo every datagram passes INPUT once, so both directions lose `probability`.
 * Only call it inside a namespace the test created.
 */
export function dropUdpRandomly(probability: number): void {
  if (probability <= 0) return;
  execFileSync('iptables', ['-A', 'INPUT', '-p', 'udp', '-m', 'statistic', '--mode', 'random', '--probability', String(probability), '-j', 'DROP']);
}

/**
 * VP8 frames (libvpx, realtime, a key frame every 30) of an ffmpeg lavfi `source`, read back
 * from IVF. `extra` adds encoder options (rate control, speed).
 */
export function ffmpegVp8Frames(opts: { source?: string; seconds: number; bitrate: number; extra?: string[] }): Uint8Array[] {
  const dir = mkdtempSync(join(tmpdir(), 'omnirtc-vp8-'));
  try {
    const out = join(dir, 'v.ivf');
    const source = opts.source ?? 'testsrc=size=320x240:rate=30';
    const encoder = ['-c:v', 'libvpx', '-b:v', String(opts.bitrate), '-g', '30', '-deadline', 'realtime', ...(opts.extra ?? [])];
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', source, '-t', String(opts.seconds), ...encoder, out], { stdio: ['ignore', 'ignore', 'pipe'] });
    return readIvf(new Uint8Array(readFileSync(out))).frames.map((f) => f.data);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** werift's module (its types are not part of this project). */
// biome-ignore lint/suspicious/noExplicitAny: werift's types are not part of this project
export const loadWerift = (): any => require('werift');
/** @roamhq/wrtc's module (its types are not part of this project). */
// biome-ignore lint/suspicious/noExplicitAny: @roamhq/wrtc's types are not part of this project
export const loadWrtc = (): any => require('@roamhq/wrtc');

/** A werift RTCPeerConnection that gathers only on 127.0.0.1 (network safety rule). */
// biome-ignore lint/suspicious/noExplicitAny: werift's types are not part of this project
export function weriftPeerConnection(): any {
  return new (loadWerift().RTCPeerConnection)({ iceServers: [], iceUseIpv6: false, iceAdditionalHostAddresses: ['127.0.0.1'], iceInterfaceAddresses: { udp4: '127.0.0.1' } });
}

/** A werift peer with one sendrecv transceiver of `kind`, sending from the returned track. */
// biome-ignore lint/suspicious/noExplicitAny: werift's types are not part of this project
export function weriftPeerWithTrack(kind: 'audio' | 'video'): { pc: any; track: any; transceiver: any } {
  const pc = weriftPeerConnection();
  const track = new (loadWerift().MediaStreamTrack)({ kind });
  const transceiver = pc.addTransceiver(track, { direction: 'sendrecv' });
  return { pc, track, transceiver };
}

/** A wrtc peer with one sendrecv transceiver of `kind`, fed by a nonstandard RTCAudioSource / RTCVideoSource. */
// biome-ignore lint/suspicious/noExplicitAny: @roamhq/wrtc's types are not part of this project
export function wrtcPeerWithSource(kind: 'audio' | 'video'): { wrtc: any; pc: any; source: any; track: any } {
  const wrtc = loadWrtc();
  const pc = new wrtc.RTCPeerConnection({ iceServers: [] });
  const source = kind === 'audio' ? new wrtc.nonstandard.RTCAudioSource() : new wrtc.nonstandard.RTCVideoSource();
  const track = source.createTrack();
  pc.addTransceiver(track, { direction: 'sendrecv', streams: [new wrtc.MediaStream([track])] });
  return { wrtc, pc, source, track };
}

/** werift's offer once its host candidates are in (it has no gathering-complete event worth trusting here). */
// biome-ignore lint/suspicious/noExplicitAny: werift peer connection
export async function weriftOffer(pc: any): Promise<string> {
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise((r) => setTimeout(r, 300));
  return pc.localDescription.sdp;
}

/** wrtc's offer once ICE gathering is complete (full description, no trickle). */
// biome-ignore lint/suspicious/noExplicitAny: wrtc peer connection
export async function wrtcOffer(pc: any): Promise<string> {
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise<void>((r) => {
    if (pc.iceGatheringState === 'complete') return r();
    pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && r();
  });
  return pc.localDescription.sdp;
}

/** Resolves when omnirtc's ICE gathering is complete. */
export function gathered(pc: OmniPeerConnection): Promise<void> {
  return new Promise<void>((resolve) => {
    if (pc.iceGatheringState === 'complete') return resolve();
    pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
  });
}

/** Resolves when omnirtc's connection state is `connected`. */
export function connected(pc: OmniPeerConnection): Promise<void> {
  return new Promise<void>((resolve) => {
    if (pc.connectionState === 'connected') return resolve();
    pc.addEventListener('connectionstatechange', () => pc.connectionState === 'connected' && resolve());
  });
}

/** A peer that offers one sendrecv media transceiver and takes omnirtc's answer. */
export interface OfferingPeer {
  offer(): Promise<string>;
  answer(sdp: string): Promise<void>;
}

/** The offer/answer half of a W3C-API peer (werift, wrtc): `makeOffer(pc)`, then the answer applied. */
// biome-ignore lint/suspicious/noExplicitAny: werift's and wrtc's types are not part of this project
export function offeringPeer(pc: any, makeOffer: (pc: any) => Promise<string>): OfferingPeer {
  return {
    offer: () => makeOffer(pc),
    async answer(sdp) {
      await pc.setRemoteDescription({ type: 'answer', sdp });
    },
  };
}

/**
 * omnirtc answers `remote`'s offer with a sendrecv track of `kind` restricted to `mimeType`,
 * and waits until connected. Returns the transceiver and the track omnirtc sends on.
 */
export async function answerMediaOffer(
  pc: OmniPeerConnection,
  remote: OfferingPeer,
  kind: 'audio' | 'video',
  mimeType: string,
  timeouts: { offerMs: number; connectMs: number },
): Promise<{ transceiver: RTCRtpTransceiver; track: MediaStreamTrack }> {
  const offer = await within(remote.offer(), timeouts.offerMs, 'peer offer');
  await pc.setRemoteDescription({ type: 'offer', sdp: offer });
  const transceiver = pc.getTransceivers()[0];
  const track = new MediaStreamTrack({ kind });
  await transceiver.sender.replaceTrack(track);
  transceiver.sender.setStreams(new MediaStream());
  transceiver.direction = 'sendrecv';
  const caps = RTCRtpSender.getCapabilities(kind)?.codecs ?? [];
  transceiver.setCodecPreferences(caps.filter((c) => c.mimeType.toLowerCase() === mimeType.toLowerCase()));
  await pc.setLocalDescription();
  await within(gathered(pc), 5000, 'omnirtc ICE gathering');
  await within(remote.answer(pc.localDescription?.sdp ?? ''), 5000, 'peer applies the answer');
  await within(connected(pc), timeouts.connectMs, 'connected');
  return { transceiver, track };
}

/** Runs a peer script's main: its result is one JSON line; a failure is `{ error }` and exit 1. */
export function runPeerScript(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      console.log(JSON.stringify({ error: String((e as Error)?.stack ?? e) }));
      process.exit(1);
    },
  );
}
