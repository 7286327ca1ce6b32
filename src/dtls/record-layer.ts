// The record layer's per-association state (RFC 6347 §4.1): write sequence numbers per
// epoch, the epoch-1 ciphers, and the anti-replay window. Handshake logic lives elsewhere.
import { CONTENT_TYPE, DTLS_1_2, type DtlsRecord, MAX_SEQUENCE, type RecordProtection, encodePlainRecord } from './record.js';
import { ReplayWindow } from './replay-window.js';
import { DtlsError } from './errors.js';

/** Why `open` refused a record. */
export type OpenFailure = 'replay' | 'auth';

interface Keys {
  write: RecordProtection | undefined;
  read: RecordProtection | undefined;
}

// Record ciphers live in a bounded WebAssembly key table: if an endpoint is dropped without
// close()/dispose(), its keys are freed when it is collected.
const orphanedKeys = new FinalizationRegistry<Keys>((k) => {
  k.write?.dispose();
  k.read?.dispose();
});

export class RecordLayer {
  /** Epoch used for alerts and application data (1 once our ChangeCipherSpec went out). */
  writeEpoch = 0;
  private readonly writeSeq = [0, 0];
  private readonly keys: Keys = { write: undefined, read: undefined };
  private readonly replay = new ReplayWindow();

  constructor() {
    orphanedKeys.register(this, this.keys, this);
  }

  /** True once epoch-1 records can be read. */
  get canRead(): boolean {
    return this.keys.read !== undefined;
  }

  install(write: RecordProtection, read: RecordProtection): void {
    this.dispose();
    this.keys.write = write;
    this.keys.read = read;
  }

  /** RFC 6347 §4.2.1: a stateless server continues from the ClientHello's record number. */
  raiseEpoch0Sequence(min: number): void {
    this.writeSeq[0] = Math.max(this.writeSeq[0], min);
  }

  /** One record with the next sequence number of `epoch` (encrypted for epoch 1). */
  seal(type: number, epoch: number, payload: Uint8Array): Uint8Array {
    const seq = this.writeSeq[epoch]++;
    // RFC 6347 §4.1: a sequence number never wraps within an epoch.
    if (seq > MAX_SEQUENCE) throw new DtlsError('unsupported', 'record sequence number exhausted');
    if (epoch === 0) return encodePlainRecord(type, DTLS_1_2, 0, seq, payload);
    const w = this.keys.write;
    if (!w) throw new DtlsError('unsupported', 'no write keys for epoch 1');
    return w.seal(type, DTLS_1_2, epoch, seq, payload);
  }

  sealAlert(payload: Uint8Array): Uint8Array {
    return this.seal(CONTENT_TYPE.alert, this.writeEpoch, payload);
  }

  /** Checks replay, authenticates and decrypts an epoch-1 record (RFC 6347 §4.1.2.6-7). */
  open(r: DtlsRecord): Uint8Array | OpenFailure {
    const read = this.keys.read;
    if (!read) return 'auth';
    if (r.sequence > MAX_SEQUENCE || !this.replay.check(r.sequence)) return 'replay';
    const plaintext = read.open(r);
    if (!plaintext) return 'auth';
    // Marked only after authentication, so forgeries cannot move the window.
    this.replay.mark(r.sequence);
    return plaintext;
  }

  dispose(): void {
    this.keys.write?.dispose();
    this.keys.read?.dispose();
    this.keys.write = undefined;
    this.keys.read = undefined;
  }
}
