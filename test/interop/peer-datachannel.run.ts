// omnirtc ↔ another WebRTC stack in this process (werift, node-datachannel, @roamhq/wrtc),
// run inside a lo-only namespace by peer-datachannel.test.ts.
// argv[2]: 'werift' | 'node-datachannel' | 'wrtc'; argv[3]: 'omnirtc-offers' | 'peer-offers'.
// Both sides exchange full descriptions after gathering; a data channel carries text
// both ways and a 64 KiB binary message. Prints one JSON line.
import { createRequire } from 'node:module';
import { RTCPeerConnection as OmniPeerConnection, type RTCDataChannel } from '../../src/index';
import { gathered, runPeerScript, weriftPeerConnection, within } from './peer-harness';

const require = createRequire(import.meta.url);
const peerName = process.argv[2];
const role = process.argv[3] === 'peer-offers' ? 'peer-offers' : 'omnirtc-offers';

/** The other stack reduced to what this test needs. */
interface Remote {
  /** Applies our offer and returns its answer (or makes an offer when `offer` is null). */
  describe(offer: string | null): Promise<string>;
  applyAnswer(sdp: string): Promise<void>;
  /** Resolves with the first message on its data channel; it echoes every message. */
  firstMessages(n: number): Promise<string[]>;
  close(): void;
}

function collector(): { push(m: string): void; wait(n: number): Promise<string[]> } {
  const got: string[] = [];
  let waiter: { n: number; resolve: (v: string[]) => void } | undefined;
  return {
    push(m) {
      got.push(m);
      if (waiter && got.length >= waiter.n) waiter.resolve(got);
    },
    wait(n) {
      return got.length >= n ? Promise.resolve(got) : new Promise((resolve) => (waiter = { n, resolve }));
    },
  };
}

const asText = (d: unknown): string => (typeof d === 'string' ? d : `binary:${(d as { byteLength: number }).byteLength}`);

/**
 * describe() for the stacks with the W3C API (werift, wrtc): an offer carrying a new 'peer'
 * channel (wired to echo), or the answer to `offer`; the description once `ready` resolves.
 */
// biome-ignore lint/suspicious/noExplicitAny: werift's and wrtc's types are not part of this project
async function describeW3c(pc: any, wire: (dc: any) => void, offer: string | null, ready: () => Promise<void> = async () => undefined): Promise<string> {
  if (offer === null) {
    wire(pc.createDataChannel('peer'));
    await pc.setLocalDescription(await pc.createOffer());
  } else {
    await pc.setRemoteDescription({ type: 'offer', sdp: offer });
    await pc.setLocalDescription(await pc.createAnswer());
  }
  await ready();
  return pc.localDescription.sdp;
}

function weriftRemote(): Remote {
  const pc = weriftPeerConnection();
  const got = collector();
  // biome-ignore lint/suspicious/noExplicitAny: werift data channel
  const wire = (dc: any): void => {
    dc.onMessage.subscribe((m: unknown) => {
      got.push(asText(m));
      dc.send(m);
    });
  };
  // biome-ignore lint/suspicious/noExplicitAny: werift data channel
  pc.onDataChannel.subscribe((dc: any) => wire(dc));
  return {
    describe: (offer) => describeW3c(pc, wire, offer),
    async applyAnswer(sdp) {
      await pc.setRemoteDescription({ type: 'answer', sdp });
    },
    firstMessages: (n) => got.wait(n),
    close: () => void pc.close(),
  };
}

function ndcRemote(): Remote {
  // biome-ignore lint/suspicious/noExplicitAny: node-datachannel's types are not part of this project
  const ndc = require('node-datachannel') as any;
  const pc = new ndc.PeerConnection('peer', { iceServers: [], bindAddress: '127.0.0.1' });
  const got = collector();
  let gatheredResolve: () => void = () => undefined;
  const gathered = new Promise<void>((r) => (gatheredResolve = r));
  pc.onGatheringStateChange((s: string) => s === 'complete' && gatheredResolve());
  // biome-ignore lint/suspicious/noExplicitAny: node-datachannel channel
  const wire = (dc: any): void => {
    dc.onMessage((m: unknown) => {
      got.push(asText(m));
      if (typeof m === 'string') dc.sendMessage(m);
      else dc.sendMessageBinary(m as Uint8Array);
    });
  };
  // biome-ignore lint/suspicious/noExplicitAny: node-datachannel channel
  pc.onDataChannel((dc: any) => wire(dc));
  return {
    async describe(offer) {
      if (offer === null) wire(pc.createDataChannel('peer'));
      else pc.setRemoteDescription(offer, 'offer');
      await gathered;
      return pc.localDescription().sdp;
    },
    async applyAnswer(sdp) {
      pc.setRemoteDescription(sdp, 'answer');
    },
    firstMessages: (n) => got.wait(n),
    close: () => {
      pc.close();
      ndc.cleanup?.();
    },
  };
}

function wrtcRemote(): Remote {
  // biome-ignore lint/suspicious/noExplicitAny: @roamhq/wrtc's types are not part of this project
  const wrtc = require('@roamhq/wrtc') as any;
  const pc = new wrtc.RTCPeerConnection({ iceServers: [] });
  const got = collector();
  const gathered = (): Promise<void> =>
    new Promise((r) => {
      if (pc.iceGatheringState === 'complete') return r();
      pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && r();
    });
  // biome-ignore lint/suspicious/noExplicitAny: wrtc channel
  const wire = (dc: any): void => {
    dc.binaryType = 'arraybuffer';
    dc.onmessage = (e: { data: unknown }) => {
      got.push(asText(e.data));
      dc.send(e.data);
    };
  };
  // biome-ignore lint/suspicious/noExplicitAny: wrtc event
  pc.ondatachannel = (e: any) => wire(e.channel);
  return {
    describe: (offer) => describeW3c(pc, wire, offer, gathered),
    async applyAnswer(sdp) {
      await pc.setRemoteDescription({ type: 'answer', sdp });
    },
    firstMessages: (n) => got.wait(n),
    close: () => pc.close(),
  };
}

async function main(): Promise<void> {
  const makers: Record<string, () => Remote> = { werift: weriftRemote, 'node-datachannel': ndcRemote, wrtc: wrtcRemote };
  const make = makers[peerName];
  if (!make) throw new Error(`unknown peer ${peerName}`);
  const remote = make();
  const pc = new OmniPeerConnection({ iceAddresses: ['127.0.0.1'] });
  const result: Record<string, unknown> = { peer: peerName, role };
  try {
    let dc: RTCDataChannel;
    if (role === 'omnirtc-offers') {
      dc = pc.createDataChannel('omni');
      await pc.setLocalDescription();
      await gathered(pc);
      const answer = await within(remote.describe(pc.localDescription?.sdp ?? ''), 15000, 'peer answer');
      await pc.setRemoteDescription({ type: 'answer', sdp: answer });
    } else {
      const incoming = new Promise<RTCDataChannel>((resolve) => {
        pc.ondatachannel = (e) => resolve((e as unknown as { channel: RTCDataChannel }).channel);
      });
      const offer = await within(remote.describe(null), 15000, 'peer offer');
      await pc.setRemoteDescription({ type: 'offer', sdp: offer });
      await pc.setLocalDescription();
      await gathered(pc);
      await remote.applyAnswer(pc.localDescription?.sdp ?? '');
      dc = await within(incoming, 15000, `datachannel event (connection ${pc.connectionState})`);
    }
    if (dc.readyState !== 'open') await within(new Promise((r) => dc.addEventListener('open', r, { once: true })), 15000, `open (connection ${pc.connectionState})`);
    result.connectionState = pc.connectionState;
    const echoes = collector();
    dc.addEventListener('message', (e) => echoes.push(asText((e as MessageEvent).data)));
    // The first message waits for its echo: some peers (wrtc) dispatch messages that arrive
    // before their app attached onmessage out of order, which is not what this test measures.
    dc.send('hello');
    await within(echoes.wait(1), 15000, 'first echo from the peer');
    dc.send('world');
    dc.send(new Uint8Array(65536).fill(3));
    result.peerGot = await within(remote.firstMessages(3), 15000, 'messages at the peer');
    result.echoes = await within(echoes.wait(3), 15000, 'echoes from the peer');
  } finally {
    pc.close();
    remote.close();
  }
  console.log(JSON.stringify(result));
}

runPeerScript(main);
