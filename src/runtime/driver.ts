// The one timer that drives sans-IO engines. Given anything with pollTimeout() and
// handleTimeout(now), it keeps exactly one setTimeout armed for the engine's next
// deadline. Callers kick() it after feeding input; `after` runs after each timeout so
// the owner can drain transmits and events.

export interface TimedEngine {
  pollTimeout(): number | undefined;
  handleTimeout(now: number): void;
}

export interface DriverOptions {
  /** Monotonic milliseconds (default performance.now()). */
  now?: () => number;
  /** Runs after every handleTimeout (drain the engine's outputs here). */
  after?: () => void;
  /** Node/Bun: do not keep the process alive for this timer alone. */
  unref?: boolean;
}

type TimerHandle = ReturnType<typeof setTimeout>;

// Node and Bun run setImmediate callbacks after the poll phase's I/O callbacks. Deno and
// browsers have no setImmediate, and a zero timeout may be clamped to milliseconds there:
// a microtask (drained right after the datagram's callback, i.e. no batching) keeps the
// latency of before.
const immediate = (globalThis as { setImmediate?: (fn: () => void) => unknown }).setImmediate;
const defer: (fn: () => void) => void = immediate ? (fn) => void immediate(fn) : (fn) => queueMicrotask(fn);

/**
 * How far a new deadline may lie past the armed timer before kick() re-arms. Longer than an
 * SCTP retransmission timeout at full speed (RFC 4960 §6.3.1, RTO.Min 1 s, lower in WebRTC
 * stacks), whose deadline moves on every SACK: those keep the armed timer.
 */
const REARM_SLACK_MS = 1000;

/**
 * Node's timers count from the loop's cached clock, taken before this turn's callbacks ran,
 * in whole milliseconds: a timer due in 4.3 ms fires up to a millisecond or two before
 * performance.now() reaches its deadline, finds nothing due and is armed again (a fifth of
 * the wake-ups of idle connections). A deadline far enough away is rounded up and given 1 ms
 * more; short ones (pacing, ICE checks) stay exact.
 */
function timerDelay(ms: number): number {
  if (ms <= 0) return 0;
  return ms >= LATE_OK_MS ? Math.ceil(ms) + 1 : ms;
}

/** Deadlines at least this far away may fire a millisecond late (retransmissions, consent, heartbeats). */
const LATE_OK_MS = 50;

export class EngineDriver {
  private timer?: TimerHandle;
  private armedFor = Number.POSITIVE_INFINITY;
  private stopped = false;
  readonly now: () => number;

  constructor(
    private readonly engine: TimedEngine,
    private readonly opts: DriverOptions = {},
  ) {
    this.now = opts.now ?? (() => performance.now());
  }

  /** Re-reads the engine's deadline and (re)arms the single timer if it moved. */
  kick(): void {
    if (this.stopped) return;
    const at = this.engine.pollTimeout();
    if (at === undefined) {
      this.clear();
      return;
    }
    // A timer already armed for the same or an earlier time stays: when it fires early,
    // fire() finds nothing due and re-arms for the later deadline. A data channel at
    // full speed moves its retransmission deadline on every SACK; re-arming each time
    // cost a clearTimeout and a setTimeout per burst.
    // Unless the deadline moved far out (an idle connection's consent check answered: its
    // retransmission at +500 ms gave way to the next check seconds later): a timer left
    // armed then wakes for nothing, once per connection per check, and re-arming is cheaper.
    if (this.timer !== undefined && this.armedFor <= at && at - this.armedFor < REARM_SLACK_MS) return;
    this.clear();
    this.armedFor = at;
    this.timer = setTimeout(this.onTimer, timerDelay(at - this.now()));
    if (this.opts.unref) (this.timer as unknown as { unref?: () => void }).unref?.();
  }

  /**
   * Runs `after` once, after the I/O callbacks of the current event-loop turn. Input fed
   * from many datagrams of one socket read burst is then drained in one pass: one SACK
   * for the burst instead of one per two packets, one refill of the sender's window.
   */
  soon(): void {
    if (this.soonPending || this.stopped) return;
    this.soonPending = true;
    defer(this.runSoon);
  }

  private soonPending = false;
  private readonly runSoon = (): void => {
    this.soonPending = false;
    if (!this.stopped) this.opts.after?.();
  };

  stop(): void {
    this.stopped = true;
    this.clear();
  }

  /**
   * Node runs due timers before it reads the sockets. After a busy turn (a server sending
   * to hundreds of channels at once) a retransmission or tail-loss-probe deadline has passed
   * while the answer that cancels it already waits in the socket: the deadline is judged
   * after this turn's datagrams are read (the same deferral as soon()), not before.
   */
  private readonly onTimer = (): void => {
    this.timer = undefined;
    this.armedFor = Number.POSITIVE_INFINITY;
    if (!this.stopped) defer(this.fire);
  };

  private readonly fire = (): void => {
    if (this.stopped) return;
    const now = this.now();
    const due = this.engine.pollTimeout();
    if (due !== undefined && due <= now) this.engine.handleTimeout(now);
    this.opts.after?.();
    this.kick();
  };

  private clear(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = Number.POSITIVE_INFINITY;
  }
}
