// The whole RTCPeerConnection under one runtime: two peers in this process on 127.0.0.1
// (network safety: loopback only), trickle ICE, offer/answer exchanged in process, one data
// channel, a message each way. Prints one line the Jest suite compares; every wait is bounded.

const LIMIT_MS = 20_000;

function within(promise, what) {
  let timer;
  const expired = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing after ${LIMIT_MS} ms`)), LIMIT_MS);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

function connected(pc) {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (pc.connectionState === 'connected') resolve();
      else if (pc.connectionState === 'failed' || pc.connectionState === 'closed') reject(new Error(`connectionState ${pc.connectionState}`));
    };
    pc.addEventListener('connectionstatechange', check);
    check();
  });
}

function nextMessage(channel) {
  return new Promise((resolve) => channel.addEventListener('message', (e) => resolve(e.data), { once: true }));
}

export async function scenario(RTCPeerConnection, runtime) {
  const a = new RTCPeerConnection({ iceAddresses: ['127.0.0.1'] });
  const b = new RTCPeerConnection({ iceAddresses: ['127.0.0.1'] });
  try {
    a.addEventListener('icecandidate', (e) => void b.addIceCandidate(e.candidate).catch(() => undefined));
    b.addEventListener('icecandidate', (e) => void a.addIceCandidate(e.candidate).catch(() => undefined));
    const toB = a.createDataChannel('chat');
    const atB = new Promise((resolve) => b.addEventListener('datachannel', (e) => resolve(e.channel), { once: true }));
    const up = Promise.all([connected(a), connected(b)]);
    await a.setLocalDescription(await a.createOffer());
    await b.setRemoteDescription(a.localDescription);
    await b.setLocalDescription(await b.createAnswer());
    await a.setRemoteDescription(b.localDescription);
    await within(up, 'connected');
    const opened = toB.readyState === 'open' ? Promise.resolve() : new Promise((resolve) => toB.addEventListener('open', resolve, { once: true }));
    await within(opened, 'data channel open at the offerer');
    const fromA = await within(atB, 'datachannel event at the answerer');
    const gotAtB = nextMessage(fromA);
    toB.send(`ping from ${runtime}`);
    const first = await within(gotAtB, 'message a → b');
    const gotAtA = nextMessage(toB);
    fromA.send(`pong to ${first}`);
    const second = await within(gotAtA, 'message b → a');
    const pair = [...(await a.getStats()).values()].find((s) => s.type === 'candidate-pair' && s.nominated);
    console.log(`ok runtime=${runtime} state=${a.connectionState}/${b.connectionState} label=${fromA.label} a→b=${first} b→a=${second} pair=${pair ? 'nominated' : 'none'}`);
  } finally {
    a.close();
    b.close();
  }
}

export function runtimeName() {
  if (typeof globalThis.Bun !== 'undefined') return 'bun';
  if (typeof globalThis.Deno !== 'undefined') return 'deno';
  return 'node';
}
