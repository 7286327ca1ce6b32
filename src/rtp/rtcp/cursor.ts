// Bounds-checked big-endian reading and writing for RTCP bodies.
import { RtpError } from '../errors.js';

export class Reader {
  private readonly dv: DataView;
  pos = 0;
  constructor(readonly bytes: Uint8Array) {
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  get left(): number {
    return this.bytes.length - this.pos;
  }
  need(n: number, what: string): void {
    if (this.pos + n > this.bytes.length) throw new RtpError('malformed-rtcp', `RTCP ${what} runs past the packet's length`);
  }
  u8(): number {
    this.need(1, 'field');
    return this.bytes[this.pos++];
  }
  u16(): number {
    this.need(2, 'field');
    const v = this.dv.getUint16(this.pos);
    this.pos += 2;
    return v;
  }
  i16(): number {
    this.need(2, 'field');
    const v = this.dv.getInt16(this.pos);
    this.pos += 2;
    return v;
  }
  u24(): number {
    this.need(3, 'field');
    const v = (this.bytes[this.pos] << 16) | (this.bytes[this.pos + 1] << 8) | this.bytes[this.pos + 2];
    this.pos += 3;
    return v;
  }
  u32(): number {
    this.need(4, 'field');
    const v = this.dv.getUint32(this.pos);
    this.pos += 4;
    return v;
  }
  take(n: number, what: string): Uint8Array {
    this.need(n, what);
    const v = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }
}

export class Writer {
  private buf: Uint8Array;
  private dv: DataView;
  pos = 0;
  constructor(size = 64) {
    this.buf = new Uint8Array(size);
    this.dv = new DataView(this.buf.buffer);
  }
  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf);
    this.buf = next;
    this.dv = new DataView(next.buffer);
  }
  u8(v: number): this {
    this.room(1);
    this.buf[this.pos++] = v;
    return this;
  }
  u16(v: number): this {
    this.room(2);
    this.dv.setUint16(this.pos, v & 0xffff);
    this.pos += 2;
    return this;
  }
  i16(v: number): this {
    this.room(2);
    this.dv.setInt16(this.pos, v);
    this.pos += 2;
    return this;
  }
  u24(v: number): this {
    this.room(3);
    this.buf[this.pos] = (v >>> 16) & 0xff;
    this.buf[this.pos + 1] = (v >>> 8) & 0xff;
    this.buf[this.pos + 2] = v & 0xff;
    this.pos += 3;
    return this;
  }
  u32(v: number): this {
    this.room(4);
    this.dv.setUint32(this.pos, v >>> 0);
    this.pos += 4;
    return this;
  }
  bytes(b: Uint8Array): this {
    this.room(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }
  /** Zero bytes up to a 32-bit boundary (RFC 3550 §6.4: packets are 32-bit aligned). */
  align(): this {
    while (this.pos & 3) this.u8(0);
    return this;
  }
  done(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}

/** Builds one RTCP packet: the common header (RFC 3550 §6.4.1) then the aligned body. */
export function rtcpPacket(count: number, packetType: number, body: Uint8Array): Uint8Array {
  if (body.length % 4 !== 0) throw new RtpError('malformed-rtcp', 'RTCP body must be 32-bit aligned');
  const words = body.length / 4;
  if (words > 0xffff) throw new DOMException('RTCP packet longer than 65535 words', 'RangeError');
  const out = new Uint8Array(4 + body.length);
  out[0] = 0x80 | (count & 0x1f);
  out[1] = packetType;
  out[2] = words >>> 8;
  out[3] = words & 0xff;
  out.set(body, 4);
  return out;
}
