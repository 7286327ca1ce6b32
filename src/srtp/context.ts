// SrtpContext: one master key (one direction of a DTLS-SRTP association), any number
// of SSRCs up to the core's bound. The transforms run in the WebAssembly core; this
// class checks arguments, copies packets across once each way, and counts drops.
import { CORE_ERR_INDEX_EXHAUSTED, CORE_PROFILE, SRTP_CORE_LIMITS, type SrtpCore, srtpCore } from '../wasm/srtp.js';
import { WASM_ERR } from '../wasm/errors.js';
import { SrtpError, type SrtpErrorCode } from './errors.js';
import { isSrtpProfile, SRTP_PROFILES, type SrtpProfile, type SrtpProfileParameters } from './profiles.js';

/** libwebrtc's replay window (packets), our default. */
export const DEFAULT_REPLAY_WINDOW = 1024;

export interface SrtpContextInit {
  profile: SrtpProfile;
  masterKey: Uint8Array;
  masterSalt: Uint8Array;
  /** Replay window in packets, 1..2048 (default 1024), per SSRC, for SRTP and SRTCP. */
  replayWindow?: number;
}

/** Session keys for one of SRTP or SRTCP, as RFC 3711 §4.3 would derive them. */
export interface SrtpSessionKeys {
  key: Uint8Array;
  salt: Uint8Array;
  /** HMAC-SHA1 key (20 bytes) for AES-CM profiles; absent for GCM. */
  authKey?: Uint8Array;
}

export interface SrtpSessionKeysInit {
  profile: SrtpProfile;
  rtp: SrtpSessionKeys;
  rtcp: SrtpSessionKeys;
  replayWindow?: number;
}

/** Counters for getStats(): packets done, and packets dropped by reason. */
export interface SrtpContextStats {
  rtpProtected: number;
  rtpUnprotected: number;
  rtcpProtected: number;
  rtcpUnprotected: number;
  dropped: Record<SrtpErrorCode, number>;
}

const MESSAGES: Record<SrtpErrorCode, string> = {
  auth: 'authentication tag mismatch',
  replay: 'packet replayed or older than the replay window',
  malformed: 'not a valid packet for this transform (version, length or header)',
  capacity: 'no room for another SSRC in the stream table',
  exhausted: 'packet index would wrap: rekey',
};

function codeOf(ret: number): SrtpErrorCode {
  switch (ret) {
    case WASM_ERR.auth:
      return 'auth';
    case WASM_ERR.replay:
      return 'replay';
    case WASM_ERR.noCapacity:
      return 'capacity';
    case CORE_ERR_INDEX_EXHAUSTED:
      return 'exhausted';
    default:
      return 'malformed';
  }
}

// Frees a context's slot in the core if its owner forgets dispose().
const finalizer = new FinalizationRegistry<number>((handle) => {
  srtpCore().fns.srtpDestroy(handle);
});

// Set by fromSessionKeys() for the constructor call it makes next (synchronously).
let adopting: { profile: SrtpProfile; handle: number } | undefined;

// The four transforms, as indices into the per-context tables below.
const PROTECT_RTP = 0;
const UNPROTECT_RTP = 1;
const PROTECT_RTCP = 2;
const UNPROTECT_RTCP = 3;
type Transform = typeof PROTECT_RTP | typeof UNPROTECT_RTP | typeof PROTECT_RTCP | typeof UNPROTECT_RTCP;

function checkBytes(name: string, value: unknown, length: number): Uint8Array {
  if (!(value instanceof Uint8Array) || value.length !== length) {
    throw new DOMException(`${name} must be a Uint8Array of ${length} bytes for this profile`, 'InvalidAccessError');
  }
  return value;
}

function checkWindow(window: number | undefined): number {
  const w = window ?? DEFAULT_REPLAY_WINDOW;
  if (!Number.isInteger(w) || w < 1 || w > SRTP_CORE_LIMITS.maxReplayWindow) {
    throw new DOMException(
      `replayWindow must be an integer from 1 to ${SRTP_CORE_LIMITS.maxReplayWindow}`,
      'InvalidAccessError',
    );
  }
  return w;
}

function checkProfile(profile: unknown): SrtpProfile {
  if (!isSrtpProfile(profile)) {
    throw new DOMException(`unknown SRTP profile ${String(profile)}: use one of ${Object.keys(SRTP_PROFILES).join(', ')}`, 'NotSupportedError');
  }
  return profile;
}

function createdHandle(handle: number): number {
  if (handle === WASM_ERR.noCapacity) {
    throw new DOMException(
      `no free SRTP context (${SRTP_CORE_LIMITS.contexts} alive): dispose() contexts that are no longer used`,
      'QuotaExceededError',
    );
  }
  if (handle < 0) throw new DOMException('SRTP context creation failed', 'OperationError');
  return handle;
}

export class SrtpContext {
  readonly profile: SrtpProfile;
  /** The reason the last *Into call returned -1, if it did. */
  lastError: SrtpErrorCode | undefined;
  #handle: number;
  readonly #core: SrtpCore;
  readonly #params: SrtpProfileParameters;
  // Core entry points and success counts by Transform, looked up once per packet by index.
  readonly #fns: readonly ((handle: number, len: number) => number)[];
  readonly #done = [0, 0, 0, 0];
  readonly #stats: Pick<SrtpContextStats, 'dropped'> = {
    dropped: { auth: 0, replay: 0, malformed: 0, capacity: 0, exhausted: 0 },
  };

  constructor(init: SrtpContextInit) {
    const core = srtpCore();
    let profile: SrtpProfile;
    let handle: number;
    if (adopting) {
      // fromSessionKeys() already created the core context.
      ({ profile, handle } = adopting);
      adopting = undefined;
    } else {
      profile = checkProfile(init?.profile);
      const p = SRTP_PROFILES[profile];
      const key = checkBytes('masterKey', init.masterKey, p.keyLength);
      const salt = checkBytes('masterSalt', init.masterSalt, p.saltLength);
      const window = checkWindow(init.replayWindow);
      core.io.set(key, 0);
      core.io.set(salt, key.length);
      handle = createdHandle(core.fns.srtpCreate(CORE_PROFILE[profile], window));
      core.io.fill(0, 0, key.length + salt.length);
    }
    this.profile = profile;
    this.#params = SRTP_PROFILES[profile];
    this.#core = core;
    this.#fns = [core.fns.srtpProtectRtp, core.fns.srtpUnprotectRtp, core.fns.srtpProtectRtcp, core.fns.srtpUnprotectRtcp];
    this.#handle = handle;
    finalizer.register(this, handle, this);
  }

  /** A context from session keys given directly (RFC vectors, pre-derived material). */
  static fromSessionKeys(init: SrtpSessionKeysInit): SrtpContext {
    const profile = checkProfile(init?.profile);
    const p = SRTP_PROFILES[profile];
    const parts: Uint8Array[] = [];
    for (const [which, keys] of [['rtp', init.rtp] as const, ['rtcp', init.rtcp] as const]) {
      parts.push(checkBytes(`${which}.key`, keys?.key, p.keyLength), checkBytes(`${which}.salt`, keys.salt, p.saltLength));
      if (!p.aead) parts.push(checkBytes(`${which}.authKey`, keys.authKey, 20));
    }
    const window = checkWindow(init.replayWindow);
    const core = srtpCore();
    let at = 0;
    for (const part of parts) {
      core.io.set(part, at);
      at += part.length;
    }
    const handle = core.fns.srtpCreateFromSessionKeys(CORE_PROFILE[profile], window);
    core.io.fill(0, 0, at);
    adopting = { profile, handle: createdHandle(handle) };
    return new SrtpContext({ profile, masterKey: new Uint8Array(0), masterSalt: new Uint8Array(0) });
  }

  /** Protects an RTP packet; returns a new Uint8Array. Throws SrtpError. */
  protectRtp(packet: Uint8Array): Uint8Array {
    return this.#run(PROTECT_RTP, packet);
  }

  /** Verifies and decrypts an SRTP packet; returns a new Uint8Array. Throws SrtpError. */
  unprotectRtp(packet: Uint8Array): Uint8Array {
    return this.#run(UNPROTECT_RTP, packet);
  }

  protectRtcp(packet: Uint8Array): Uint8Array {
    return this.#run(PROTECT_RTCP, packet);
  }

  unprotectRtcp(packet: Uint8Array): Uint8Array {
    return this.#run(UNPROTECT_RTCP, packet);
  }

  /**
   * Zero-copy forms for the stack's hot path: one copy in, one call, one copy out, no
   * allocation. `out` may be `packet` itself. Returns the output length, or -1 when the
   * packet is dropped (reason in lastError, counted in getStats()); never throws for bad
   * packets. `out` must hold packet.length + maxOverhead bytes (protect) or
   * packet.length (unprotect).
   */
  protectRtpInto(packet: Uint8Array, out: Uint8Array): number {
    return this.#into(PROTECT_RTP, packet, out, this.#params.rtpTagLength);
  }

  unprotectRtpInto(packet: Uint8Array, out: Uint8Array): number {
    return this.#into(UNPROTECT_RTP, packet, out, 0);
  }

  protectRtcpInto(packet: Uint8Array, out: Uint8Array): number {
    return this.#into(PROTECT_RTCP, packet, out, this.#params.rtcpTagLength + 4);
  }

  unprotectRtcpInto(packet: Uint8Array, out: Uint8Array): number {
    return this.#into(UNPROTECT_RTCP, packet, out, 0);
  }

  /** Bytes protectRtp adds (the tag) and protectRtcp adds (SRTCP index word and tag). */
  get rtpOverhead(): number {
    return this.#params.rtpTagLength;
  }

  get rtcpOverhead(): number {
    return this.#params.rtcpTagLength + 4;
  }

  /**
   * Sets the rollover counter an SSRC starts from, before its first packet in that
   * direction (RFC 3711 §3.3.1: a receiver joining an ongoing stream).
   */
  setRolloverCounter(ssrc: number, roc: number, direction: 'send' | 'receive'): void {
    this.#alive();
    const ret = this.#core.fns.srtpSetRoc(this.#handle, ssrc | 0, roc | 0, direction === 'send' ? 0 : 1);
    if (ret === WASM_ERR.noCapacity) throw new SrtpError('capacity', MESSAGES.capacity);
    if (ret < 0) {
      throw new DOMException('the rollover counter can only be set before the SSRC has packets in that direction', 'InvalidStateError');
    }
  }

  /** A snapshot of this context's counters. */
  getStats(): SrtpContextStats {
    const d = this.#done;
    return {
      rtpProtected: d[PROTECT_RTP],
      rtpUnprotected: d[UNPROTECT_RTP],
      rtcpProtected: d[PROTECT_RTCP],
      rtcpUnprotected: d[UNPROTECT_RTCP],
      dropped: { ...this.#stats.dropped },
    };
  }

  /** Wipes the keys and frees the context's slot and SSRC streams in the core. */
  dispose(): void {
    if (this.#handle < 0) return;
    this.#core.fns.srtpDestroy(this.#handle);
    finalizer.unregister(this);
    this.#handle = -1;
  }

  get disposed(): boolean {
    return this.#handle < 0;
  }

  #alive(): void {
    if (this.#handle < 0) throw new DOMException('SRTP context was disposed', 'InvalidStateError');
  }

  #run(which: Transform, packet: Uint8Array): Uint8Array {
    this.#alive();
    if (!(packet instanceof Uint8Array)) throw new TypeError('packet must be a Uint8Array');
    if (packet.length > SRTP_CORE_LIMITS.maxPacket) {
      this.#stats.dropped.malformed++;
      throw new SrtpError('malformed', `packet of ${packet.length} bytes exceeds ${SRTP_CORE_LIMITS.maxPacket}`);
    }
    const io = this.#core.io;
    io.set(packet);
    const n = this.#fns[which](this.#handle, packet.length);
    if (n < 0) {
      const code = codeOf(n);
      this.#stats.dropped[code]++;
      throw new SrtpError(code, MESSAGES[code]);
    }
    this.#done[which]++;
    return io.slice(0, n);
  }

  #into(which: Transform, packet: Uint8Array, out: Uint8Array, growth: number): number {
    this.#alive();
    if (out.length < packet.length + growth) {
      throw new DOMException(`output buffer needs ${packet.length + growth} bytes, has ${out.length}`, 'IndexSizeError');
    }
    let n: number;
    if (packet.length > SRTP_CORE_LIMITS.maxPacket) {
      n = WASM_ERR.malformed;
    } else {
      const io = this.#core.io;
      io.set(packet);
      n = this.#fns[which](this.#handle, packet.length);
      if (n >= 0) {
        out.set(io.subarray(0, n));
        this.#done[which]++;
        this.lastError = undefined;
        return n;
      }
    }
    const code = codeOf(n);
    this.#stats.dropped[code]++;
    this.lastError = code;
    return -1;
  }
}
