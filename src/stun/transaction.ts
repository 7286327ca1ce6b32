// Client transaction retransmission timing (RFC 8489 §6.2.1), as a value the engines
// keep per outstanding request. No timers: the owner asks `nextAt` and calls `onTimeout`.

export interface RetransmitOptions {
  /** Initial RTO in ms (RFC 8489 §6.2.1 recommends 500 ms; ICE checks may use another). */
  rto?: number;
  /** Rc: total number of transmissions (default 7). */
  maxTransmissions?: number;
  /** Rm: the last wait is Rm × RTO (default 16). */
  lastWaitFactor?: number;
  /** Cap on the doubling interval (0 = no cap). */
  maxRto?: number;
}

export type RetransmitDecision = 'wait' | 'retransmit' | 'timeout';

export class RetransmitSchedule {
  readonly rto: number;
  readonly maxTransmissions: number;
  readonly lastWaitFactor: number;
  readonly maxRto: number;
  /** Transmissions so far (1 after start). */
  transmissions = 1;
  nextAt: number;
  private interval: number;

  constructor(now: number, opts: RetransmitOptions = {}) {
    this.rto = opts.rto ?? 500;
    this.maxTransmissions = opts.maxTransmissions ?? 7;
    this.lastWaitFactor = opts.lastWaitFactor ?? 16;
    this.maxRto = opts.maxRto ?? 0;
    this.interval = this.rto;
    this.nextAt = now + (this.maxTransmissions === 1 ? this.rto * this.lastWaitFactor : this.rto);
  }

  /** Call when `now >= nextAt`: says whether to send again or give up. */
  onTimeout(now: number): RetransmitDecision {
    if (now < this.nextAt) return 'wait';
    if (this.transmissions >= this.maxTransmissions) return 'timeout';
    this.transmissions++;
    if (this.transmissions === this.maxTransmissions) {
      // §6.2.1: after the last transmission wait Rm × RTO for the response.
      this.nextAt = now + this.rto * this.lastWaitFactor;
    } else {
      this.interval *= 2;
      if (this.maxRto > 0 && this.interval > this.maxRto) this.interval = this.maxRto;
      this.nextAt = now + this.interval;
    }
    return 'retransmit';
  }
}
