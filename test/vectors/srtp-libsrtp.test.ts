// Cross-check with libsrtp, the reference implementation libwebrtc (Chrome) uses,
// through Debian's python3-pylibsrtp. For every DTLS-SRTP profile: libsrtp and omnirtc
// protect the same RTP packets byte-identically (across a SEQ wrap, with CSRCs and
// header extensions), each unprotects the other's SRTP and SRTCP.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { SRTP_PROFILES, SrtpContext, type SrtpProfile } from '../../src/srtp/index.js';

const PYTHON = '/usr/bin/python3';
const PROFILES = (Object.keys(SRTP_PROFILES) as SrtpProfile[]).filter((p) => SRTP_PROFILES[p].dtlsId !== undefined);

// Reads jobs as JSON on stdin, answers with libsrtp's results as JSON on stdout.
const SCRIPT = `
import json, sys
from pylibsrtp import Error, Policy, Session
out = []
for job in json.load(sys.stdin):
    key = bytes.fromhex(job['key'])
    tx = Session(policy=Policy(key=key, ssrc_type=Policy.SSRC_ANY_OUTBOUND, srtp_profile=job['profile']))
    rx = Session(policy=Policy(key=key, ssrc_type=Policy.SSRC_ANY_INBOUND, srtp_profile=job['profile']))
    def attempt(fn, h):
        try:
            return fn(bytes.fromhex(h)).hex()
        except Error as e:
            return 'error: ' + str(e)
    out.append({
        'srtp': [tx.protect(bytes.fromhex(p)).hex() for p in job['rtp']],
        'srtcp': [tx.protect_rtcp(bytes.fromhex(p)).hex() for p in job['rtcp']],
        'rtpFromOurs': [attempt(rx.unprotect, p) for p in job['oursSrtp']],
        'rtcpFromOurs': [attempt(rx.unprotect_rtcp, p) for p in job['oursSrtcp']],
    })
json.dump(out, sys.stdout)
`;

interface LibsrtpResult {
  srtp: string[];
  srtcp: string[];
  rtpFromOurs: string[];
  rtcpFromOurs: string[];
}

const hex = (u: Uint8Array): string => Buffer.from(u).toString('hex');

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s >>> 24;
  };
}

function rtpPackets(next: () => number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < 24; i++) {
    const cc = i % 3;
    const ext = i % 4 === 1 ? 8 : 0;
    const payload = (i * 173) % 1301; // pylibsrtp buffers 1500 bytes, 144 kept for the trailer
    const pkt = new Uint8Array(12 + 4 * cc + (ext ? 4 + ext : 0) + payload);
    const dv = new DataView(pkt.buffer);
    pkt[0] = 0x80 | (ext ? 0x10 : 0) | cc;
    pkt[1] = 96 | (i % 5 === 0 ? 0x80 : 0);
    dv.setUint16(2, (65530 + i) & 0xffff);
    dv.setUint32(4, 1000 * i);
    dv.setUint32(8, 0x0badcafe);
    let at = 12;
    for (let c = 0; c < cc; c++, at += 4) dv.setUint32(at, 0x1000 + c);
    if (ext) {
      dv.setUint16(at, 0xbede);
      dv.setUint16(at + 2, ext / 4);
      at += 4;
      for (let k = 0; k < ext; k++) pkt[at++] = next();
    }
    for (; at < pkt.length; at++) pkt[at] = next();
    out.push(pkt);
  }
  return out;
}

function rtcpPackets(next: () => number): Uint8Array[] {
  return Array.from({ length: 8 }, (_, i) => {
    const pkt = new Uint8Array(8 + 24 + 4 * i);
    pkt[0] = 0x80;
    pkt[1] = 200 + (i % 2);
    new DataView(pkt.buffer).setUint16(2, pkt.length / 4 - 1);
    new DataView(pkt.buffer).setUint32(4, 0x0badcafe);
    for (let k = 8; k < pkt.length; k++) pkt[k] = next();
    return pkt;
  });
}

describe('omnirtc and libsrtp (python3-pylibsrtp) agree', () => {
  it('finds libsrtp', () => {
    let found = existsSync(PYTHON);
    if (found) {
      try {
        execFileSync(PYTHON, ['-c', 'import pylibsrtp'], { stdio: 'pipe', timeout: 10_000 });
      } catch {
        found = false;
      }
    }
    if (!found) throw new Error('libsrtp peer missing: install the Debian package python3-pylibsrtp (and python3)');
  });

  it('every DTLS-SRTP profile, both directions, SRTP and SRTCP', () => {
    const next = prng(7714);
    const jobs = PROFILES.map((profile) => {
      const p = SRTP_PROFILES[profile];
      const masterKey = Uint8Array.from({ length: p.keyLength }, next);
      const masterSalt = Uint8Array.from({ length: p.saltLength }, next);
      const rtp = rtpPackets(next);
      const rtcp = rtcpPackets(next);
      const tx = new SrtpContext({ profile, masterKey, masterSalt });
      const oursSrtp = rtp.map((r) => tx.protectRtp(r));
      const oursSrtcp = rtcp.map((r) => tx.protectRtcp(r));
      tx.dispose();
      return { profile, masterKey, masterSalt, rtp, rtcp, oursSrtp, oursSrtcp };
    });
    const input = JSON.stringify(
      jobs.map((j) => ({
        profile: SRTP_PROFILES[j.profile].dtlsId,
        key: hex(j.masterKey) + hex(j.masterSalt),
        rtp: j.rtp.map(hex),
        rtcp: j.rtcp.map(hex),
        oursSrtp: j.oursSrtp.map(hex),
        oursSrtcp: j.oursSrtcp.map(hex),
      })),
    );
    const results = JSON.parse(execFileSync(PYTHON, ['-c', SCRIPT], { input, timeout: 20_000 }).toString()) as LibsrtpResult[];
    jobs.forEach((job, i) => {
      const r = results[i];
      // SRTP: byte-identical, and libsrtp reads ours.
      expect(r.srtp).toEqual(job.oursSrtp.map(hex));
      expect(r.rtpFromOurs).toEqual(job.rtp.map(hex));
      // SRTCP: libsrtp numbers from 1 and we from 0 (both valid, RFC 3711 §3.4), so
      // compare by unprotecting each other's packets.
      expect(r.rtcpFromOurs).toEqual(job.rtcp.map(hex));
      const rx = new SrtpContext({ profile: job.profile, masterKey: job.masterKey, masterSalt: job.masterSalt });
      expect(r.srtcp.map((s) => hex(rx.unprotectRtcp(Buffer.from(s, 'hex'))))).toEqual(job.rtcp.map(hex));
      expect(r.srtp.map((s) => hex(rx.unprotectRtp(Buffer.from(s, 'hex'))))).toEqual(job.rtp.map(hex));
      rx.dispose();
    });
  });
});
