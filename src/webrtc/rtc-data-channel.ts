// RTCDataChannel (W3C WebRTC 1.0 §6.2) over omnirtc/sctp's DataChannelManager.
//
// Wiring for RTCPeerConnection (the only user of DataChannelHub):
//
//   const hub = new DataChannelHub({
//     queueTask: (t) => taskQueue.queue(t),            // HTML "queue a task" (TaskQueue)
//     requestTransmit: () => connection.flushSoon(),    // the SCTP engine has packets: drain
//                                                       //   manager.pollTransmit() into DTLS
//                                                       //   and re-arm on manager.pollTimeout()
//     announceDataChannel: (ch) => pc.dispatchEvent(new RTCDataChannelEvent('datachannel', { channel: ch })),
//   });
//   pc.createDataChannel(label, init)  → hub.createDataChannel(label, init)   (throws as W3C says)
//   once SDP gives the m=application section:
//       const assoc = new SctpAssociation({ remotePort: a=sctp-port, maxReceiveMessageSize: ours });
//       const manager = new DataChannelManager(assoc);
//       manager.remoteMaxMessageSize = remote a=max-message-size (65536 if absent, 0 = no limit);
//       hub.attach(manager);
//   once DTLS knows its role:  manager.setDtlsRole(role); manager.connect(now)   (both peers connect)
//   DTLS application data in:  manager.handleInput(now, bytes); hub.dispatchEvents();
//   timer (manager.pollTimeout()):  manager.handleTimeout(now); hub.dispatchEvents();
//   out:  for (let p = manager.pollTransmit(); p; p = manager.pollTransmit()) dtls.send(p)
//   pc.close():  hub.closeAll(); then the association's abort/shutdown.
//
// Every event and readyState change runs in a queued task, in order, as the spec says.
import { SctpError } from '../sctp/errors.js';
import type { ChannelEvent, DataChannelManager, ManagedChannel } from '../sctp/dcep/channel-manager.js';
import { domError, RTCError } from './errors.js';
import { EventTargetWithHandlers } from './event-handlers.js';

export type RTCDataChannelState = 'connecting' | 'open' | 'closing' | 'closed';
export type RTCPriorityType = 'very-low' | 'low' | 'medium' | 'high';
export type BinaryType = 'arraybuffer' | 'blob';

export interface RTCDataChannelInit {
  ordered?: boolean;
  maxPacketLifeTime?: number;
  maxRetransmits?: number;
  protocol?: string;
  negotiated?: boolean;
  id?: number;
  priority?: RTCPriorityType;
}

/** What the facade provides to the data channels (see the header comment). */
export interface DataChannelHost {
  queueTask(task: () => void): void;
  requestTransmit(): void;
  announceDataChannel(channel: RTCDataChannel): void;
}

/** The 'datachannel' event (W3C §6.3). */
export class RTCDataChannelEvent extends Event {
  readonly channel: RTCDataChannel;
  constructor(type: string, init: EventInit & { channel: RTCDataChannel }) {
    super(type, init);
    this.channel = init.channel;
  }
}

/** The 'error' event of a data channel (W3C §11.2). */
export class RTCErrorEvent extends Event {
  readonly error: RTCError;
  constructor(type: string, init: EventInit & { error: RTCError }) {
    super(type, init);
    this.error = init.error;
  }
}

const PRIORITY_VALUE: Record<RTCPriorityType, number> = { 'very-low': 128, low: 256, medium: 512, high: 1024 };
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();
const CONSTRUCT = Symbol('RTCDataChannel');

type Outgoing = { bytes: Uint8Array; binary: boolean } | { blob: Blob };

function valueToPriority(v: number): RTCPriorityType {
  if (v <= 128) return 'very-low';
  if (v <= 256) return 'low';
  if (v <= 512) return 'medium';
  return 'high';
}

export class RTCDataChannel extends EventTargetWithHandlers {
  readonly #hub: DataChannelHub;
  readonly #label: string;
  readonly #ordered: boolean;
  readonly #maxPacketLifeTime: number | null;
  readonly #maxRetransmits: number | null;
  readonly #protocol: string;
  readonly #negotiated: boolean;
  readonly #priority: RTCPriorityType;
  #id: number | null;
  #readyState: RTCDataChannelState = 'connecting';
  #binaryType: BinaryType = 'arraybuffer';
  #threshold = 0;
  /** Set once the manager knows the channel (at once, or when the hub is attached). */
  #managed: ManagedChannel | undefined;
  /** Sends waiting behind a Blob being read, in call order. */
  #outgoing: Outgoing[] = [];
  #outgoingBytes = 0;
  #reading = false;

  /** Not constructible by applications: use RTCPeerConnection.createDataChannel(). */
  constructor(token: symbol, hub: DataChannelHub, label: string, init: Required<Omit<RTCDataChannelInit, 'id' | 'maxPacketLifeTime' | 'maxRetransmits'>> & RTCDataChannelInit) {
    if (token !== CONSTRUCT) throw new TypeError('Illegal constructor: use RTCPeerConnection.createDataChannel()');
    super();
    this.#hub = hub;
    this.#label = label;
    this.#ordered = init.ordered;
    this.#maxPacketLifeTime = init.maxPacketLifeTime ?? null;
    this.#maxRetransmits = init.maxRetransmits ?? null;
    this.#protocol = init.protocol;
    this.#negotiated = init.negotiated;
    this.#priority = init.priority;
    this.#id = init.id ?? null;
  }

  get label(): string {
    return this.#label;
  }
  get ordered(): boolean {
    return this.#ordered;
  }
  get maxPacketLifeTime(): number | null {
    return this.#maxPacketLifeTime;
  }
  get maxRetransmits(): number | null {
    return this.#maxRetransmits;
  }
  get protocol(): string {
    return this.#protocol;
  }
  get negotiated(): boolean {
    return this.#negotiated;
  }
  get id(): number | null {
    return this.#id;
  }
  get priority(): RTCPriorityType {
    return this.#priority;
  }
  get readyState(): RTCDataChannelState {
    return this.#readyState;
  }
  /** Bytes queued by send() and not yet handed to the network (W3C §6.2). */
  get bufferedAmount(): number {
    const m = this.#managed;
    return this.#outgoingBytes + (m ? this.#hub.bufferedAmountOf(m) : 0);
  }
  get bufferedAmountLowThreshold(): number {
    return this.#threshold;
  }
  set bufferedAmountLowThreshold(v: number) {
    // WebIDL unsigned long: modulo 2^32.
    this.#threshold = Number(v) >>> 0;
    if (this.#managed) this.#hub.setThreshold(this.#managed, this.#threshold);
  }
  get binaryType(): BinaryType {
    return this.#binaryType;
  }
  set binaryType(v: BinaryType) {
    // An enumeration attribute ignores values outside the enumeration (WebIDL §3.2.6).
    if (v === 'arraybuffer' || v === 'blob') this.#binaryType = v;
  }

  get onopen(): ((ev: Event) => unknown) | null {
    return this.getHandler('open');
  }
  set onopen(h: ((ev: Event) => unknown) | null) {
    this.setHandler('open', h);
  }
  get onmessage(): ((ev: MessageEvent) => unknown) | null {
    return this.getHandler('message') as ((ev: MessageEvent) => unknown) | null;
  }
  set onmessage(h: ((ev: MessageEvent) => unknown) | null) {
    this.setHandler('message', h as ((ev: Event) => unknown) | null);
  }
  get onbufferedamountlow(): ((ev: Event) => unknown) | null {
    return this.getHandler('bufferedamountlow');
  }
  set onbufferedamountlow(h: ((ev: Event) => unknown) | null) {
    this.setHandler('bufferedamountlow', h);
  }
  get onerror(): ((ev: Event) => unknown) | null {
    return this.getHandler('error');
  }
  set onerror(h: ((ev: Event) => unknown) | null) {
    this.setHandler('error', h);
  }
  get onclosing(): ((ev: Event) => unknown) | null {
    return this.getHandler('closing');
  }
  set onclosing(h: ((ev: Event) => unknown) | null) {
    this.setHandler('closing', h);
  }
  get onclose(): ((ev: Event) => unknown) | null {
    return this.getHandler('close');
  }
  set onclose(h: ((ev: Event) => unknown) | null) {
    this.setHandler('close', h);
  }

  /**
   * W3C §6.2 send(): strings go as UTF-8 (PPID 51), binary data as is (PPID 53), empty
   * messages with PPID 56 / 57. A Blob is read asynchronously; later sends wait for it.
   */
  /** @internal webrtc-stats §5.10 RTCDataChannelStats: messages and payload bytes (UTF-8 for strings) through send() and delivered. */
  readonly counts = { messagesSent: 0, bytesSent: 0, messagesReceived: 0, bytesReceived: 0 };

  send(data: string | ArrayBuffer | ArrayBufferView | Blob): void {
    if (this.#readyState !== 'open') {
      throw domError('InvalidStateError', `RTCDataChannel.send() needs readyState "open" (it is "${this.#readyState}"): wait for the open event`);
    }
    let item: Outgoing;
    let size: number;
    if (typeof data === 'string') {
      const bytes = utf8.encode(data);
      item = { bytes, binary: false };
      size = bytes.length;
    } else if (data instanceof ArrayBuffer) {
      item = { bytes: new Uint8Array(data.slice(0)), binary: true };
      size = data.byteLength;
    } else if (ArrayBuffer.isView(data)) {
      item = { bytes: new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice(), binary: true };
      size = data.byteLength;
    } else if (typeof Blob !== 'undefined' && data instanceof Blob) {
      item = { blob: data };
      size = data.size;
    } else {
      throw new TypeError('RTCDataChannel.send() takes a string, ArrayBuffer, ArrayBufferView or Blob');
    }
    const max = this.#hub.maxMessageSize;
    if (max > 0 && size > max) {
      throw domError('TypeError', `message of ${size} bytes exceeds the peer's maximum message size of ${max} bytes (a=max-message-size): split it`);
    }
    if (this.#outgoing.length > 0 || 'blob' in item || !this.#managed) {
      this.#outgoing.push(item);
      this.#outgoingBytes += size;
      this.#drainOutgoing();
    } else {
      this.#sendNow(item.bytes, item.binary);
    }
    this.counts.messagesSent++;
    this.counts.bytesSent += size;
  }

  #sendNow(bytes: Uint8Array, binary: boolean): void {
    try {
      this.#hub.sendOn(this.#managed!, bytes, binary);
    } catch (e) {
      if (e instanceof SctpError && e.code === 'SCTP_SEND_BUFFER_FULL') {
        throw domError('OperationError', `${e.message} (bufferedAmount ${this.bufferedAmount})`);
      }
      if (e instanceof SctpError) throw domError('InvalidStateError', e.message);
      throw e;
    }
  }

  #drainOutgoing(): void {
    if (this.#reading || !this.#managed) return;
    while (this.#outgoing.length > 0 && this.#readyState === 'open') {
      const item = this.#outgoing[0];
      if ('blob' in item) {
        this.#reading = true;
        item.blob.arrayBuffer().then(
          (buf) => {
            this.#reading = false;
            this.#outgoing[0] = { bytes: new Uint8Array(buf), binary: true };
            this.#drainOutgoing();
          },
          () => {
            this.#reading = false;
            this.#outgoing.shift();
            this.#outgoingBytes -= item.blob.size;
            this.#drainOutgoing();
          },
        );
        return;
      }
      this.#outgoing.shift();
      this.#outgoingBytes -= item.bytes.length;
      try {
        this.#sendNow(item.bytes, item.binary);
      } catch (e) {
        // Deferred sends cannot throw to the caller any more; the spec closes the channel.
        this.#hub.failChannel(this, e instanceof Error ? e.message : String(e));
        return;
      }
    }
    if (this.#readyState !== 'open') {
      this.#outgoing = [];
      this.#outgoingBytes = 0;
    }
  }

  /** W3C §6.2 close(): closing until the stream reset completes both ways. */
  close(): void {
    if (this.#readyState === 'closing' || this.#readyState === 'closed') return;
    this.#readyState = 'closing';
    this.#hub.closeChannel(this);
  }

  // ---- driven by DataChannelHub (not part of the W3C interface) ----

  /** @internal */
  static create(hub: DataChannelHub, label: string, init: ConstructorParameters<typeof RTCDataChannel>[3]): RTCDataChannel {
    return new RTCDataChannel(CONSTRUCT, hub, label, init);
  }

  /** @internal */
  bind(managed: ManagedChannel): void {
    this.#managed = managed;
    this.#id = managed.id;
    if (this.#threshold > 0) this.#hub.setThreshold(managed, this.#threshold);
  }

  /** @internal */
  get managed(): ManagedChannel | undefined {
    return this.#managed;
  }

  /** @internal */
  assignId(id: number | null): void {
    this.#id = id;
  }

  /** @internal W3C §6.2 "announce the channel as open". */
  announceOpen(): void {
    if (this.#readyState !== 'connecting') return;
    this.#readyState = 'open';
    this.dispatchEvent(new Event('open'));
    this.#drainOutgoing();
  }

  /** @internal W3C §6.2 "receiving messages on a data channel". */
  receive(data: Uint8Array, binary: boolean): void {
    if (this.#readyState !== 'open') return;
    this.counts.messagesReceived++;
    this.counts.bytesReceived += data.length;
    let payload: string | ArrayBuffer | Blob;
    if (!binary) payload = fromUtf8.decode(data);
    else if (this.#binaryType === 'blob') payload = new Blob([data as Uint8Array<ArrayBuffer>]);
    else payload = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? (data.buffer as ArrayBuffer) : (data.slice().buffer as ArrayBuffer);
    this.dispatchEvent(new MessageEvent('message', { data: payload }));
  }

  /** @internal */
  announceBufferedAmountLow(): void {
    if (this.#readyState === 'open' || this.#readyState === 'closing') this.dispatchEvent(new Event('bufferedamountlow'));
  }

  /** @internal The peer started closing (W3C "announce closing"). */
  announceClosing(): void {
    if (this.#readyState === 'closed') return;
    const wasClosing = this.#readyState === 'closing';
    this.#readyState = 'closing';
    if (!wasClosing) this.dispatchEvent(new Event('closing'));
  }

  /** @internal RTCPeerConnection.close(): closed at once, no events. */
  closeAbruptly(): void {
    this.#readyState = 'closed';
    this.#outgoing = [];
    this.#outgoingBytes = 0;
  }

  /** @internal W3C "announce the data channel as closed", with an error first if it failed. */
  announceClosed(error?: string): void {
    if (this.#readyState === 'closed') return;
    this.#readyState = 'closed';
    this.#outgoing = [];
    this.#outgoingBytes = 0;
    if (error !== undefined) {
      this.dispatchEvent(new RTCErrorEvent('error', { error: new RTCError({ errorDetail: 'sctp-failure' }, error) }));
    }
    this.dispatchEvent(new Event('close'));
  }
}

/**
 * The glue between one DataChannelManager and the RTCDataChannel objects of a peer
 * connection: creates channels (also before the association exists), routes the
 * manager's events to them in queued tasks, and announces remote channels.
 */
export class DataChannelHub {
  #manager: DataChannelManager | undefined;
  readonly #byManaged = new Map<ManagedChannel, RTCDataChannel>();
  readonly #pending: { channel: RTCDataChannel; init: RTCDataChannelInit & { ordered: boolean; protocol: string; negotiated: boolean; priority: RTCPriorityType } }[] = [];
  #closed = false;

  constructor(readonly host: DataChannelHost) {}

  /** The peer's maximum message size (0: unlimited); 65536 before negotiation (RFC 8841 §6). */
  get maxMessageSize(): number {
    return this.#manager ? this.#manager.remoteMaxMessageSize : 65536;
  }

  get manager(): DataChannelManager | undefined {
    return this.#manager;
  }

  /** W3C §6.1 createDataChannel(): validates as the spec says, then creates the channel. */
  createDataChannel(label: string, init: RTCDataChannelInit = {}): RTCDataChannel {
    if (this.#closed) throw domError('InvalidStateError', 'the RTCPeerConnection is closed');
    const label_ = String(label);
    const protocol = init.protocol === undefined ? '' : String(init.protocol);
    if (utf8.encode(label_).length > 65535) throw domError('TypeError', 'label is longer than 65535 bytes');
    if (utf8.encode(protocol).length > 65535) throw domError('TypeError', 'protocol is longer than 65535 bytes');
    const toUint16 = (v: number | undefined, what: string): number | undefined => {
      if (v === undefined || v === null) return undefined;
      const n = Number(v);
      // WebIDL [EnforceRange] unsigned short.
      if (!Number.isFinite(n) || n < 0 || n > 65535) throw domError('TypeError', `${what} must be within 0..65535`);
      return Math.trunc(n);
    };
    const maxRetransmits = toUint16(init.maxRetransmits, 'maxRetransmits');
    const maxPacketLifeTime = toUint16(init.maxPacketLifeTime, 'maxPacketLifeTime');
    if (maxRetransmits !== undefined && maxPacketLifeTime !== undefined) {
      throw domError('TypeError', 'set maxRetransmits or maxPacketLifeTime, not both');
    }
    const negotiated = init.negotiated === true;
    const id = toUint16(init.id, 'id');
    if (negotiated && id === undefined) throw domError('TypeError', 'a negotiated channel needs an id');
    if (id === 65535) throw domError('TypeError', 'id 65535 is reserved');
    const priority: RTCPriorityType = init.priority ?? 'low';
    if (!(priority in PRIORITY_VALUE)) throw domError('TypeError', `unknown priority ${String(priority)}`);
    const resolved = { ordered: init.ordered !== false, protocol, negotiated, priority, maxRetransmits, maxPacketLifeTime, id: negotiated ? id : undefined };
    const channel = RTCDataChannel.create(this, label_, resolved);
    if (this.#manager) {
      this.#bind(channel, resolved);
      // A negotiated channel on a connected association is open at once (W3C §6.1 step
      // "announce open" is queued): route that event now, since no packet may arrive to
      // trigger dispatching.
      this.dispatchEvents();
    } else this.#pending.push({ channel, init: resolved });
    return channel;
  }

  /** The SCTP transport exists: channels created so far are handed to it. */
  attach(manager: DataChannelManager): void {
    if (this.#manager) return;
    this.#manager = manager;
    for (const p of this.#pending.splice(0)) this.#bind(p.channel, p.init);
    this.host.requestTransmit();
  }

  #bind(channel: RTCDataChannel, init: RTCDataChannelInit & { ordered: boolean; protocol: string; negotiated: boolean; priority: RTCPriorityType }): void {
    let managed: ManagedChannel;
    try {
      managed = this.#manager!.createChannel({
        label: channel.label,
        protocol: init.protocol,
        ordered: init.ordered,
        maxRetransmits: init.maxRetransmits,
        maxPacketLifeTime: init.maxPacketLifeTime,
        priority: PRIORITY_VALUE[init.priority],
        negotiated: init.negotiated,
        id: init.id,
      });
    } catch (e) {
      if (e instanceof SctpError && (e.code === 'SCTP_CHANNEL_ID_IN_USE' || e.code === 'SCTP_NO_CHANNEL_ID')) {
        throw domError('OperationError', e.message);
      }
      if (e instanceof SctpError) throw domError('InvalidStateError', e.message);
      throw e;
    }
    this.#byManaged.set(managed, channel);
    channel.bind(managed);
  }

  /** Drains the manager's events into channel events (each in a queued task). */
  dispatchEvents(): void {
    const m = this.#manager;
    if (!m) return;
    let any = false;
    for (let e = m.pollEvent(); e; e = m.pollEvent()) {
      any = true;
      this.#route(e);
    }
    if (any) this.host.requestTransmit();
  }

  #route(e: ChannelEvent): void {
    if (e.type === 'connected' || e.type === 'association-closed') return;
    if (e.type === 'remote-channel') {
      const ch = e.channel;
      const channel = RTCDataChannel.create(this, ch.label, {
        ordered: ch.ordered,
        protocol: ch.protocol,
        negotiated: false,
        priority: valueToPriority(ch.priority),
        maxRetransmits: ch.maxRetransmits,
        maxPacketLifeTime: ch.maxPacketLifeTime,
        id: ch.id ?? undefined,
      });
      this.#byManaged.set(ch, channel);
      channel.bind(ch);
      // W3C §6.2 "announce the channel as open" happens in the same task, after 'datachannel'.
      this.host.queueTask(() => this.host.announceDataChannel(channel));
      return;
    }
    const channel = this.#byManaged.get(e.channel);
    if (!channel) return;
    switch (e.type) {
      case 'id-assigned':
        channel.assignId(e.channel.id);
        break;
      case 'open':
        this.host.queueTask(() => channel.announceOpen());
        break;
      case 'message':
        this.host.queueTask(() => channel.receive(e.data, e.binary));
        break;
      case 'buffered-amount-low':
        this.host.queueTask(() => channel.announceBufferedAmountLow());
        break;
      case 'closing':
        this.host.queueTask(() => channel.announceClosing());
        break;
      case 'error':
        this.host.queueTask(() => channel.announceClosed(e.message));
        break;
      case 'closed':
        this.#byManaged.delete(e.channel);
        this.host.queueTask(() => channel.announceClosed());
        break;
    }
  }

  /**
   * RTCPeerConnection.close() (W3C "close the connection"): every channel's readyState
   * becomes "closed" at once; the channels close abruptly, without the closing procedure
   * and without events.
   */
  closeAll(): void {
    this.#closed = true;
    for (const p of this.#pending.splice(0)) p.channel.closeAbruptly();
    for (const [, channel] of this.#byManaged) channel.closeAbruptly();
    this.#byManaged.clear();
  }

  /** @internal */
  bufferedAmountOf(m: ManagedChannel): number {
    return this.#manager ? this.#manager.bufferedAmount(m) : 0;
  }

  /** @internal */
  setThreshold(m: ManagedChannel, bytes: number): void {
    this.#manager?.setBufferedAmountLowThreshold(m, bytes);
  }

  /** @internal */
  sendOn(m: ManagedChannel, bytes: Uint8Array, binary: boolean): void {
    this.#manager!.send(m, bytes, binary);
    this.host.requestTransmit();
  }

  /** @internal */
  closeChannel(channel: RTCDataChannel): void {
    const m = channel.managed;
    if (!m || !this.#manager) {
      const i = this.#pending.findIndex((p) => p.channel === channel);
      if (i >= 0) this.#pending.splice(i, 1);
      this.host.queueTask(() => channel.announceClosed());
      return;
    }
    this.#manager.close(m);
    this.dispatchEvents();
    this.host.requestTransmit();
  }

  /** @internal */
  failChannel(channel: RTCDataChannel, message: string): void {
    const m = channel.managed;
    if (m && this.#manager) this.#manager.close(m);
    this.host.queueTask(() => channel.announceClosed(message));
  }
}
