// DTLS 1.2 record framing (RFC 6347 §4.1) and AEAD protection (RFC 5246 §6.2.3.3,
// RFC 5288 §3). Several records may share one datagram; each carries its own length.
import { ByteReader } from './byte-reader.js';
import { ByteWriter } from './byte-writer.js';
import type { RecordAead } from './aead.js';
import { GCM_EXPLICIT_NONCE_LENGTH, GCM_FIXED_IV_LENGTH, GCM_TAG_LENGTH } from './cipher-suite.js';

export const CONTENT_TYPE = {
  changeCipherSpec: 20,
  alert: 21,
  handshake: 22,
  applicationData: 23,
} as const;

/** ProtocolVersion on the wire: DTLS 1.2 = {254, 253}, DTLS 1.0 = {254, 255} (RFC 6347 §4.1). */
export const DTLS_1_2 = 0xfefd;
export const DTLS_1_0 = 0xfeff;

export const RECORD_HEADER_LENGTH = 13;
/** RFC 6347 §4.1 / RFC 5246 §6.2.1: plaintext fragments never exceed 2^14 bytes. */
export const MAX_PLAINTEXT = 16384;
/** RFC 5246 §6.2.3: ciphertext may add at most 2048 bytes. */
export const MAX_CIPHERTEXT = MAX_PLAINTEXT + 2048;
export const MAX_SEQUENCE = 2 ** 48 - 1;

export interface DtlsRecord {
  type: number;
  version: number;
  epoch: number;
  sequence: number;
  fragment: Uint8Array;
}

/**
 * Splits a datagram into records. Parsing stops at the first record whose header or length
 * is broken (the rest of the datagram cannot be framed); `malformed` tells the caller.
 */
export function parseRecords(datagram: Uint8Array): { records: DtlsRecord[]; malformed: boolean } {
  const records: DtlsRecord[] = [];
  const r = new ByteReader(datagram);
  while (!r.done) {
    if (r.remaining < RECORD_HEADER_LENGTH) return { records, malformed: true };
    const type = r.u8();
    const version = r.u16();
    const epoch = r.u16();
    const sequence = r.u48();
    const length = r.u16();
    if (length > r.remaining || length > MAX_CIPHERTEXT) return { records, malformed: true };
    records.push({ type, version, epoch, sequence, fragment: r.bytes(length) });
  }
  return { records, malformed: false };
}

export function writeRecordHeader(w: ByteWriter, type: number, version: number, epoch: number, sequence: number, length: number): void {
  w.u8(type).u16(version).u16(epoch).u48(sequence).u16(length);
}

export function encodePlainRecord(type: number, version: number, epoch: number, sequence: number, fragment: Uint8Array): Uint8Array {
  const w = new ByteWriter(RECORD_HEADER_LENGTH + fragment.length);
  writeRecordHeader(w, type, version, epoch, sequence, fragment.length);
  return w.bytes(fragment).finish();
}

/** A RecordAead that can also seal and open into a caller's buffer (AesGcmKey does). */
interface RecordAeadInto extends RecordAead {
  sealInto(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array, out: Uint8Array, offset: number): number;
  openInto(nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array, out: Uint8Array, offset: number): number;
}

/** One direction's AES-GCM state for one epoch. */
export class RecordProtection {
  private readonly nonce = new Uint8Array(GCM_FIXED_IV_LENGTH + GCM_EXPLICIT_NONCE_LENGTH);
  private readonly aad = new Uint8Array(13);

  constructor(
    private readonly aead: RecordAead,
    fixedIv: Uint8Array,
  ) {
    this.nonce.set(fixedIv.subarray(0, GCM_FIXED_IV_LENGTH));
  }

  // RFC 5246 §6.2.3.3 with RFC 6347 §4.1.2.1: seq_num is epoch || sequence_number.
  private fillAad(type: number, version: number, epoch: number, sequence: number, length: number): void {
    const a = this.aad;
    a[0] = epoch >>> 8;
    a[1] = epoch & 0xff;
    let s = sequence;
    for (let i = 7; i >= 2; i--) {
      a[i] = s % 256;
      s = Math.floor(s / 256);
    }
    a[8] = type;
    a[9] = version >>> 8;
    a[10] = version & 0xff;
    a[11] = length >>> 8;
    a[12] = length & 0xff;
  }

  // Records and plaintexts come from bump-allocated slabs: a typed array of its own per
  // record costs V8 an off-heap allocation each, which showed as GC time at tens of
  // thousands of records per second. A slab is never rewritten; a view keeps its slab
  // alive until the view is collected (the socket has sent the record, the SCTP layer
  // has copied what it keeps). Slabs start small (an idle connection holds 4 KiB) and
  // double up to 64 KiB.
  private slab = new Uint8Array(0);
  private slabUsed = 0;
  private nextSlab = 4096;

  private alloc(n: number): Uint8Array {
    if (n > 16384) return new Uint8Array(n);
    if (this.slabUsed + n > this.slab.length) {
      this.slab = new Uint8Array(Math.max(this.nextSlab, n));
      this.nextSlab = Math.min(65536, this.nextSlab * 2);
      this.slabUsed = 0;
    }
    const v = this.slab.subarray(this.slabUsed, this.slabUsed + n);
    this.slabUsed += (n + 7) & ~7;
    return v;
  }

  /** A whole encrypted record. The explicit nonce is epoch||seq, unique per key (RFC 5288 §3). */
  seal(type: number, version: number, epoch: number, sequence: number, plaintext: Uint8Array): Uint8Array {
    this.fillAad(type, version, epoch, sequence, plaintext.length);
    this.nonce.set(this.aad.subarray(0, 8), GCM_FIXED_IV_LENGTH);
    const into = (this.aead as Partial<RecordAeadInto>).sealInto;
    let out: Uint8Array;
    let length: number;
    if (into) {
      // One buffer per record: the cipher writes straight behind header and nonce.
      length = GCM_EXPLICIT_NONCE_LENGTH + plaintext.length + GCM_TAG_LENGTH;
      out = this.alloc(RECORD_HEADER_LENGTH + length);
      into.call(this.aead, this.nonce, this.aad, plaintext, out, RECORD_HEADER_LENGTH + GCM_EXPLICIT_NONCE_LENGTH);
    } else {
      const sealed = this.aead.seal(this.nonce, this.aad, plaintext);
      length = GCM_EXPLICIT_NONCE_LENGTH + sealed.length;
      out = new Uint8Array(RECORD_HEADER_LENGTH + length);
      out.set(sealed, RECORD_HEADER_LENGTH + GCM_EXPLICIT_NONCE_LENGTH);
    }
    out[0] = type;
    out[1] = version >>> 8;
    out[2] = version & 0xff;
    out.set(this.aad.subarray(0, 8), 3);
    out[11] = length >>> 8;
    out[12] = length & 0xff;
    out.set(this.aad.subarray(0, 8), RECORD_HEADER_LENGTH);
    return out;
  }

  /** Plaintext, or undefined if the record is too short or does not authenticate. */
  open(record: DtlsRecord): Uint8Array | undefined {
    const f = record.fragment;
    if (f.length < GCM_EXPLICIT_NONCE_LENGTH + GCM_TAG_LENGTH) return undefined;
    const plainLength = f.length - GCM_EXPLICIT_NONCE_LENGTH - GCM_TAG_LENGTH;
    if (plainLength > MAX_PLAINTEXT) return undefined;
    this.fillAad(record.type, record.version, record.epoch, record.sequence, plainLength);
    this.nonce.set(f.subarray(0, GCM_EXPLICIT_NONCE_LENGTH), GCM_FIXED_IV_LENGTH);
    const sealed = f.subarray(GCM_EXPLICIT_NONCE_LENGTH);
    const into = (this.aead as Partial<RecordAeadInto>).openInto;
    if (!into) return this.aead.open(this.nonce, this.aad, sealed) ?? undefined;
    const out = this.alloc(plainLength);
    return into.call(this.aead, this.nonce, this.aad, sealed, out, 0) === plainLength ? out : undefined;
  }

  dispose(): void {
    this.aead.dispose();
  }
}
