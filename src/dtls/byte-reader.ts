import { DtlsError } from './errors.js';

/** A bounds-checked cursor over wire bytes: every read past the end throws DtlsError('truncated'). */
export class ByteReader {
  private pos = 0;
  constructor(
    private readonly buf: Uint8Array,
    private readonly end = buf.length,
  ) {}

  get offset(): number {
    return this.pos;
  }
  get remaining(): number {
    return this.end - this.pos;
  }
  get done(): boolean {
    return this.pos >= this.end;
  }

  private need(n: number, what: string): void {
    if (n < 0 || this.pos + n > this.end) throw new DtlsError('truncated', `${what}: need ${n} bytes, have ${this.end - this.pos}`);
  }

  u8(what = 'u8'): number {
    this.need(1, what);
    return this.buf[this.pos++];
  }
  u16(what = 'u16'): number {
    this.need(2, what);
    const v = (this.buf[this.pos] << 8) | this.buf[this.pos + 1];
    this.pos += 2;
    return v;
  }
  u24(what = 'u24'): number {
    this.need(3, what);
    const v = (this.buf[this.pos] << 16) | (this.buf[this.pos + 1] << 8) | this.buf[this.pos + 2];
    this.pos += 3;
    return v;
  }
  /** 48-bit big-endian integer (DTLS record sequence numbers), exact as a JS number. */
  u48(what = 'u48'): number {
    this.need(6, what);
    let v = 0;
    for (let i = 0; i < 6; i++) v = v * 256 + this.buf[this.pos + i];
    this.pos += 6;
    return v;
  }
  bytes(n: number, what = 'bytes'): Uint8Array {
    this.need(n, what);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }
  /** opaque x<0..2^8-1> */
  vec8(what = 'vector'): Uint8Array {
    return this.bytes(this.u8(what), what);
  }
  /** opaque x<0..2^16-1> */
  vec16(what = 'vector'): Uint8Array {
    return this.bytes(this.u16(what), what);
  }
  /** opaque x<0..2^24-1> */
  vec24(what = 'vector'): Uint8Array {
    return this.bytes(this.u24(what), what);
  }
  rest(): Uint8Array {
    const v = this.buf.subarray(this.pos, this.end);
    this.pos = this.end;
    return v;
  }
  /** Throws unless every byte was consumed: trailing garbage is a decode_error (RFC 5246 §7.4). */
  expectEnd(what: string): void {
    if (this.pos !== this.end) throw new DtlsError('malformed', `${what}: ${this.end - this.pos} trailing bytes`);
  }
}
