/** A growable big-endian writer for handshake messages and records. */
export class ByteWriter {
  private buf: Uint8Array;
  private pos = 0;
  constructor(capacity = 256) {
    this.buf = new Uint8Array(capacity);
  }

  get length(): number {
    return this.pos;
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.pos + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  u8(v: number): this {
    this.room(1);
    this.buf[this.pos++] = v & 0xff;
    return this;
  }
  u16(v: number): this {
    this.room(2);
    this.buf[this.pos++] = (v >>> 8) & 0xff;
    this.buf[this.pos++] = v & 0xff;
    return this;
  }
  u24(v: number): this {
    this.room(3);
    this.buf[this.pos++] = (v >>> 16) & 0xff;
    this.buf[this.pos++] = (v >>> 8) & 0xff;
    this.buf[this.pos++] = v & 0xff;
    return this;
  }
  u48(v: number): this {
    this.room(6);
    for (let i = 5; i >= 0; i--) {
      this.buf[this.pos + i] = v % 256;
      v = Math.floor(v / 256);
    }
    this.pos += 6;
    return this;
  }
  bytes(b: Uint8Array): this {
    this.room(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }
  vec8(b: Uint8Array): this {
    return this.u8(b.length).bytes(b);
  }
  vec16(b: Uint8Array): this {
    return this.u16(b.length).bytes(b);
  }
  vec24(b: Uint8Array): this {
    return this.u24(b.length).bytes(b);
  }
  /** Writes a u16 length prefix around whatever `body` writes. */
  block16(body: (w: this) => void): this {
    const at = this.pos;
    this.u16(0);
    body(this);
    const len = this.pos - at - 2;
    this.buf[at] = len >>> 8;
    this.buf[at + 1] = len & 0xff;
    return this;
  }
  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}

/** Joins byte arrays into one new array. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Branch-free equality for MACs and verify_data (noble's rule: no early exit on secrets). */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}
