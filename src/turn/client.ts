// A sans-IO TURN client (RFC 8656): one allocation on one server, over UDP or over a TCP
// stream the caller owns. It is fed bytes from the server and time; it returns bytes for
// the server, events and its next deadline.
import { type TransportAddress, addressKey } from '../stun/address.js';
import {
  decodeErrorCode,
  decodeText,
  decodeU32,
  decodeXorAddress,
  encodeChannelNumber,
  encodeRequestedTransport,
  encodeText,
  encodeU32,
  encodeXorAddress,
} from '../stun/attributes.js';
import { StunAttr, StunClass, StunMethod } from '../stun/constants.js';
import { longTermKey } from '../stun/credentials.js';
import {
  type StunAttributeInput,
  type StunMessage,
  checkIntegrity,
  decodeStunMessage,
  encodeStunMessage,
  getAttribute,
  isStunMessage,
  newTransactionId,
} from '../stun/message.js';
import { RetransmitSchedule } from '../stun/transaction.js';
import { MAX_CHANNEL, MIN_CHANNEL, TcpFramer, decodeChannelData, encodeChannelData, isChannelData } from './channel-data.js';
import { TurnError } from './errors.js';

export interface TurnClientOptions {
  server: TransportAddress;
  username: string;
  password: string;
  /** 'udp' (datagrams) or 'tcp' (the caller feeds the raw stream). Default 'udp'. */
  transport?: 'udp' | 'tcp';
  /** Requested allocation lifetime in seconds (RFC 8656 §7.2: default 600). */
  lifetime?: number;
  software?: string;
  /** Initial STUN RTO for UDP (ms). */
  rto?: number;
  /** Bound on permissions and channels. */
  maxPeers?: number;
}

export type TurnClientState = 'new' | 'allocating' | 'allocated' | 'failed' | 'closing' | 'closed';

export type TurnEvent =
  | { type: 'allocated'; relayed: TransportAddress; mapped?: TransportAddress; lifetime: number }
  | { type: 'refreshed'; lifetime: number }
  | { type: 'permission'; peer: TransportAddress }
  | { type: 'channel'; peer: TransportAddress; channel: number }
  | { type: 'data'; peer: TransportAddress; data: Uint8Array }
  | { type: 'failed'; code: TurnError['code']; errorCode?: number; reason: string }
  | { type: 'closed' };

export interface TurnStats {
  packetsReceived: number;
  packetsSent: number;
  malformedDropped: number;
  integrityFailures: number;
  unknownTransactions: number;
  unknownChannelDropped: number;
  retransmissions: number;
  staleNonces: number;
}

type TxKind = 'allocate' | 'refresh' | 'permission' | 'channel' | 'deallocate';

interface Transaction {
  kind: TxKind;
  bytes: Uint8Array;
  schedule: RetransmitSchedule;
  peer?: TransportAddress;
  channel?: number;
  /** Same request re-sent after a 401/438: bounded to stop loops. */
  authRetries: number;
}

interface Permission {
  peer: TransportAddress;
  refreshAt: number;
  active: boolean;
  pending: boolean;
}

interface Channel {
  peer: TransportAddress;
  channel: number;
  refreshAt: number;
  active: boolean;
  pending: boolean;
}

// RFC 8656 §9: permissions last 300 s; §12: channel bindings 600 s. Refresh a minute early.
const PERMISSION_REFRESH_MS = 240_000;
const CHANNEL_REFRESH_MS = 540_000;
const MAX_QUEUE = 1024;

function tidKey(tid: Uint8Array): string {
  return String.fromCharCode(...tid);
}

export class TurnClient {
  readonly server: TransportAddress;
  readonly transport: 'udp' | 'tcp';
  state: TurnClientState = 'new';
  relayed?: TransportAddress;
  mapped?: TransportAddress;
  readonly stats: TurnStats = {
    packetsReceived: 0,
    packetsSent: 0,
    malformedDropped: 0,
    integrityFailures: 0,
    unknownTransactions: 0,
    unknownChannelDropped: 0,
    retransmissions: 0,
    staleNonces: 0,
  };

  private readonly username: string;
  private readonly password: string;
  private readonly lifetime: number;
  private readonly software?: string;
  private readonly rto: number;
  private readonly maxPeers: number;
  private realm?: string;
  private nonce?: string;
  private key?: Uint8Array;
  private refreshAt = Number.POSITIVE_INFINITY;
  private readonly transactions = new Map<string, Transaction>();
  private readonly permissions = new Map<string, Permission>();
  private readonly channelsByPeer = new Map<string, Channel>();
  private readonly channelsByNumber = new Map<number, Channel>();
  private nextChannel = MIN_CHANNEL;
  private readonly transmits: Uint8Array[] = [];
  private readonly events: TurnEvent[] = [];
  private readonly framer?: TcpFramer;

  constructor(opts: TurnClientOptions) {
    this.server = opts.server;
    this.transport = opts.transport ?? 'udp';
    this.username = opts.username;
    this.password = opts.password;
    this.lifetime = opts.lifetime ?? 600;
    this.software = opts.software;
    this.rto = opts.rto ?? 500;
    this.maxPeers = opts.maxPeers ?? 256;
    if (this.transport === 'tcp') this.framer = new TcpFramer();
  }

  /** RFC 8656 §7.1: sends the first Allocate (unauthenticated, to learn realm and nonce). */
  start(now: number): void {
    if (this.state !== 'new') throw new DOMException('TURN client already started: create a new TurnClient', 'InvalidStateError');
    this.state = 'allocating';
    this.request(now, 'allocate', this.allocateAttributes(), {});
  }

  /** RFC 8656 §9: installs (and keeps refreshing) a permission for the peer's IP. */
  createPermission(now: number, peer: TransportAddress): void {
    const key = peer.address;
    const existing = this.permissions.get(key);
    if (existing) return;
    if (this.permissions.size >= this.maxPeers) throw new TurnError('TURN_TOO_MANY_PEERS', `at most ${this.maxPeers} TURN permissions`);
    const p: Permission = { peer, refreshAt: Number.POSITIVE_INFINITY, active: false, pending: false };
    this.permissions.set(key, p);
    if (this.state === 'allocated') this.sendPermission(now, p);
  }

  hasPermission(peer: TransportAddress): boolean {
    return this.permissions.get(peer.address)?.active === true;
  }

  /** RFC 8656 §11: binds a channel to the peer; data then travels as ChannelData. */
  bindChannel(now: number, peer: TransportAddress): number {
    const key = addressKey(peer);
    const existing = this.channelsByPeer.get(key);
    if (existing) return existing.channel;
    if (this.channelsByPeer.size >= Math.min(this.maxPeers, MAX_CHANNEL - MIN_CHANNEL + 1)) {
      throw new TurnError('TURN_TOO_MANY_PEERS', 'no TURN channel number left');
    }
    const ch: Channel = { peer, channel: this.nextChannel++, refreshAt: Number.POSITIVE_INFINITY, active: false, pending: false };
    this.channelsByPeer.set(key, ch);
    this.channelsByNumber.set(ch.channel, ch);
    if (this.state === 'allocated') this.sendChannelBind(now, ch);
    return ch.channel;
  }

  /**
   * Relays `data` to `peer`: ChannelData when a channel is bound, else a Send indication
   * (RFC 8656 §10.1). Returns false when there is no allocation.
   */
  send(peer: TransportAddress, data: Uint8Array): boolean {
    if (this.state !== 'allocated') return false;
    const ch = this.channelsByPeer.get(addressKey(peer));
    if (ch?.active) {
      this.queue(encodeChannelData(ch.channel, data, this.transport === 'tcp'));
      return true;
    }
    const tid = newTransactionId();
    this.queue(
      encodeStunMessage(StunMethod.send, StunClass.indication, tid, [
        { type: StunAttr.XOR_PEER_ADDRESS, value: encodeXorAddress(peer, tid) },
        { type: StunAttr.DATA, value: data },
      ]),
    );
    return true;
  }

  /** RFC 8656 §7: Refresh with LIFETIME 0 deletes the allocation. */
  close(now: number): void {
    if (this.state === 'allocated') {
      this.state = 'closing';
      this.transactions.clear();
      this.request(now, 'deallocate', [{ type: StunAttr.LIFETIME, value: encodeU32(0) }], {});
      return;
    }
    if (this.state !== 'closed' && this.state !== 'closing') this.finishClose();
  }

  /** Bytes from the server: a datagram (UDP) or any chunk of the stream (TCP). */
  handleInput(now: number, bytes: Uint8Array): void {
    if (this.framer) {
      for (const frame of this.framer.push(bytes)) this.handleFrame(now, frame);
      if (this.framer.broken) this.fail('TURN_ALLOCATE_FAILED', 'TURN TCP stream carried a frame that is neither STUN nor ChannelData');
      return;
    }
    this.handleFrame(now, bytes);
  }

  handleTimeout(now: number): void {
    for (const [key, tx] of this.transactions) {
      if (now < tx.schedule.nextAt) continue;
      const d = tx.schedule.onTimeout(now);
      if (d === 'retransmit') {
        this.stats.retransmissions++;
        this.queue(tx.bytes);
      } else if (d === 'timeout') {
        this.transactions.delete(key);
        this.lastAttrs.delete(key);
        this.onTransactionTimeout(now, tx);
      }
    }
    if (this.state === 'allocated') {
      if (now >= this.refreshAt) {
        this.refreshAt = Number.POSITIVE_INFINITY;
        this.request(now, 'refresh', [{ type: StunAttr.LIFETIME, value: encodeU32(this.lifetime) }], {});
      }
      for (const p of this.permissions.values()) if (!p.pending && now >= p.refreshAt) this.sendPermission(now, p);
      for (const c of this.channelsByPeer.values()) if (!c.pending && now >= c.refreshAt) this.sendChannelBind(now, c);
    }
  }

  pollTransmit(): Uint8Array | undefined {
    return this.transmits.shift();
  }

  pollEvent(): TurnEvent | undefined {
    return this.events.shift();
  }

  pollTimeout(): number | undefined {
    let t = this.state === 'allocated' ? this.refreshAt : Number.POSITIVE_INFINITY;
    for (const tx of this.transactions.values()) t = Math.min(t, tx.schedule.nextAt);
    if (this.state === 'allocated') {
      for (const p of this.permissions.values()) if (!p.pending) t = Math.min(t, p.refreshAt);
      for (const c of this.channelsByPeer.values()) if (!c.pending) t = Math.min(t, c.refreshAt);
    }
    return Number.isFinite(t) ? t : undefined;
  }

  // --- internals ---------------------------------------------------------------------

  private queue(bytes: Uint8Array): void {
    if (this.transmits.length >= MAX_QUEUE) return;
    this.stats.packetsSent++;
    this.transmits.push(bytes);
  }

  private emit(e: TurnEvent): void {
    if (this.events.length < MAX_QUEUE) this.events.push(e);
  }

  private allocateAttributes(): StunAttributeInput[] {
    // RFC 8656 §7.1: REQUESTED-TRANSPORT 17 (UDP) is the only relayed transport here.
    return [
      { type: StunAttr.REQUESTED_TRANSPORT, value: encodeRequestedTransport(17) },
      { type: StunAttr.LIFETIME, value: encodeU32(this.lifetime) },
    ];
  }

  private request(
    now: number,
    kind: TxKind,
    attrs: StunAttributeInput[],
    extra: { peer?: TransportAddress; channel?: number; authRetries?: number },
  ): void {
    const method =
      kind === 'allocate'
        ? StunMethod.allocate
        : kind === 'refresh' || kind === 'deallocate'
          ? StunMethod.refresh
          : kind === 'permission'
            ? StunMethod.createPermission
            : StunMethod.channelBind;
    const tid = newTransactionId();
    const all: StunAttributeInput[] = [...attrs];
    if (this.software) all.push({ type: StunAttr.SOFTWARE, value: encodeText(this.software) });
    if (this.key && this.realm !== undefined && this.nonce !== undefined) {
      // RFC 8489 §9.2.4: long-term credentials on every request after the first challenge.
      all.push(
        { type: StunAttr.USERNAME, value: encodeText(this.username) },
        { type: StunAttr.REALM, value: encodeText(this.realm) },
        { type: StunAttr.NONCE, value: encodeText(this.nonce) },
      );
    }
    const bytes = encodeStunMessage(method, StunClass.request, tid, all, { integrityKey: this.key, fingerprint: false });
    // RFC 8489 §6.2.2: over TCP no retransmission, one 39.5 s timeout.
    const schedule =
      this.transport === 'tcp'
        ? new RetransmitSchedule(now, { rto: 500, maxTransmissions: 1, lastWaitFactor: 79 })
        : new RetransmitSchedule(now, { rto: this.rto });
    this.transactions.set(tidKey(tid), { kind, bytes, schedule, peer: extra.peer, channel: extra.channel, authRetries: extra.authRetries ?? 0 });
    // Keep the attributes needed to rebuild the request after a 401/438.
    this.lastAttrs.set(tidKey(tid), attrs);
    this.queue(bytes);
  }

  private readonly lastAttrs = new Map<string, StunAttributeInput[]>();

  private sendPermission(now: number, p: Permission): void {
    p.pending = true;
    this.requestWithPeer(now, 'permission', p.peer, []);
  }

  private sendChannelBind(now: number, c: Channel): void {
    c.pending = true;
    this.requestWithPeer(now, 'channel', c.peer, [{ type: StunAttr.CHANNEL_NUMBER, value: encodeChannelNumber(c.channel) }], c.channel);
  }

  /** Requests that carry XOR-PEER-ADDRESS, whose encoding depends on the transaction ID. */
  private requestWithPeer(now: number, kind: TxKind, peer: TransportAddress, attrs: StunAttributeInput[], channel?: number): void {
    const method = kind === 'permission' ? StunMethod.createPermission : StunMethod.channelBind;
    const tid = newTransactionId();
    const base: StunAttributeInput[] = [...attrs, { type: StunAttr.XOR_PEER_ADDRESS, value: encodeXorAddress(peer, tid) }];
    const all = [...base];
    if (this.software) all.push({ type: StunAttr.SOFTWARE, value: encodeText(this.software) });
    if (this.key && this.realm !== undefined && this.nonce !== undefined) {
      all.push(
        { type: StunAttr.USERNAME, value: encodeText(this.username) },
        { type: StunAttr.REALM, value: encodeText(this.realm) },
        { type: StunAttr.NONCE, value: encodeText(this.nonce) },
      );
    }
    const bytes = encodeStunMessage(method, StunClass.request, tid, all, { integrityKey: this.key });
    const schedule =
      this.transport === 'tcp'
        ? new RetransmitSchedule(now, { rto: 500, maxTransmissions: 1, lastWaitFactor: 79 })
        : new RetransmitSchedule(now, { rto: this.rto });
    this.transactions.set(tidKey(tid), { kind, bytes, schedule, peer, channel, authRetries: 0 });
    this.queue(bytes);
  }

  private handleFrame(now: number, b: Uint8Array): void {
    this.stats.packetsReceived++;
    if (isChannelData(b)) {
      const cd = decodeChannelData(b);
      const ch = cd && this.channelsByNumber.get(cd.channel);
      if (!cd || !ch) {
        this.stats.unknownChannelDropped++;
        return;
      }
      this.emit({ type: 'data', peer: ch.peer, data: cd.data });
      return;
    }
    if (!isStunMessage(b)) {
      this.stats.malformedDropped++;
      return;
    }
    let m: StunMessage;
    try {
      m = decodeStunMessage(b);
    } catch {
      this.stats.malformedDropped++;
      return;
    }
    if (m.cls === StunClass.indication) {
      if (m.method !== StunMethod.data) return;
      // RFC 8656 §10.4: Data indication with XOR-PEER-ADDRESS and DATA.
      const pa = getAttribute(m, StunAttr.XOR_PEER_ADDRESS);
      const data = getAttribute(m, StunAttr.DATA);
      if (!pa || !data) {
        this.stats.malformedDropped++;
        return;
      }
      try {
        this.emit({ type: 'data', peer: decodeXorAddress(pa, m.transactionId), data });
      } catch {
        this.stats.malformedDropped++;
      }
      return;
    }
    if (m.cls === StunClass.request) {
      this.stats.malformedDropped++;
      return;
    }
    const key = tidKey(m.transactionId);
    const tx = this.transactions.get(key);
    if (!tx) {
      this.stats.unknownTransactions++;
      return;
    }
    // RFC 8489 §9.2.5: once we hold a key, responses must carry valid integrity — except the
    // 401/438 challenges, which the server cannot sign with a nonce we do not have yet.
    if (this.key && m.cls === StunClass.success && !checkIntegrity(m, this.key)) {
      this.stats.integrityFailures++;
      return;
    }
    this.transactions.delete(key);
    const attrs = this.lastAttrs.get(key);
    this.lastAttrs.delete(key);
    if (m.cls === StunClass.error) this.onError(now, m, tx, attrs ?? []);
    else this.onSuccess(now, m, tx);
  }

  private onError(now: number, m: StunMessage, tx: Transaction, attrs: StunAttributeInput[]): void {
    let code = 0;
    let reason = '';
    try {
      const ec = getAttribute(m, StunAttr.ERROR_CODE);
      if (ec) ({ code, reason } = decodeErrorCode(ec));
    } catch {
      this.stats.malformedDropped++;
    }
    if ((code === 401 || code === 438) && tx.authRetries < 3) {
      const realm = getAttribute(m, StunAttr.REALM);
      const nonce = getAttribute(m, StunAttr.NONCE);
      const hadKey = this.key !== undefined;
      if (nonce && (realm || this.realm !== undefined)) {
        try {
          if (realm) this.realm = decodeText(realm);
          this.nonce = decodeText(nonce);
        } catch {
          this.stats.malformedDropped++;
          return;
        }
        // A 401 after we already authenticated means the credentials are wrong (§9.2.5),
        // unless it is the first challenge; 438 only renews the nonce.
        if (code === 401 && hadKey && tx.authRetries > 0) {
          this.failRequest(tx, 'TURN_AUTH_FAILED', code, reason || 'Unauthorized');
          return;
        }
        if (code === 438) this.stats.staleNonces++;
        this.key = longTermKey(this.username, this.realm!, this.password);
        this.retry(now, tx, attrs);
        return;
      }
    }
    this.failRequest(tx, code === 401 ? 'TURN_AUTH_FAILED' : 'TURN_ALLOCATE_FAILED', code, reason);
  }

  private retry(now: number, tx: Transaction, attrs: StunAttributeInput[]): void {
    if (tx.kind === 'permission' || tx.kind === 'channel') {
      const before = this.transactions.size;
      if (tx.kind === 'permission') this.requestWithPeer(now, 'permission', tx.peer!, []);
      else this.requestWithPeer(now, 'channel', tx.peer!, [{ type: StunAttr.CHANNEL_NUMBER, value: encodeChannelNumber(tx.channel!) }], tx.channel);
      if (this.transactions.size > before) [...this.transactions.values()].at(-1)!.authRetries = tx.authRetries + 1;
      return;
    }
    this.request(now, tx.kind, attrs, { authRetries: tx.authRetries + 1 });
  }

  private failRequest(tx: Transaction, code: TurnError['code'], errorCode: number, reason: string): void {
    if (tx.kind === 'allocate') {
      this.fail(code, `Allocate failed: ${errorCode} ${reason}`, errorCode);
    } else if (tx.kind === 'deallocate') {
      this.finishClose();
    } else if (tx.kind === 'refresh') {
      this.fail(code, `Refresh failed: ${errorCode} ${reason}`, errorCode);
    } else if (tx.kind === 'permission' && tx.peer) {
      this.permissions.delete(tx.peer.address);
    } else if (tx.kind === 'channel' && tx.peer) {
      const ch = this.channelsByPeer.get(addressKey(tx.peer));
      if (ch) ch.pending = false;
    }
  }

  private onSuccess(now: number, m: StunMessage, tx: Transaction): void {
    switch (tx.kind) {
      case 'allocate': {
        const ra = getAttribute(m, StunAttr.XOR_RELAYED_ADDRESS);
        if (!ra) {
          this.fail('TURN_ALLOCATE_FAILED', 'Allocate success without XOR-RELAYED-ADDRESS');
          return;
        }
        try {
          this.relayed = decodeXorAddress(ra, m.transactionId);
          const ma = getAttribute(m, StunAttr.XOR_MAPPED_ADDRESS);
          if (ma) this.mapped = decodeXorAddress(ma, m.transactionId);
        } catch {
          this.fail('TURN_ALLOCATE_FAILED', 'Allocate success with a malformed address');
          return;
        }
        const lifetime = this.readLifetime(m);
        this.state = 'allocated';
        this.scheduleRefresh(now, lifetime);
        this.emit({ type: 'allocated', relayed: this.relayed, mapped: this.mapped, lifetime });
        for (const p of this.permissions.values()) this.sendPermission(now, p);
        for (const c of this.channelsByPeer.values()) this.sendChannelBind(now, c);
        return;
      }
      case 'refresh': {
        const lifetime = this.readLifetime(m);
        this.scheduleRefresh(now, lifetime);
        this.emit({ type: 'refreshed', lifetime });
        return;
      }
      case 'deallocate':
        this.finishClose();
        return;
      case 'permission': {
        const p = tx.peer && this.permissions.get(tx.peer.address);
        if (!p) return;
        const first = !p.active;
        p.active = true;
        p.pending = false;
        p.refreshAt = now + PERMISSION_REFRESH_MS;
        if (first) this.emit({ type: 'permission', peer: p.peer });
        return;
      }
      case 'channel': {
        const c = tx.peer && this.channelsByPeer.get(addressKey(tx.peer));
        if (!c) return;
        const first = !c.active;
        c.active = true;
        c.pending = false;
        c.refreshAt = now + CHANNEL_REFRESH_MS;
        // RFC 8656 §11.2: a channel binding also installs/refreshes the permission.
        const p = this.permissions.get(c.peer.address);
        if (p) {
          p.active = true;
          p.refreshAt = Math.max(p.refreshAt === Number.POSITIVE_INFINITY ? 0 : p.refreshAt, now + PERMISSION_REFRESH_MS);
        }
        if (first) this.emit({ type: 'channel', peer: c.peer, channel: c.channel });
        return;
      }
    }
  }

  private readLifetime(m: StunMessage): number {
    const v = getAttribute(m, StunAttr.LIFETIME);
    try {
      return v ? decodeU32(v) : this.lifetime;
    } catch {
      return this.lifetime;
    }
  }

  private scheduleRefresh(now: number, lifetimeSec: number): void {
    // Refresh a minute before expiry, or at half-life for short allocations (RFC 8656 §8).
    const ms = lifetimeSec * 1000;
    this.refreshAt = now + (ms > 120_000 ? ms - 60_000 : ms / 2);
  }

  private onTransactionTimeout(_now: number, tx: Transaction): void {
    this.failRequest(tx, 'TURN_TIMEOUT', 0, 'no response from the TURN server');
  }

  private fail(code: TurnError['code'], reason: string, errorCode?: number): void {
    if (this.state === 'failed' || this.state === 'closed') return;
    this.state = 'failed';
    this.transactions.clear();
    this.lastAttrs.clear();
    this.emit({ type: 'failed', code, errorCode, reason });
  }

  private finishClose(): void {
    this.state = 'closed';
    this.transactions.clear();
    this.emit({ type: 'closed' });
  }
}
