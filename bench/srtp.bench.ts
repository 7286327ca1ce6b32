// SRTP protect/unprotect packets per second: omnirtc (WebAssembly core, both the
// Uint8Array-returning API and the zero-copy *Into form) against node:crypto used per
// packet the way a JavaScript library does (createCipheriv / createHmac per packet)
// and against werift's SrtpSession (which supports AES-CM-80 and AES-128-GCM only).
import { createCipheriv, createDecipheriv, createHmac, timingSafeEqual } from 'node:crypto';
import { RtpHeader, SrtpSession } from 'werift';
import { SRTP_PROFILES, SrtpContext, type SrtpProfile } from '../src/srtp/index.js';
import { type BenchSection, fmt, measure } from './harness.js';

const PROFILES: SrtpProfile[] = [
  'SRTP_AES128_CM_HMAC_SHA1_80',
  'SRTP_AES128_CM_HMAC_SHA1_32',
  'SRTP_AEAD_AES_128_GCM',
  'SRTP_AEAD_AES_256_GCM',
];
// werift's profile numbers (DTLS-SRTP code points) for the two it implements.
const WERIFT_PROFILE: Partial<Record<SrtpProfile, 1 | 7>> = { SRTP_AES128_CM_HMAC_SHA1_80: 1, SRTP_AEAD_AES_128_GCM: 7 };
const BATCH = 2048; // distinct packets per unprotect pass (a receiver refuses replays)
const MS = 150;
const ROUNDS = 3;

// The machine is shared: measure every implementation of a case in alternation, a few
// rounds, and keep each one's best, so a burst of load does not favour any of them.
function best(fns: Record<string, () => number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, fn] of Object.entries(fns)) {
      const v = measure(name, fn, { ms: MS }).opsPerSec;
      out[name] = Math.max(out[name] ?? 0, v);
    }
  }
  return out;
}
const SSRC = 0x12345678;

function rtpPacket(seq: number, payload: number): Uint8Array {
  const pkt = new Uint8Array(12 + payload);
  const dv = new DataView(pkt.buffer);
  pkt[0] = 0x80;
  pkt[1] = 96;
  dv.setUint16(2, seq & 0xffff);
  dv.setUint32(4, seq * 3000);
  dv.setUint32(8, SSRC);
  for (let i = 12; i < pkt.length; i++) pkt[i] = (i * 7 + seq) & 0xff;
  return pkt;
}

// node:crypto per packet: the session keys are derived once (as any library does), the
// per-packet work builds cipher and HMAC objects and concatenates buffers.
class NodePerPacket {
  readonly aead: boolean;
  readonly tagLength: number;
  readonly key: Buffer;
  readonly salt: Buffer;
  readonly auth: Buffer;
  readonly algo: string;
  constructor(profile: SrtpProfile, masterKey: Uint8Array, masterSalt: Uint8Array) {
    const p = SRTP_PROFILES[profile];
    this.aead = p.aead;
    this.tagLength = p.rtpTagLength;
    const prf = (label: number, n: number): Buffer => {
      const iv = Buffer.alloc(16);
      Buffer.from(masterSalt).copy(iv);
      iv[7] ^= label;
      return createCipheriv(p.keyLength === 16 ? 'aes-128-ctr' : 'aes-256-ctr', masterKey, iv).update(Buffer.alloc(n));
    };
    this.key = prf(0, p.keyLength);
    this.auth = prf(1, 20);
    this.salt = prf(2, p.saltLength);
    this.algo = p.aead ? (p.keyLength === 16 ? 'aes-128-gcm' : 'aes-256-gcm') : p.keyLength === 16 ? 'aes-128-ctr' : 'aes-256-ctr';
  }
  #iv(seq: number, ssrc: number, roc: number): Buffer {
    if (this.aead) {
      const iv = Buffer.alloc(12);
      iv.writeUInt32BE(ssrc, 2);
      iv.writeUInt32BE(roc, 6);
      iv.writeUInt16BE(seq, 10);
      for (let i = 0; i < 12; i++) iv[i] ^= this.salt[i];
      return iv;
    }
    const iv = Buffer.alloc(16);
    this.salt.copy(iv);
    iv.writeUInt32BE((iv.readUInt32BE(4) ^ ssrc) >>> 0, 4);
    iv.writeUInt32BE((iv.readUInt32BE(8) ^ roc) >>> 0, 8);
    iv.writeUInt16BE(iv.readUInt16BE(12) ^ seq, 12);
    return iv;
  }
  protect(pkt: Buffer): Buffer {
    const seq = pkt.readUInt16BE(2);
    const ssrc = pkt.readUInt32BE(8);
    const header = pkt.subarray(0, 12);
    const iv = this.#iv(seq, ssrc, 0);
    if (this.aead) {
      const c = createCipheriv(this.algo as 'aes-128-gcm', this.key, iv);
      c.setAAD(header);
      const enc = c.update(pkt.subarray(12));
      c.final();
      return Buffer.concat([header, enc, c.getAuthTag()]);
    }
    const enc = createCipheriv(this.algo, this.key, iv).update(pkt.subarray(12));
    const roc = Buffer.alloc(4);
    const tag = createHmac('sha1', this.auth).update(header).update(enc).update(roc).digest();
    return Buffer.concat([header, enc, tag.subarray(0, this.tagLength)]);
  }
  unprotect(pkt: Buffer): Buffer {
    const seq = pkt.readUInt16BE(2);
    const ssrc = pkt.readUInt32BE(8);
    const header = pkt.subarray(0, 12);
    const iv = this.#iv(seq, ssrc, 0);
    const end = pkt.length - this.tagLength;
    if (this.aead) {
      const d = createDecipheriv(this.algo as 'aes-128-gcm', this.key, iv);
      d.setAAD(header);
      d.setAuthTag(pkt.subarray(end));
      const dec = d.update(pkt.subarray(12, end));
      d.final();
      return Buffer.concat([header, dec]);
    }
    const tag = createHmac('sha1', this.auth).update(pkt.subarray(0, end)).update(Buffer.alloc(4)).digest();
    if (!timingSafeEqual(tag.subarray(0, this.tagLength), pkt.subarray(end))) throw new Error('auth');
    const dec = createDecipheriv(this.algo, this.key, iv).update(pkt.subarray(12, end));
    return Buffer.concat([header, dec]);
  }
}

interface Row {
  label: string;
  node: number;
  werift?: number;
  omni: number;
  omniInto: number;
}

function keysFor(profile: SrtpProfile): { masterKey: Uint8Array; masterSalt: Uint8Array } {
  const p = SRTP_PROFILES[profile];
  return {
    masterKey: new Uint8Array(p.keyLength).map((_, i) => i + 1),
    masterSalt: new Uint8Array(p.saltLength).map((_, i) => 0xa0 + i),
  };
}

function benchCase(profile: SrtpProfile, payload: number): Row[] {
  const { masterKey, masterSalt } = keysFor(profile);
  const init = { profile, masterKey, masterSalt };
  const plain = Array.from({ length: BATCH }, (_, i) => rtpPacket(i, payload));
  const plainBuf = plain.map((p) => Buffer.from(p));
  const short = profile.replace('SRTP_', '');
  const node = new NodePerPacket(profile, masterKey, masterSalt);
  const tx = new SrtpContext(init);
  const out = new Uint8Array(12 + payload + 16);
  const wireOmni = plain.map((p) => tx.protectRtp(p));
  const wireOmniBuf = wireOmni.map((w) => Buffer.from(w.buffer, w.byteOffset, w.length));

  // Protect: the same packets over and over is fine for senders (no replay check on send).
  const protectFns: Record<string, () => number> = {
    node: () => {
      for (let i = 0; i < 256; i++) node.protect(plainBuf[i]);
      return 256;
    },
    omni: () => {
      for (let i = 0; i < 256; i++) tx.protectRtp(plain[i]);
      return 256;
    },
    omniInto: () => {
      for (let i = 0; i < 256; i++) tx.protectRtpInto(plain[i], out);
      return 256;
    },
  };
  // Unprotect: a fresh receiver per pass over BATCH distinct packets, since a receiver
  // refuses replays (creating one costs microseconds).
  const unprotectFns: Record<string, () => number> = {
    node: () => {
      for (let i = 0; i < 256; i++) node.unprotect(wireOmniBuf[i]);
      return 256;
    },
    omni: () => {
      const rx = new SrtpContext(init);
      for (let i = 0; i < BATCH; i++) rx.unprotectRtp(wireOmni[i]);
      rx.dispose();
      return BATCH;
    },
    omniInto: () => {
      const rx = new SrtpContext(init);
      for (let i = 0; i < BATCH; i++) if (rx.unprotectRtpInto(wireOmni[i], out) < 0) throw new Error('bench packet dropped');
      rx.dispose();
      return BATCH;
    },
  };

  const wp = WERIFT_PROFILE[profile];
  if (wp !== undefined) {
    const keys = {
      localMasterKey: Buffer.from(masterKey),
      localMasterSalt: Buffer.from(masterSalt),
      remoteMasterKey: Buffer.from(masterKey),
      remoteMasterSalt: Buffer.from(masterSalt),
    };
    const session = new SrtpSession({ keys, profile: wp });
    // werift's sender takes a parsed header and the payload: parse once per packet, as
    // its RTP path does when forwarding raw packets.
    protectFns.werift = () => {
      for (let i = 0; i < 256; i++) {
        const b = plainBuf[i];
        const h = RtpHeader.deSerialize(b);
        session.encrypt(b.subarray(h.payloadOffset), h);
      }
      return 256;
    };
    // A fresh sender for the reference packets: werift counts SEQ 255 -> 0 as a rollover.
    const sender = new SrtpSession({ keys, profile: wp });
    const wireWerift = plainBuf.map((b) => sender.encrypt(b.subarray(12), RtpHeader.deSerialize(b)));
    if (Buffer.compare(wireWerift[5], wireOmniBuf[5]) !== 0) throw new Error(`werift and omnirtc disagree on ${profile}`);
    unprotectFns.werift = () => {
      const rx = new SrtpSession({ keys, profile: wp });
      for (let i = 0; i < BATCH; i++) rx.decrypt(wireWerift[i]);
      return BATCH;
    };
  }
  const p = best(protectFns);
  const u = best(unprotectFns);
  tx.dispose();
  return [
    { label: `${short} protect ${payload} B`, node: p.node, werift: p.werift, omni: p.omni, omniInto: p.omniInto },
    { label: `${short} unprotect ${payload} B`, node: u.node, werift: u.werift, omni: u.omni, omniInto: u.omniInto },
  ];
}

export async function run(): Promise<BenchSection> {
  const rows: Row[] = [];
  for (const profile of PROFILES) for (const payload of [160, 1200]) rows.push(...benchCase(profile, payload));
  const lines = [
    'Packets/s (best of 3 interleaved rounds), RTP with a 12-byte header. "into" = the zero-copy form (protectRtpInto / unprotectRtpInto); ratios are omnirtc (into) over the other.',
    '',
    '| case | node:crypto per packet | werift | omnirtc | omnirtc into | × node (into) | × werift (into) |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    const w = r.werift === undefined ? 'n/a' : fmt(r.werift);
    const xw = r.werift === undefined ? 'n/a' : `${(r.omni / r.werift).toFixed(2)} (${(r.omniInto / r.werift).toFixed(2)})`;
    lines.push(
      `| ${r.label} | ${fmt(r.node)} | ${w} | ${fmt(r.omni)} | ${fmt(r.omniInto)} | ${(r.omni / r.node).toFixed(2)} (${(r.omniInto / r.node).toFixed(2)}) | ${xw} |`,
    );
  }
  return { title: 'SRTP protect / unprotect (packets/s)', lines };
}
