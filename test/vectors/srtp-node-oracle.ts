// An SRTP/SRTCP sender written on node:crypto (AES-CTR, AES-GCM, HMAC-SHA1) straight
// from RFC 3711 §3-4, RFC 7714 §8-9 and RFC 6188, independent of the WebAssembly core:
// the oracle the vectors tests compare omnirtc's output with, byte for byte.
import { createCipheriv, createHmac } from 'node:crypto';
import { SRTP_PROFILES, type SrtpProfile } from '../../src/srtp/index.js';

function ctr(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Buffer {
  const c = createCipheriv(key.length === 16 ? 'aes-128-ctr' : 'aes-256-ctr', key, iv);
  return Buffer.concat([c.update(data), c.final()]);
}

// RFC 3711 §4.3.1: x = label at salt octet 7, IV = x || 0x0000, keystream of zeroes.
function kdf(masterKey: Uint8Array, masterSalt: Uint8Array, label: number, length: number): Buffer {
  const iv = Buffer.alloc(16);
  Buffer.from(masterSalt).copy(iv);
  iv[7] ^= label;
  return ctr(masterKey, iv, new Uint8Array(length));
}

export class Oracle {
  readonly p: (typeof SRTP_PROFILES)[SrtpProfile];
  readonly rtp: { key: Buffer; salt: Buffer; auth: Buffer };
  readonly rtcp: { key: Buffer; salt: Buffer; auth: Buffer };
  readonly txIndex = new Map<number, number>(); // SSRC -> highest RTP index sent
  readonly rtcpNext = new Map<number, number>();

  constructor(profile: SrtpProfile, masterKey: Uint8Array, masterSalt: Uint8Array) {
    this.p = SRTP_PROFILES[profile];
    const k = this.p.keyLength;
    const s = this.p.saltLength;
    this.rtp = { key: kdf(masterKey, masterSalt, 0, k), auth: kdf(masterKey, masterSalt, 1, 20), salt: kdf(masterKey, masterSalt, 2, s) };
    this.rtcp = { key: kdf(masterKey, masterSalt, 3, k), auth: kdf(masterKey, masterSalt, 4, 20), salt: kdf(masterKey, masterSalt, 5, s) };
  }

  static headerLength(pkt: Uint8Array): number {
    let h = 12 + 4 * (pkt[0] & 0x0f);
    if (pkt[0] & 0x10) h += 4 + 4 * ((pkt[h + 2] << 8) | pkt[h + 3]);
    return h;
  }

  // A sender that counts ROC by observing SEQ wrap (RFC 3711 §3.3.1), sending in order.
  protectRtp(pkt: Uint8Array): Buffer {
    const dv = new DataView(pkt.buffer, pkt.byteOffset, pkt.byteLength);
    const seq = dv.getUint16(2);
    const ssrc = dv.getUint32(8);
    const last = this.txIndex.get(ssrc);
    let roc = last === undefined ? 0 : Math.floor(last / 65536);
    if (last !== undefined && seq < last % 65536) roc++;
    const index = roc * 65536 + seq;
    this.txIndex.set(ssrc, index);
    const h = Oracle.headerLength(pkt);
    const header = Buffer.from(pkt.subarray(0, h));
    const payload = pkt.subarray(h);
    if (this.p.aead) {
      const iv = Buffer.alloc(12);
      iv.writeUInt32BE(ssrc, 2);
      iv.writeUInt32BE(roc, 6);
      iv.writeUInt16BE(seq, 10);
      for (let i = 0; i < 12; i++) iv[i] ^= this.rtp.salt[i];
      const c = createCipheriv(this.p.keyLength === 16 ? 'aes-128-gcm' : 'aes-256-gcm', this.rtp.key, iv);
      c.setAAD(header);
      return Buffer.concat([header, c.update(payload), c.final(), c.getAuthTag()]);
    }
    const iv = Buffer.alloc(16);
    this.rtp.salt.copy(iv);
    iv.writeUInt32BE((iv.readUInt32BE(4) ^ ssrc) >>> 0, 4);
    iv.writeUInt32BE((iv.readUInt32BE(8) ^ Math.floor(index / 65536)) >>> 0, 8);
    iv.writeUInt16BE(iv.readUInt16BE(12) ^ (index & 0xffff), 12);
    const body = Buffer.concat([header, ctr(this.rtp.key, iv, payload)]);
    const rocBytes = Buffer.alloc(4);
    rocBytes.writeUInt32BE(roc);
    const tag = createHmac('sha1', this.rtp.auth).update(body).update(rocBytes).digest();
    return Buffer.concat([body, tag.subarray(0, this.p.rtpTagLength)]);
  }

  protectRtcp(pkt: Uint8Array): Buffer {
    const ssrc = new DataView(pkt.buffer, pkt.byteOffset).getUint32(4);
    const index = this.rtcpNext.get(ssrc) ?? 0;
    this.rtcpNext.set(ssrc, index + 1);
    const word = Buffer.alloc(4);
    word.writeUInt32BE((0x80000000 | index) >>> 0);
    const header = Buffer.from(pkt.subarray(0, 8));
    const payload = pkt.subarray(8);
    if (this.p.aead) {
      const iv = Buffer.alloc(12);
      iv.writeUInt32BE(ssrc, 2);
      iv.writeUInt32BE(index, 8);
      for (let i = 0; i < 12; i++) iv[i] ^= this.rtcp.salt[i];
      const c = createCipheriv(this.p.keyLength === 16 ? 'aes-128-gcm' : 'aes-256-gcm', this.rtcp.key, iv);
      c.setAAD(Buffer.concat([header, word]));
      return Buffer.concat([header, c.update(payload), c.final(), c.getAuthTag(), word]);
    }
    const iv = Buffer.alloc(16);
    this.rtcp.salt.copy(iv);
    iv.writeUInt32BE((iv.readUInt32BE(4) ^ ssrc) >>> 0, 4);
    iv.writeUInt32BE((iv.readUInt32BE(10) ^ index) >>> 0, 10);
    const body = Buffer.concat([header, ctr(this.rtcp.key, iv, payload), word]);
    const tag = createHmac('sha1', this.rtcp.auth).update(body).digest();
    return Buffer.concat([body, tag.subarray(0, this.p.rtcpTagLength)]);
  }
}
