// A small in-memory TURN server (RFC 8656 subset: Allocate with long-term credentials and
// nonce expiry, Refresh, CreatePermission, ChannelBind, Send/Data indications, ChannelData,
// Binding) for virtual-time simulations over SimNet. Test code only: no sockets, no timers.
import { decodeChannelData, encodeChannelData, isChannelData } from '../../src/ice/index';
import {
  type StunAttributeInput,
  type StunMessage,
  type TransportAddress,
  StunAttr,
  StunClass,
  StunMethod,
  addressKey,
  checkIntegrity,
  decodeStunMessage,
  decodeText,
  decodeXorAddress,
  encodeErrorCode,
  encodeStunMessage,
  encodeText,
  encodeU32,
  encodeXorAddress,
  getAttribute,
  isStunMessage,
  longTermKey,
  newTransactionId,
} from '../../src/stun/index';
import type { Packet, SimNet } from './ice-harness';

interface Allocation {
  client: TransportAddress;
  relay: TransportAddress;
  expiresAt: number;
  permissions: Map<string, number>;
  channels: Map<number, TransportAddress>;
  channelByPeer: Map<string, number>;
}

export class SimTurnServer {
  readonly allocations = new Map<string, Allocation>();
  private readonly byRelay = new Map<string, Allocation>();
  private nonce = 'nonce-1';
  private nonceIssuedAt = 0;
  private nextRelayPort = 50000;
  readonly counts = { allocations: 0, refreshes: 0, permissions: 0, channelBinds: 0, staleNonces: 0, relayed: 0, unauthorised: 0 };
  private readonly key: Uint8Array;

  constructor(
    private readonly net: SimNet,
    readonly address: TransportAddress,
    private readonly relayIp: string,
    private readonly opts: { nonceLifetime?: number; lifetime?: number } = {},
  ) {
    this.key = longTermKey('u', 'sim', 'p');
  }

  /** Use as SimNet.deliverTo: returns false for the packets it consumed. */
  readonly deliver = (p: Packet): boolean => {
    if (addressKey(p.to) === addressKey(this.address)) {
      this.fromClient(p);
      return false;
    }
    const alloc = this.byRelay.get(addressKey(p.to));
    if (alloc) {
      this.fromPeer(alloc, p);
      return false;
    }
    return true;
  };

  private send(from: TransportAddress, to: TransportAddress, bytes: Uint8Array): void {
    this.net.send({ at: 0, from, to, bytes });
  }

  private reply(req: StunMessage, to: TransportAddress, cls: 2 | 3, attrs: StunAttributeInput[], sign: boolean): void {
    this.send(this.address, to, encodeStunMessage(req.method, cls, req.transactionId, attrs, { integrityKey: sign ? this.key : undefined, fingerprint: true }));
  }

  private fromClient(p: Packet): void {
    const now = this.net.now;
    const alloc = this.allocations.get(addressKey(p.from));
    if (isChannelData(p.bytes)) {
      const cd = decodeChannelData(p.bytes);
      const peer = cd && alloc?.channels.get(cd.channel);
      if (alloc && cd && peer) {
        this.counts.relayed++;
        this.send(alloc.relay, peer, cd.data.slice());
      }
      return;
    }
    if (!isStunMessage(p.bytes)) return;
    const m = decodeStunMessage(p.bytes);
    if (m.method === StunMethod.binding && m.cls === StunClass.request) {
      this.reply(m, p.from, 2, [{ type: StunAttr.XOR_MAPPED_ADDRESS, value: encodeXorAddress(p.from, m.transactionId) }], false);
      return;
    }
    if (m.cls === StunClass.indication && m.method === StunMethod.send) {
      const pa = getAttribute(m, StunAttr.XOR_PEER_ADDRESS);
      const data = getAttribute(m, StunAttr.DATA);
      if (!alloc || !pa || !data) return;
      const peer = decodeXorAddress(pa, m.transactionId);
      if ((alloc.permissions.get(peer.address) ?? 0) < now) return;
      this.counts.relayed++;
      this.send(alloc.relay, peer, data.slice());
      return;
    }
    if (m.cls !== StunClass.request) return;
    // Long-term credentials (RFC 8489 §9.2): challenge, then check nonce and integrity.
    if (this.opts.nonceLifetime && now - this.nonceIssuedAt > this.opts.nonceLifetime) {
      this.nonce = `nonce-${Math.floor(now)}`;
      this.nonceIssuedAt = now;
    }
    const nonce = getAttribute(m, StunAttr.NONCE);
    const challenge = (code: number) => [
      { type: StunAttr.ERROR_CODE, value: encodeErrorCode(code, code === 401 ? 'Unauthorized' : 'Stale Nonce') },
      { type: StunAttr.REALM, value: encodeText('sim') },
      { type: StunAttr.NONCE, value: encodeText(this.nonce) },
    ];
    if (!nonce || !getAttribute(m, StunAttr.MESSAGE_INTEGRITY)) {
      this.counts.unauthorised++;
      this.reply(m, p.from, 3, challenge(401), false);
      return;
    }
    if (!checkIntegrity(m, this.key)) {
      this.counts.unauthorised++;
      this.reply(m, p.from, 3, challenge(401), false);
      return;
    }
    if (decodeText(nonce) !== this.nonce) {
      this.counts.staleNonces++;
      this.reply(m, p.from, 3, challenge(438), false);
      return;
    }
    const lifetime = this.opts.lifetime ?? 600;
    switch (m.method) {
      case StunMethod.allocate: {
        let a = alloc;
        if (!a) {
          a = {
            client: p.from,
            relay: { address: this.relayIp, port: this.nextRelayPort++, family: 4 },
            expiresAt: now + lifetime * 1000,
            permissions: new Map(),
            channels: new Map(),
            channelByPeer: new Map(),
          };
          this.allocations.set(addressKey(p.from), a);
          this.byRelay.set(addressKey(a.relay), a);
          this.counts.allocations++;
        }
        this.reply(
          m,
          p.from,
          2,
          [
            { type: StunAttr.XOR_RELAYED_ADDRESS, value: encodeXorAddress(a.relay, m.transactionId) },
            { type: StunAttr.XOR_MAPPED_ADDRESS, value: encodeXorAddress(p.from, m.transactionId) },
            { type: StunAttr.LIFETIME, value: encodeU32(lifetime) },
          ],
          true,
        );
        return;
      }
      case StunMethod.refresh: {
        if (!alloc) {
          this.reply(m, p.from, 3, [{ type: StunAttr.ERROR_CODE, value: encodeErrorCode(437, 'Allocation Mismatch') }], true);
          return;
        }
        const lt = getAttribute(m, StunAttr.LIFETIME);
        const req = lt ? new DataView(lt.buffer, lt.byteOffset).getUint32(0) : lifetime;
        this.counts.refreshes++;
        if (req === 0) {
          this.allocations.delete(addressKey(p.from));
          this.byRelay.delete(addressKey(alloc.relay));
        } else alloc.expiresAt = now + lifetime * 1000;
        this.reply(m, p.from, 2, [{ type: StunAttr.LIFETIME, value: encodeU32(req === 0 ? 0 : lifetime) }], true);
        return;
      }
      case StunMethod.createPermission:
      case StunMethod.channelBind: {
        const pa = getAttribute(m, StunAttr.XOR_PEER_ADDRESS);
        if (!alloc || !pa) return;
        const peer = decodeXorAddress(pa, m.transactionId);
        alloc.permissions.set(peer.address, now + 300_000);
        if (m.method === StunMethod.channelBind) {
          const cn = getAttribute(m, StunAttr.CHANNEL_NUMBER)!;
          const ch = (cn[0] << 8) | cn[1];
          alloc.channels.set(ch, peer);
          alloc.channelByPeer.set(addressKey(peer), ch);
          this.counts.channelBinds++;
        } else this.counts.permissions++;
        this.reply(m, p.from, 2, [], true);
        return;
      }
    }
  }

  private fromPeer(alloc: Allocation, p: Packet): void {
    const now = this.net.now;
    if (alloc.expiresAt < now) return;
    if ((alloc.permissions.get(p.from.address) ?? 0) < now) return;
    this.counts.relayed++;
    const ch = alloc.channelByPeer.get(addressKey(p.from));
    if (ch !== undefined) {
      this.send(this.address, alloc.client, encodeChannelData(ch, p.bytes, false));
      return;
    }
    const tid = newTransactionId();
    this.send(
      this.address,
      alloc.client,
      encodeStunMessage(StunMethod.data, StunClass.indication, tid, [
        { type: StunAttr.XOR_PEER_ADDRESS, value: encodeXorAddress(p.from, tid) },
        { type: StunAttr.DATA, value: p.bytes },
      ]),
    );
  }
}
