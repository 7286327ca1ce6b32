// Data channels over one SCTP association (RFC 8831) with in-band negotiation (DCEP,
// RFC 8832): stream ids by DTLS role, DATA_CHANNEL_OPEN / ACK, PPIDs for strings,
// binary and empty messages, and closing by stream reset (RFC 8831 §6.7). A sans-IO
// engine like the association it wraps: feed it packets and time, drain its packets,
// events and deadline.
import type { SctpAssociation } from '../association.js';
import { SctpError } from '../errors.js';
import type { SctpCloseReason } from '../events.js';
import {
  encodeAck,
  encodeOpen,
  parseDcep,
  PPID_BINARY,
  PPID_BINARY_EMPTY,
  PPID_DCEP,
  PPID_STRING,
  PPID_STRING_EMPTY,
} from './message.js';

export type ChannelState = 'connecting' | 'open' | 'closing' | 'closed';

/** What createChannel takes (the W3C RTCDataChannelInit, resolved). */
export interface ChannelParams {
  label: string;
  protocol: string;
  ordered: boolean;
  maxRetransmits?: number;
  maxPacketLifeTime?: number;
  /** 128 very-low, 256 low (default), 512 medium, 1024 high (RFC 8831 §6.4). */
  priority?: number;
  negotiated: boolean;
  /** Required when negotiated; otherwise chosen by DTLS role (RFC 8832 §6). */
  id?: number;
}

/** One data channel as the manager sees it. */
export class ManagedChannel {
  /** Null until the DTLS role is known (non-negotiated channels only). */
  id: number | null;
  state: ChannelState = 'connecting';
  /** RFC 8832 §6: until the ACK arrives, everything is sent ordered. */
  ackReceived: boolean;
  outgoingReset = false;
  incomingReset = false;
  readonly label: string;
  readonly protocol: string;
  readonly ordered: boolean;
  readonly maxRetransmits: number | undefined;
  readonly maxPacketLifeTime: number | undefined;
  readonly priority: number;
  readonly negotiated: boolean;

  constructor(p: ChannelParams, readonly remote: boolean) {
    this.id = p.id ?? null;
    this.label = p.label;
    this.protocol = p.protocol;
    this.ordered = p.ordered;
    this.maxRetransmits = p.maxRetransmits;
    this.maxPacketLifeTime = p.maxPacketLifeTime;
    this.priority = p.priority ?? 256;
    this.negotiated = p.negotiated;
    this.ackReceived = p.negotiated || remote;
  }
}

export type ChannelEvent =
  /** The association is up; channels are about to open. */
  | { type: 'connected' }
  /** A channel the peer opened with DATA_CHANNEL_OPEN (W3C 'datachannel'). */
  | { type: 'remote-channel'; channel: ManagedChannel }
  /** A channel got its stream id (the DTLS role became known). */
  | { type: 'id-assigned'; channel: ManagedChannel }
  | { type: 'open'; channel: ManagedChannel }
  | { type: 'message'; channel: ManagedChannel; data: Uint8Array; binary: boolean }
  | { type: 'buffered-amount-low'; channel: ManagedChannel }
  /** The peer started closing the channel (its outgoing stream was reset). */
  | { type: 'closing'; channel: ManagedChannel }
  | { type: 'closed'; channel: ManagedChannel }
  /** The association failed under an open channel (W3C RTCError 'sctp-failure'). */
  | { type: 'error'; channel: ManagedChannel; message: string }
  | { type: 'association-closed'; reason: SctpCloseReason };

export interface ChannelManagerCounters {
  unknownStreamMessages: number;
  malformedDcep: number;
  unknownPpid: number;
  dcepSendFailures: number;
}

/** RFC 8831 §6.6 and W3C: 65535 streams at most; ids are 0..65534. */
const MAX_CHANNEL_ID = 65534;

export class DataChannelManager {
  private readonly channels = new Map<number, ManagedChannel>();
  private readonly unassigned: ManagedChannel[] = [];
  private role: 'client' | 'server' | undefined;
  private nextId = -1;
  private events: ChannelEvent[] = [];
  private eventHead = 0;
  private connected = false;
  private closed = false;
  readonly counters: ChannelManagerCounters = { unknownStreamMessages: 0, malformedDcep: 0, unknownPpid: 0, dcepSendFailures: 0 };
  /** The peer's a=max-message-size (RFC 8841 §6); 0 means no limit. 65536 if absent. */
  remoteMaxMessageSize = 65536;

  constructor(
    readonly association: SctpAssociation,
    role?: 'client' | 'server',
  ) {
    if (role) this.setDtlsRole(role);
  }

  /** RFC 8832 §6: the DTLS client uses even stream ids, the server odd ones. */
  setDtlsRole(role: 'client' | 'server'): void {
    if (this.role) return;
    this.role = role;
    this.nextId = role === 'client' ? 0 : 1;
    for (const ch of this.unassigned.splice(0)) {
      const id = this.allocateId();
      if (id === undefined) {
        ch.state = 'closed';
        this.events.push({ type: 'error', channel: ch, message: 'no free stream id' }, { type: 'closed', channel: ch });
        continue;
      }
      ch.id = id;
      this.channels.set(id, ch);
      this.events.push({ type: 'id-assigned', channel: ch });
      if (this.connected) this.openLocal(ch);
    }
  }

  get dtlsRole(): 'client' | 'server' | undefined {
    return this.role;
  }

  private allocateId(): number | undefined {
    const limit = Math.min(MAX_CHANNEL_ID, this.connected ? this.association.maxOutboundStreams - 1 : MAX_CHANNEL_ID);
    for (let id = this.nextId; id <= limit; id += 2) {
      if (!this.channels.has(id)) {
        this.nextId = id + 2;
        return id;
      }
    }
    // Wrap once: ids of closed channels are free again.
    for (let id = this.role === 'client' ? 0 : 1; id < this.nextId && id <= limit; id += 2) {
      if (!this.channels.has(id)) return id;
    }
    return undefined;
  }

  // ------------------------------------------------------------- sans-IO surface

  connect(now: number): void {
    this.association.connect(now);
  }

  handleInput(now: number, bytes: Uint8Array): void {
    this.association.handleInput(now, bytes);
    this.pump(now);
  }

  handleTimeout(now: number): void {
    this.association.handleTimeout(now);
    this.pump(now);
  }

  pollTransmit(): Uint8Array | undefined {
    return this.association.pollTransmit();
  }

  pollTimeout(): number | undefined {
    return this.association.pollTimeout();
  }

  pollEvent(): ChannelEvent | undefined {
    if (this.eventHead >= this.events.length) {
      this.events = [];
      this.eventHead = 0;
      return undefined;
    }
    return this.events[this.eventHead++];
  }

  // ------------------------------------------------------------- channels

  /**
   * Creates a channel. A negotiated one needs an id and opens once the association is
   * up; an in-band one gets an id from the DTLS role and sends DATA_CHANNEL_OPEN.
   */
  createChannel(params: ChannelParams, now = 0): ManagedChannel {
    if (this.closed) throw new SctpError('SCTP_CLOSED', 'the SCTP association is closed');
    if (params.negotiated && params.id === undefined) throw new SctpError('SCTP_BAD_OPTION', 'a negotiated channel needs an id');
    if (params.id !== undefined) {
      if (!(Number.isInteger(params.id) && params.id >= 0 && params.id <= MAX_CHANNEL_ID)) {
        throw new SctpError('SCTP_BAD_STREAM', `channel id ${params.id} is outside 0..${MAX_CHANNEL_ID}`);
      }
      if (this.channels.has(params.id)) throw new SctpError('SCTP_CHANNEL_ID_IN_USE', `channel id ${params.id} is in use`);
    }
    const ch = new ManagedChannel(params, false);
    if (ch.id === null && this.role) {
      const id = this.allocateId();
      if (id === undefined) throw new SctpError('SCTP_NO_CHANNEL_ID', 'no free stream id for a new channel');
      ch.id = id;
    }
    if (ch.id === null) this.unassigned.push(ch);
    else this.channels.set(ch.id, ch);
    if (this.connected && ch.id !== null) this.openLocal(ch, now);
    return ch;
  }

  private openLocal(ch: ManagedChannel, now = 0): void {
    if (ch.id === null || ch.state !== 'connecting') return;
    if (ch.id >= this.association.maxOutboundStreams) {
      // The peer offered fewer streams than this id needs (RFC 8831 §6.2).
      ch.state = 'closed';
      this.channels.delete(ch.id);
      this.events.push({ type: 'error', channel: ch, message: `stream ${ch.id} exceeds the ${this.association.maxOutboundStreams} streams the peer allows` }, { type: 'closed', channel: ch });
      return;
    }
    if (!ch.negotiated) {
      // RFC 8832 §6: DATA_CHANNEL_OPEN goes reliable and ordered on the channel's stream.
      const open = encodeOpen({
        ordered: ch.ordered,
        maxRetransmits: ch.maxRetransmits,
        maxPacketLifeTime: ch.maxPacketLifeTime,
        priority: ch.priority,
        label: ch.label,
        protocol: ch.protocol,
      });
      if (!this.trySend(ch.id, open, now)) {
        ch.state = 'closed';
        this.channels.delete(ch.id);
        this.events.push({ type: 'error', channel: ch, message: 'cannot queue DATA_CHANNEL_OPEN: the send buffer is full' }, { type: 'closed', channel: ch });
        return;
      }
    }
    ch.state = 'open';
    this.events.push({ type: 'open', channel: ch });
  }

  /**
   * Sends one message (RFC 8831 §6.6): strings with PPID 51, binary with 53, empty ones
   * as a single byte with PPID 56 / 57.
   */
  send(ch: ManagedChannel, data: Uint8Array, binary: boolean, now?: number): void {
    if (ch.state !== 'open' || ch.id === null) throw new SctpError('SCTP_NOT_ESTABLISHED', `channel is ${ch.state}`);
    const empty = data.length === 0;
    const ppid = binary ? (empty ? PPID_BINARY_EMPTY : PPID_BINARY) : empty ? PPID_STRING_EMPTY : PPID_STRING;
    this.association.send(
      ch.id,
      empty ? new Uint8Array(1) : data,
      {
        ppid,
        // RFC 8832 §6: ordered until the peer has acknowledged the channel.
        unordered: !ch.ordered && ch.ackReceived,
        maxRetransmits: ch.maxRetransmits,
        maxLifetimeMs: ch.maxPacketLifeTime,
      },
      now,
    );
  }

  bufferedAmount(ch: ManagedChannel): number {
    return ch.id === null ? 0 : this.association.bufferedAmount(ch.id);
  }

  setBufferedAmountLowThreshold(ch: ManagedChannel, bytes: number): void {
    if (ch.id !== null) this.association.setBufferedAmountLowThreshold(ch.id, bytes);
  }

  /** Closes a channel (RFC 8831 §6.7): its outgoing stream is reset after queued data. */
  close(ch: ManagedChannel): void {
    if (ch.state === 'closed' || ch.state === 'closing') return;
    if (ch.id === null || this.closed || !this.connected) {
      this.finish(ch);
      return;
    }
    ch.state = 'closing';
    this.association.resetStreams([ch.id]);
  }

  channel(id: number): ManagedChannel | undefined {
    return this.channels.get(id);
  }

  private finish(ch: ManagedChannel): void {
    if (ch.state === 'closed') return;
    ch.state = 'closed';
    if (ch.id !== null && this.channels.get(ch.id) === ch) this.channels.delete(ch.id);
    const i = this.unassigned.indexOf(ch);
    if (i >= 0) this.unassigned.splice(i, 1);
    this.events.push({ type: 'closed', channel: ch });
  }

  // ------------------------------------------------------------- association events

  private pump(now: number): void {
    for (let e = this.association.pollEvent(); e; e = this.association.pollEvent()) {
      switch (e.type) {
        case 'connected':
          this.connected = true;
          this.events.push({ type: 'connected' });
          for (const ch of [...this.channels.values()]) this.openLocal(ch, now);
          break;
        case 'message':
          this.onMessage(e.streamId, e.ppid, e.data, now);
          break;
        case 'buffered-amount-low': {
          const ch = this.channels.get(e.streamId);
          if (ch) this.events.push({ type: 'buffered-amount-low', channel: ch });
          break;
        }
        case 'incoming-stream-reset':
          for (const id of e.streamIds) {
            const ch = this.channels.get(id);
            if (!ch) continue;
            ch.incomingReset = true;
            if (ch.state === 'open' || ch.state === 'connecting') {
              // The peer closed: close our direction too (RFC 8831 §6.7).
              ch.state = 'closing';
              this.events.push({ type: 'closing', channel: ch });
              this.association.resetStreams([id]);
            } else if (ch.outgoingReset) this.finish(ch);
          }
          break;
        case 'outgoing-stream-reset':
          for (const id of e.streamIds) {
            const ch = this.channels.get(id);
            if (!ch) continue;
            ch.outgoingReset = true;
            // Without RE-CONFIG support at the peer the close cannot be signalled; done.
            if (ch.incomingReset || !e.accepted) this.finish(ch);
          }
          break;
        case 'closed':
          this.closed = true;
          for (const ch of [...this.channels.values(), ...this.unassigned]) {
            if (e.reason !== 'shutdown' && ch.state === 'open') this.events.push({ type: 'error', channel: ch, message: `SCTP association ${e.reason}` });
            this.finish(ch);
          }
          this.events.push({ type: 'association-closed', reason: e.reason });
          break;
      }
    }
  }

  /** DCEP control messages are sent from inside input processing, which must not throw. */
  private trySend(streamId: number, message: Uint8Array, now: number): boolean {
    try {
      this.association.send(streamId, message, { ppid: PPID_DCEP }, now);
      return true;
    } catch {
      this.counters.dcepSendFailures++;
      return false;
    }
  }

  private onMessage(streamId: number, ppid: number, data: Uint8Array, now: number): void {
    if (ppid === PPID_DCEP) {
      this.onDcep(streamId, data, now);
      return;
    }
    const ch = this.channels.get(streamId);
    if (!ch || ch.state === 'closed') {
      this.counters.unknownStreamMessages++;
      return;
    }
    // RFC 8832 §6: data from the peer on the channel implies it got our OPEN.
    ch.ackReceived = true;
    switch (ppid) {
      case PPID_STRING:
        this.events.push({ type: 'message', channel: ch, data, binary: false });
        break;
      case PPID_BINARY:
        this.events.push({ type: 'message', channel: ch, data, binary: true });
        break;
      case PPID_STRING_EMPTY:
        this.events.push({ type: 'message', channel: ch, data: new Uint8Array(0), binary: false });
        break;
      case PPID_BINARY_EMPTY:
        this.events.push({ type: 'message', channel: ch, data: new Uint8Array(0), binary: true });
        break;
      default:
        this.counters.unknownPpid++;
    }
  }

  private onDcep(streamId: number, data: Uint8Array, now: number): void {
    const msg = parseDcep(data);
    if (!msg) {
      this.counters.malformedDcep++;
      return;
    }
    const existing = this.channels.get(streamId);
    if (msg.type === 'ack') {
      if (existing) existing.ackReceived = true;
      else this.counters.malformedDcep++;
      return;
    }
    // RFC 8832 §6: the opener uses the stream id parity of its DTLS role; a clash with
    // a channel of ours (or a duplicate OPEN) is ignored.
    const theirParity = this.role === 'client' ? 1 : 0;
    if (existing || (this.role !== undefined && (streamId & 1) !== theirParity)) {
      this.counters.malformedDcep++;
      return;
    }
    const o = msg.open;
    const ch = new ManagedChannel(
      {
        label: o.label,
        protocol: o.protocol,
        ordered: o.ordered,
        maxRetransmits: o.maxRetransmits,
        maxPacketLifeTime: o.maxPacketLifeTime,
        priority: o.priority,
        negotiated: false,
        id: streamId,
      },
      true,
    );
    if (streamId >= this.association.maxOutboundStreams) {
      // We could not answer on this stream: ignore the OPEN (counted).
      this.counters.malformedDcep++;
      return;
    }
    this.channels.set(streamId, ch);
    // Without the ACK the peer just keeps sending ordered (RFC 8832 §6): not fatal.
    this.trySend(streamId, encodeAck(), now);
    ch.state = 'open';
    this.events.push({ type: 'remote-channel', channel: ch }, { type: 'open', channel: ch });
  }
}
