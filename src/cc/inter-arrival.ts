// draft-ietf-rmcat-gcc-02 §5.2 (pre-filtering) and §5.3: packets are grouped into bursts —
// every packet sent within BURST_TIME_MS of the group's first packet belongs to it, and so
// does a packet that arrives within BURST_TIME_MS of the previous one with a negative
// propagation delta (it was queued behind the group, e.g. by a channel outage). One
// inter-group delay sample d(i) = t(i) − t(i−1) − (T(i) − T(i−1)) comes out per completed
// group, with T the send time and t the arrival time of the group's last packet.

/** draft-ietf-rmcat-gcc-02 §5.2 burst_time. */
export const BURST_TIME_MS = 5;
/** A group spread over more arrival time than this is never extended by the burst rule. */
const MAX_BURST_DURATION_MS = 100;
/** Arrival times jumping by more than this (a receiver clock reset) restart the grouping. */
const ARRIVAL_JUMP_MS = 3000;

export class InterArrival {
  #firstSend = Number.NaN;
  #lastSend = 0;
  #firstArrival = 0;
  #lastArrival = 0;
  #prevLastSend = Number.NaN;
  #prevLastArrival = 0;
  /** The latest inter-group deltas (valid after add() returned true), in ms. */
  sendDelta = 0;
  arrivalDelta = 0;
  /** Arrival time of the completed group's last packet (receiver clock, ms). */
  arrivalTime = 0;
  /** Packets older than the current group (reordered): not used for delay (§5.2 uses in-order packets). */
  reordered = 0;
  resets = 0;

  /** Adds one received packet in feedback order; true when a group completed and the deltas are fresh. */
  add(sendTime: number, arrivalTime: number): boolean {
    if (Number.isNaN(this.#firstSend)) {
      this.#startGroup(sendTime, arrivalTime);
      return false;
    }
    if (sendTime < this.#firstSend) {
      this.reordered++;
      return false;
    }
    if (Math.abs(arrivalTime - this.#lastArrival) > ARRIVAL_JUMP_MS) {
      this.resets++;
      this.#prevLastSend = Number.NaN;
      this.#startGroup(sendTime, arrivalTime);
      return false;
    }
    if (this.#inGroup(sendTime, arrivalTime)) {
      if (sendTime > this.#lastSend) this.#lastSend = sendTime;
      if (arrivalTime > this.#lastArrival) this.#lastArrival = arrivalTime;
      return false;
    }
    let ready = false;
    if (!Number.isNaN(this.#prevLastSend)) {
      this.sendDelta = this.#lastSend - this.#prevLastSend;
      this.arrivalDelta = this.#lastArrival - this.#prevLastArrival;
      this.arrivalTime = this.#lastArrival;
      ready = true;
    }
    this.#prevLastSend = this.#lastSend;
    this.#prevLastArrival = this.#lastArrival;
    this.#startGroup(sendTime, arrivalTime);
    return ready;
  }

  #startGroup(sendTime: number, arrivalTime: number): void {
    this.#firstSend = sendTime;
    this.#lastSend = sendTime;
    this.#firstArrival = arrivalTime;
    this.#lastArrival = arrivalTime;
  }

  #inGroup(sendTime: number, arrivalTime: number): boolean {
    if (sendTime - this.#firstSend <= BURST_TIME_MS) return true;
    // §5.2: "a packet which has an inter-arrival time less than burst_time and an
    // inter-group delay variation d(i) less than 0 is considered being part of the current group".
    const arrivalDelta = arrivalTime - this.#lastArrival;
    const propagationDelta = arrivalDelta - (sendTime - this.#lastSend);
    return propagationDelta < 0 && arrivalDelta <= BURST_TIME_MS && arrivalTime - this.#firstArrival < MAX_BURST_DURATION_MS;
  }
}
