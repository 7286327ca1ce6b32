// Our packetisers and depacketisers against an independent RTP implementation: ffmpeg's
// RTP muxer sends each clip to us over loopback UDP (we depacketise and compare with the
// source frames, and parse its RTCP sender reports), and ffmpeg's RTP demuxer receives
// our packets described by an SDP file (its output must hold the source frames, byte for
// byte). ffmpeg 5.1 has no AV1 RTP support, so AV1 is checked in rtp-media.test.ts only,
// and its VP9 RTP demuxer still follows draft-ietf-payload-vp9-00 (another descriptor
// layout than RFC 9628), so VP9 is checked in the ffmpeg-to-us direction only.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createDepacketizer, createPacketizer, type EncodedFrame, parseRtcp, readAnnexBAccessUnits, readIvf, readOggOpus,
  type RtcpPacket, type RtpCodecName, splitAnnexB,
} from '../../src/rtp/index.js';

function have(tool: string): boolean {
  try {
    execFileSync(tool, ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const FFMPEG_MISSING = !have('ffmpeg');
const dir = mkdtempSync(join(tmpdir(), 'omnirtc-rtp-ffmpeg-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const VIDEO_IN = ['-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=30', '-t', '1'];
interface Clip {
  codec: RtpCodecName;
  file: string;
  args: string[];
  rtpmap: string;
  fmtp?: string;
  media: 'video' | 'audio';
  strict?: boolean;
  /** ffmpeg's demuxer reads RFC-conformant packets of this codec. */
  ffmpegReads: boolean;
}
const CLIPS: Clip[] = [
  { codec: 'vp8', file: 'clip.ivf', rtpmap: 'VP8/90000', media: 'video', ffmpegReads: true, args: [...VIDEO_IN, '-c:v', 'libvpx', '-b:v', '400k', '-g', '10'] },
  { codec: 'vp9', file: 'clip9.ivf', rtpmap: 'VP9/90000', media: 'video', strict: true, ffmpegReads: false, args: [...VIDEO_IN, '-c:v', 'libvpx-vp9', '-b:v', '400k', '-deadline', 'realtime', '-cpu-used', '8', '-g', '10'] },
  { codec: 'h264', file: 'clip.h264', rtpmap: 'H264/90000', fmtp: 'packetization-mode=1', media: 'video', ffmpegReads: true, args: [...VIDEO_IN, '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '10', '-bf', '0'] },
  { codec: 'h265', file: 'clip.hevc', rtpmap: 'H265/90000', media: 'video', ffmpegReads: true, args: [...VIDEO_IN, '-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=error:keyint=10:min-keyint=10:bframes=0'] },
  { codec: 'opus', file: 'clip.ogg', rtpmap: 'opus/48000/2', media: 'audio', ffmpegReads: true, args: ['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', '1', '-c:a', 'libopus', '-b:a', '32k'] },
];

function readFrames(codec: RtpCodecName, path: string): Uint8Array[] {
  const bytes = new Uint8Array(readFileSync(path));
  if (codec === 'vp8' || codec === 'vp9') return readIvf(bytes).frames.map((f) => f.data);
  if (codec === 'opus') return readOggOpus(bytes).packets;
  return readAnnexBAccessUnits(bytes, codec as 'h264' | 'h265');
}

// H.264/H.265 compare as NAL unit lists (ffmpeg may frame with 3-byte start codes).
function comparable(codec: RtpCodecName, frames: Uint8Array[]): string[] {
  if (codec === 'h264' || codec === 'h265') return frames.map((f) => splitAnnexB(f).map((u) => Buffer.from(u).toString('hex')).join('|'));
  return frames.map((f) => Buffer.from(f).toString('hex'));
}

function bindPair(): Promise<{ rtp: dgram.Socket; rtcp: dgram.Socket; port: number }> {
  return new Promise((resolve, reject) => {
    let tries = 0;
    const attempt = (): void => {
      const rtp = dgram.createSocket('udp4');
      rtp.bind(0, '127.0.0.1', () => {
        const port = rtp.address().port;
        const rtcp = dgram.createSocket('udp4');
        rtcp.once('error', () => {
          rtp.close();
          if (++tries > 20) reject(new Error('no free UDP port pair on 127.0.0.1'));
          else attempt();
        });
        rtcp.bind(port + 1, '127.0.0.1', () => resolve({ rtp, rtcp, port }));
      });
    };
    attempt();
  });
}

function exited(c: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (c.exitCode !== null) resolve(c.exitCode);
    else c.once('exit', (code) => resolve(code));
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('RTP against ffmpeg (loopback UDP)', () => {
  it('finds ffmpeg', () => {
    if (FFMPEG_MISSING) throw new Error('ffmpeg not found: install Debian package ffmpeg (listed in .ci/apt-packages.txt)');
  });

  for (const clip of CLIPS) {
    describe(clip.codec, () => {
      let source: Uint8Array[] = [];
      const path = join(dir, clip.file);
      beforeAll(() => {
        if (FFMPEG_MISSING) return;
        execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...clip.args, path], { stdio: 'pipe' });
        source = readFrames(clip.codec, path);
      });

      it('depacketises what ffmpeg packetises, and parses its RTCP', async () => {
        const { rtp, rtcp, port } = await bindPair();
        const packets: Uint8Array[] = [];
        const reports: RtcpPacket[] = [];
        rtp.on('message', (m) => packets.push(new Uint8Array(m)));
        rtcp.on('message', (m) => reports.push(...parseRtcp(new Uint8Array(m))));
        const ff = spawn('ffmpeg', [
          '-hide_banner', '-loglevel', 'error', '-re', '-i', path, '-c', 'copy', ...(clip.strict ? ['-strict', 'experimental'] : []),
          '-f', 'rtp', `rtp://127.0.0.1:${port}`,
        ], { stdio: ['ignore', 'ignore', 'pipe'] });
        children.push(ff);
        let err = '';
        ff.stderr!.on('data', (d) => (err += d));
        expect(await exited(ff)).toBe(0);
        await sleep(300); // let the last datagrams' events run
        rtp.close();
        rtcp.close();
        expect(err).toBe('');
        const dp = createDepacketizer(clip.codec);
        const out: EncodedFrame[] = [];
        for (const p of packets) out.push(...dp.push(p));
        out.push(...dp.flush());
        expect(comparable(clip.codec, out.map((f) => f.data))).toEqual(comparable(clip.codec, source));
        expect(dp.stats.packetsLost).toBe(0);
        expect(reports.some((r) => r.type === 'sr')).toBe(true);
      }, 20000);

      if (clip.ffmpegReads) it('ffmpeg depacketises what we packetise, byte for byte', async () => {
        const probe = dgram.createSocket('udp4');
        const port = await new Promise<number>((resolve) => probe.bind(0, '127.0.0.1', () => resolve(probe.address().port)));
        probe.close();
        const sdp = join(dir, `${clip.codec}.sdp`);
        const fmtp = clip.fmtp ? `a=fmtp:96 ${clip.fmtp}\r\n` : '';
        writeFileSync(sdp, `v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=omnirtc\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=${clip.media} ${port} RTP/AVP 96\r\na=rtpmap:96 ${clip.rtpmap}\r\n${fmtp}`);
        const outPath = join(dir, `from-ffmpeg-${clip.file}`);
        const ff = spawn('ffmpeg', [
          // listen_timeout: ffmpeg ends on its own three seconds after the last packet (room for a
          // loaded machine to pause us mid-stream).
          '-hide_banner', '-loglevel', 'error', '-protocol_whitelist', 'file,udp,rtp', '-listen_timeout', '3',
          '-i', sdp, '-c', 'copy', '-y', outPath,
        ], { stdio: ['ignore', 'ignore', 'ignore'] });
        children.push(ff);
        // Wait until ffmpeg has bound the port (at most 5 s).
        const hexPort = `:${port.toString(16).toUpperCase().padStart(4, '0')} `;
        for (let i = 0; i < 250 && !readFileSync('/proc/net/udp', 'utf8').includes(hexPort); i++) await sleep(20);
        const pk = createPacketizer(clip.codec, { payloadType: 96, ssrc: 0x5eed, mtu: 1200 });
        const step = clip.codec === 'opus' ? 960 : 3000;
        const tx = dgram.createSocket('udp4');
        for (let i = 0; i < source.length; i++) {
          for (const p of pk.packetize(source[i], i * step)) tx.send(p, port, '127.0.0.1');
          await sleep(4); // paced like a sender, so nothing overflows a socket buffer
        }
        const code = await exited(ff);
        tx.close();
        expect(code).toBe(0);
        const got = readFrames(clip.codec, outPath);
        expect(comparable(clip.codec, got)).toEqual(comparable(clip.codec, source));
      }, 20000);
    });
  }
});
