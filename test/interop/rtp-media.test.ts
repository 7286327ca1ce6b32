// Real encoded media through the packetisers and depacketisers: Debian's ffmpeg makes
// a one-second clip per codec, every frame is packetised at MTU 1200, the packets are
// shuffled inside the reorder window, depacketised, compared byte for byte, written back
// with our IVF / Annex-B / Ogg writers, and ffprobe / an ffmpeg decode must count exactly
// the frames that went in. Then a lost packet: that frame and the ones depending on it
// are dropped and counted, and the next keyframe recovers.
import { execFileSync } from 'node:child_process';
import * as werift from 'werift';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AnnexBWriter, createDepacketizer, createPacketizer, type EncodedFrame, IvfWriter, OggOpusWriter,
  readAnnexBAccessUnits, readIvf, readOggOpus, type RtpCodecName, splitAnnexB,
} from '../../src/rtp/index.js';
import { seededRandom } from '../sim/seeded-random';

function have(tool: string): boolean {
  try {
    execFileSync(tool, ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const FFMPEG_MISSING = !have('ffmpeg') || !have('ffprobe');
const dir = mkdtempSync(join(tmpdir(), 'omnirtc-rtp-media-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const VIDEO_IN = ['-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=30', '-t', '1'];
interface Clip {
  codec: RtpCodecName;
  file: string;
  args: string[];
  container: 'ivf' | 'h264' | 'hevc' | 'ogg';
  fourcc?: 'VP80' | 'VP90' | 'AV01';
}
const CLIPS: Clip[] = [
  { codec: 'vp8', file: 'vp8.ivf', container: 'ivf', fourcc: 'VP80', args: [...VIDEO_IN, '-c:v', 'libvpx', '-b:v', '400k', '-g', '10'] },
  { codec: 'vp9', file: 'vp9.ivf', container: 'ivf', fourcc: 'VP90', args: [...VIDEO_IN, '-c:v', 'libvpx-vp9', '-b:v', '400k', '-deadline', 'realtime', '-cpu-used', '8', '-g', '10'] },
  { codec: 'h264', file: 'clip.h264', container: 'h264', args: [...VIDEO_IN, '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '10', '-bf', '0'] },
  { codec: 'h265', file: 'clip.hevc', container: 'hevc', args: [...VIDEO_IN, '-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=error:keyint=10:min-keyint=10:bframes=0'] },
  { codec: 'av1', file: 'av1.ivf', container: 'ivf', fourcc: 'AV01', args: [...VIDEO_IN, '-c:v', 'libaom-av1', '-usage', 'realtime', '-cpu-used', '8', '-g', '10'] },
  { codec: 'opus', file: 'clip.ogg', container: 'ogg', args: ['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', '1', '-c:a', 'libopus', '-b:a', '32k'] },
];

function encode(clip: Clip): Uint8Array[] {
  const path = join(dir, clip.file);
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...clip.args, path], { stdio: 'pipe' });
  const bytes = new Uint8Array(readFileSync(path));
  if (clip.container === 'ivf') return readIvf(bytes).frames.map((f) => f.data);
  if (clip.container === 'ogg') return readOggOpus(bytes).packets;
  return readAnnexBAccessUnits(bytes, clip.codec as 'h264' | 'h265');
}

function writeContainer(clip: Clip, frames: EncodedFrame[]): string {
  const path = join(dir, `out-${clip.file}`);
  let bytes: Uint8Array;
  if (clip.container === 'ivf') {
    const w = new IvfWriter({ fourcc: clip.fourcc!, width: 160, height: 120, timebaseDenominator: 90000, timebaseNumerator: 1 });
    for (const f of frames) w.addFrame(f.data, f.timestamp);
    bytes = w.finish();
  } else if (clip.container === 'ogg') {
    const w = new OggOpusWriter({ channels: 1 });
    for (const f of frames) w.addPacket(f.data);
    bytes = w.finish();
  } else {
    const w = new AnnexBWriter();
    for (const f of frames) w.addAccessUnit(f.data);
    bytes = w.finish();
  }
  writeFileSync(path, bytes);
  return path;
}

function probeFrameCount(path: string, audio: boolean): number {
  const out = execFileSync('ffprobe', [
    '-v', 'error', '-count_frames', '-select_streams', audio ? 'a:0' : 'v:0',
    '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', path,
  ]).toString().trim();
  return Number.parseInt(out, 10);
}

function decodeErrors(path: string): string {
  try {
    execFileSync('ffmpeg', ['-hide_banner', '-v', 'error', '-xerror', '-i', path, '-f', 'null', '-'], { stdio: 'pipe' });
    return '';
  } catch (e) {
    return String((e as { stderr?: Buffer }).stderr ?? e);
  }
}

// Moves packets about `span` places. keepFirst keeps the first packet first: an Opus
// receiver cannot tell that an earlier packet is still to come (no start flags), while the
// video depacketisers wait at start-up for a frame's earlier packets.
function shuffleWithin<T>(items: T[], span: number, seed: number, keepFirst: boolean): T[] {
  const out = items.slice();
  const r = seededRandom(seed);
  for (let i = keepFirst ? 1 : 0; i < out.length; i++) {
    const j = Math.min(out.length - 1, i + Math.floor(r() * span));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

// The OBUs of a temporal unit as (header without obu_has_size_field, payload), temporal
// delimiters left out: werift rebuilds a unit without them and without the last size field.
function obuList(tu: Uint8Array): string[] {
  const out: string[] = [];
  let o = 0;
  while (o < tu.length) {
    const h = tu[o];
    const hdr = h & 4 ? 2 : 1;
    let p = o + hdr;
    let size = tu.length - p;
    if (h & 2) {
      size = 0;
      for (let shift = 0; ; shift += 7) {
        const b = tu[p++];
        size += (b & 0x7f) * 2 ** shift;
        if (!(b & 0x80)) break;
      }
    }
    if (((h >> 3) & 15) !== 2) out.push(`${(h & ~2).toString(16)}:${Buffer.from(tu.subarray(o + 1, o + hdr)).toString('hex')}:${Buffer.from(tu.subarray(p, p + size)).toString('hex')}`);
    o = p + size;
  }
  return out;
}

const WERIFT_CODEC: Partial<Record<RtpCodecName, werift.DepacketizerCodec>> = { vp8: 'VP8', vp9: 'VP9', h264: 'MPEG4/ISO/AVC', av1: 'AV1', opus: 'OPUS' };

const clockStep = (codec: RtpCodecName): number => (codec === 'opus' ? 960 : 3000);

describe('RTP packetisation of real encoded media (ffmpeg)', () => {
  it('finds ffmpeg and ffprobe', () => {
    if (FFMPEG_MISSING) throw new Error('ffmpeg/ffprobe not found: install Debian package ffmpeg (listed in .ci/apt-packages.txt)');
  });

  for (const clip of CLIPS) {
    describe(clip.codec, () => {
      let frames: Uint8Array[] = [];
      beforeAll(() => {
        if (!FFMPEG_MISSING) frames = encode(clip);
      });

      it('round-trips every frame byte-identically through shuffled packets', () => {
        expect(frames.length).toBeGreaterThanOrEqual(30);
        const pk = createPacketizer(clip.codec, { mtu: 1200, payloadType: 96, ssrc: 0x1234, clockRate: 90000, sequenceNumber: 65530 });
        const packets: Uint8Array[] = [];
        frames.forEach((f, i) => {
          const ps = pk.packetize(f, (0xfffff000 + i * clockStep(clip.codec)) >>> 0); // timestamps wrap too
          for (const p of ps) expect(p.length).toBeLessThanOrEqual(1200);
          expect(ps[ps.length - 1][1] & 0x80).toBe(clip.codec === 'opus' ? 0 : 0x80);
          packets.push(...ps);
        });
        const dp = createDepacketizer(clip.codec, { reorderWindow: 64 });
        const out: EncodedFrame[] = [];
        for (const p of shuffleWithin(packets, 12, 7, clip.codec === 'opus')) out.push(...dp.push(p));
        out.push(...dp.flush());
        expect(out.length).toBe(frames.length);
        out.forEach((f, i) => {
          expect(Buffer.from(f.data).equals(Buffer.from(frames[i]))).toBe(true);
          expect(f.timestamp).toBe((0xfffff000 + i * clockStep(clip.codec)) >>> 0);
        });
        expect(out[0].keyframe).toBe(true);
        expect(dp.stats.framesEmitted).toBe(frames.length);
        expect(dp.stats.packetsLost).toBe(0);
        const path = writeContainer(clip, out);
        expect(probeFrameCount(path, clip.codec === 'opus')).toBe(frames.length);
        expect(decodeErrors(path)).toBe('');
      });

      const wc = WERIFT_CODEC[clip.codec];
      if (wc) {
        it("werift's depacketiser reads what we packetise", () => {
          const pk = createPacketizer(clip.codec, { mtu: 1200, payloadType: 96, ssrc: 0x77 });
          const norm = (f: Uint8Array): string =>
            clip.codec === 'h264'
              ? splitAnnexB(f).map((u) => Buffer.from(u).toString('hex')).join('|')
              : clip.codec === 'av1'
                ? obuList(f).join('|')
                : Buffer.from(f).toString('hex');
          frames.forEach((f, i) => {
            const packets = pk.packetize(f, i * clockStep(clip.codec)).map((p) => werift.RtpPacket.deSerialize(Buffer.from(p)));
            const theirs = werift.dePacketizeRtpPackets(wc, packets);
            expect(norm(new Uint8Array(theirs.data))).toBe(norm(f));
          });
        });
      }

      if (clip.codec !== 'opus') {
        it('drops the frame that lost a packet, and what depends on it, until the next keyframe', () => {
          const pk = createPacketizer(clip.codec, { mtu: 1200, payloadType: 96, ssrc: 0x99, sequenceNumber: 100 });
          const perFrame = frames.map((f, i) => {
            const ps = pk.packetize(f, i * 3000);
            return { ps, key: pk.lastKeyframe };
          });
          const lossFrame = 3;
          expect(perFrame[lossFrame].key).toBe(false);
          const nextKey = perFrame.findIndex((f, i) => i > lossFrame && f.key);
          expect(nextKey).toBeGreaterThan(lossFrame);
          const dp = createDepacketizer(clip.codec, { reorderWindow: 8 });
          const out: EncodedFrame[] = [];
          perFrame.forEach((f, i) => {
            f.ps.forEach((p, j) => {
              if (i === lossFrame && j === 0) return; // the lost packet
              out.push(...dp.push(p));
            });
          });
          out.push(...dp.flush());
          const expected = frames.filter((_, i) => i < lossFrame || i >= nextKey);
          expect(out.map((f) => Buffer.from(f.data).toString('hex'))).toEqual(expected.map((f) => Buffer.from(f).toString('hex')));
          expect(dp.stats.packetsLost).toBe(1);
          // A one-packet frame vanishes with its packet; a longer one is dropped as incomplete.
          expect(dp.stats.framesDroppedIncomplete).toBe(perFrame[lossFrame].ps.length > 1 ? 1 : 0);
          expect(dp.stats.framesDroppedMalformed).toBe(0);
          expect(dp.stats.framesDroppedAwaitingKeyframe).toBe(nextKey - lossFrame - 1);
          expect(dp.waitingForKeyframe).toBe(false);
          const path = writeContainer(clip, out);
          expect(probeFrameCount(path, false)).toBe(expected.length);
          expect(decodeErrors(path)).toBe('');
        });
      }
    });
  }

  it('VP9 flexible mode round-trips too', () => {
    const frames = readIvf(new Uint8Array(readFileSync(join(dir, 'vp9.ivf')))).frames.map((f) => f.data);
    const pk = createPacketizer('vp9', { mtu: 600, payloadType: 98, ssrc: 5, vp9Flexible: true });
    const dp = createDepacketizer('vp9');
    const out: EncodedFrame[] = [];
    frames.forEach((f, i) => {
      for (const p of pk.packetize(f, i * 3000)) out.push(...dp.push(p));
    });
    expect(out.map((f) => Buffer.from(f.data).toString('hex'))).toEqual(frames.map((f) => Buffer.from(f).toString('hex')));
  });
});
