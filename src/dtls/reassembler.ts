// Handshake reassembly (RFC 6347 §4.2.3): fragments may arrive in any order, overlap or
// repeat; a message is released once every byte of it has arrived, in message_seq order.
// Bounded: a window of future message_seq values and a maximum message length.
import type { HandshakeFragment } from './handshake.js';

export interface HandshakeMessage {
  msgType: number;
  messageSeq: number;
  body: Uint8Array;
  /** Epoch of the records that carried it (all fragments must agree). */
  epoch: number;
}

interface Partial {
  msgType: number;
  epoch: number;
  body: Uint8Array;
  have: Uint8Array;
  missing: number;
}

/** How far ahead of the next expected message_seq we buffer. */
export const REASSEMBLY_WINDOW = 8;
/** Largest handshake message accepted (a certificate chain fits easily). */
export const MAX_HANDSHAKE_MESSAGE = 32 * 1024;

export type FragmentVerdict = 'accepted' | 'old' | 'too-far' | 'too-long' | 'inconsistent';

export class Reassembler {
  private next = 0;
  private readonly pending = new Map<number, Partial>();

  /** The message_seq the next released message will have. */
  get nextSeq(): number {
    return this.next;
  }

  /** Starts expecting `seq` (used when the first message fixes the peer's numbering). */
  reset(seq: number): void {
    this.next = seq;
    this.pending.clear();
  }

  add(f: HandshakeFragment, epoch: number): FragmentVerdict {
    if (f.messageSeq < this.next) return 'old';
    if (f.messageSeq >= this.next + REASSEMBLY_WINDOW) return 'too-far';
    if (f.length > MAX_HANDSHAKE_MESSAGE) return 'too-long';
    let p = this.pending.get(f.messageSeq);
    if (!p) {
      p = { msgType: f.msgType, epoch, body: new Uint8Array(f.length), have: new Uint8Array(f.length), missing: f.length };
      this.pending.set(f.messageSeq, p);
    } else if (p.msgType !== f.msgType || p.body.length !== f.length || p.epoch !== epoch) {
      return 'inconsistent';
    }
    const end = f.fragmentOffset + f.body.length;
    for (let i = f.fragmentOffset; i < end; i++) {
      if (p.have[i] === 0) {
        p.have[i] = 1;
        p.body[i] = f.body[i - f.fragmentOffset];
        p.missing--;
      }
    }
    return 'accepted';
  }

  /** The next complete message in order, if any. */
  take(): HandshakeMessage | undefined {
    const p = this.pending.get(this.next);
    if (!p || p.missing > 0) return undefined;
    this.pending.delete(this.next);
    return { msgType: p.msgType, messageSeq: this.next++, body: p.body, epoch: p.epoch };
  }
}
