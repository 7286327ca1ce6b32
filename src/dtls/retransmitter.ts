// Flight retransmission (RFC 6347 §4.2.4): the current flight, its timer with exponential
// backoff, and the immediate resend when the peer repeats the flight we answered.
import { type FlightItem, type RecordSealer, packFlight } from './flight.js';

export interface RetransmitTiming {
  /** First timeout, ms. */
  initialMs: number;
  /** Ceiling of the doubling timeout, ms. */
  maxMs: number;
}

export class Retransmitter {
  private flight: FlightItem[] = [];
  private rto: number;
  private deadline: number | undefined;
  /** message_seq of the last peer message the current flight answers. */
  private answeredSeq = -1;
  private lastReactive = Number.NEGATIVE_INFINITY;
  /** Flights sent again (timer or peer repeat). */
  count = 0;

  constructor(
    private readonly timing: RetransmitTiming,
    private readonly mtu: number,
    private readonly seal: RecordSealer,
  ) {
    this.rto = timing.initialMs;
  }

  get nextTimeout(): number | undefined {
    return this.deadline;
  }

  /** True when the flight carries our ChangeCipherSpec (we write epoch 1 from then on). */
  get changesCipher(): boolean {
    return this.flight.some((i) => i.kind === 'changeCipherSpec');
  }

  /**
   * Makes `items` the current flight and returns its datagrams. `answeredSeq` is the peer
   * message it answers; `expectsReply` arms the timer (the last flight of a handshake has none).
   */
  start(now: number, items: FlightItem[], answeredSeq: number, expectsReply: boolean): Uint8Array[] {
    this.flight = items;
    this.answeredSeq = answeredSeq;
    this.rto = this.timing.initialMs;
    this.deadline = expectsReply ? now + this.rto : undefined;
    return packFlight(items, this.mtu, this.seal);
  }

  /** Timer expiry: resend with a doubled timeout (RFC 6347 §4.2.4.1). */
  onTimeout(now: number): Uint8Array[] {
    if (this.deadline === undefined || now < this.deadline) return [];
    this.rto = Math.min(this.rto * 2, this.timing.maxMs);
    this.deadline = now + this.rto;
    this.count++;
    return packFlight(this.flight, this.mtu, this.seal);
  }

  /**
   * The peer resent message `seq`: if it is the one our flight answers, ours was lost — resend
   * now (RFC 6347 §4.2.4), at most once per half initial timeout so duplicates do not multiply.
   */
  onPeerRepeat(now: number, seq: number): Uint8Array[] {
    if (seq !== this.answeredSeq || this.flight.length === 0) return [];
    if (now - this.lastReactive < this.timing.initialMs / 2) return [];
    this.lastReactive = now;
    this.count++;
    return packFlight(this.flight, this.mtu, this.seal);
  }

  /** Stops the timer and forgets the flight (answered, or the association ended). */
  clear(): void {
    this.flight = [];
    this.deadline = undefined;
  }

  /** Keeps the flight for peer repeats but stops the timer (our last flight). */
  stopTimer(): void {
    this.deadline = undefined;
  }

  /** Records the peer message the (unchanged) current flight answers. */
  answer(seq: number): void {
    this.answeredSeq = seq;
  }
}
