// What every runtime runs with its own adapter for TURN over TLS (turns:, RFC 7065): a TLS
// connection to coturn's TLS listener on 127.0.0.1, verified for "localhost" against the
// test CA, then an ICE agent's TURN Allocate over it until the relayed candidate appears;
// and a connection trusting only an unrelated CA, which must be refused. Only 127.0.0.1 is
// addressed. Prints one "ok …" line.
export async function allocateOverTls(adapter, ice) {
  const env = (k) => (globalThis.Deno ? globalThis.Deno.env.get(k) : process.env[k]);
  const exit = (code) => (globalThis.Deno ? globalThis.Deno.exit : process.exit)(code);
  const watchdog = setTimeout(() => {
    console.error('timeout after 15 s');
    exit(1);
  }, 15000);
  const port = Number(env('TURNS_PORT'));
  const ca = env('TURNS_CA_PEM');
  const otherCa = env('TURNS_OTHER_CA_PEM');
  const server = { address: '127.0.0.1', port, family: 4 };

  // 1. Verification: the right CA and a name the certificate carries (DNS:localhost,
  // IP:127.0.0.1) pass; an unrelated CA, or a name it does not carry, is refused.
  const verdict = async (serverName, caCertificates) => {
    try {
      const c = await adapter.connectTcp({ ...server, onData: () => {}, tls: { serverName, caCertificates } });
      await c.close();
      return 'accepted';
    } catch {
      return 'refused';
    }
  };
  const checks = [
    `ip=${await verdict('127.0.0.1', [ca])}`,
    `untrusted=${await verdict('localhost', [otherCa])}`,
    `wrongname=${await verdict('turn.example.com', [ca])}`,
  ].join(' ');

  // 2. Trusted: an Allocate through an ICE agent (relay only, no UDP socket at all).
  const agent = new ice.IceAgent({ controlling: true, transportPolicy: 'relay' });
  const t0 = performance.now();
  const now = () => performance.now() - t0;
  let relay;
  let done;
  const finished = new Promise((r) => (done = r));
  const pump = () => {
    for (let t = agent.pollTransmit(); t; t = agent.pollTransmit()) conn.write(t.bytes);
    for (let e = agent.pollEvent(); e; e = agent.pollEvent()) {
      if (e.type === 'candidate' && e.candidate.type === 'relay') relay = e.candidate;
      if (e.type === 'turn-error') done(`turn-error ${e.reason}`);
    }
    if (relay) done('relay');
  };
  const conn = await adapter.connectTcp({
    ...server,
    onData: (bytes) => {
      agent.handleInput(now(), bytes, server, 1);
      pump();
    },
    tls: { serverName: 'localhost', caCertificates: [ca] },
  });
  agent.addTurnTcpSocket(now(), 1, { server, username: 'u', password: 'p', transport: 'tls', tlsServerName: 'localhost' });
  agent.gather(now());
  pump();
  const timer = setInterval(() => {
    agent.handleTimeout(now());
    pump();
  }, 20);
  const outcome = await finished;
  clearInterval(timer);
  agent.close(now());
  pump();
  await conn.close();
  clearTimeout(watchdog);
  if (outcome !== 'relay') {
    console.error(outcome);
    exit(1);
  }
  console.log(`ok runtime=${adapter.runtime} ${checks} relay=${relay.type}/${relay.relayProtocol} typePreference=${relay.priority >>> 24} address=${relay.address}`);
}
