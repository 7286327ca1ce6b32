// The scenario every runtime runs with its own adapter: one datagram each way between two
// UDP sockets on 127.0.0.1, then two ICE agents connecting over loopback and exchanging
// application data. Only 127.0.0.1 is bound or addressed. Prints one "ok …" line.
export async function scenario(adapter, ice, rt) {
  const watchdog = setTimeout(() => {
    console.error('timeout after 15 s');
    (globalThis.Deno ? globalThis.Deno.exit : process.exit)(1);
  }, 15000);
  // 1. Plain datagrams through the adapter.
  let gotPing;
  let gotPong;
  const pong = new Promise((r) => (gotPong = r));
  const ping = new Promise((r) => (gotPing = r));
  let b;
  const a = await adapter.bindUdp({ address: '127.0.0.1', port: 0, onMessage: (bytes) => gotPong(new TextDecoder().decode(bytes)) });
  b = await adapter.bindUdp({
    address: '127.0.0.1',
    port: 0,
    onMessage: (bytes, from) => {
      gotPing(new TextDecoder().decode(bytes));
      b.send(new TextEncoder().encode('pong'), from);
    },
  });
  a.send(new TextEncoder().encode('ping'), b.localAddress);
  const udp = `${await ping}/${await pong}`;
  await a.close();
  await b.close();

  // 2. TCP (the TURN-over-TCP path) to the echo server the test runs on 127.0.0.1.
  const echoPort = Number(globalThis.Deno ? globalThis.Deno.env.get('TCP_ECHO_PORT') : process.env.TCP_ECHO_PORT);
  let echoed;
  const echo = new Promise((r) => (echoed = r));
  let got = '';
  const conn = await adapter.connectTcp({
    address: '127.0.0.1',
    port: echoPort,
    onData: (bytes) => {
      got += new TextDecoder().decode(bytes);
      if (got.length >= 8) echoed(got);
    },
  });
  conn.write(new TextEncoder().encode('tcp-'));
  conn.write(new TextEncoder().encode('ping'));
  const tcp = await echo;
  await conn.close();

  // 3. Two ICE agents over real loopback UDP.
  const agents = [new ice.IceAgent({ controlling: true }), new ice.IceAgent({ controlling: false })];
  const runners = [];
  const received = [[], []];
  const connected = [false, false];
  let settle;
  const done = new Promise((r) => (settle = r));
  const check = () => {
    if (connected[0] && connected[1] && received[0].length && received[1].length) settle();
  };
  for (const i of [0, 1]) {
    runners[i] = await rt.IceRunner.start(agents[i], {
      adapter,
      addresses: ['127.0.0.1'],
      onEvent: (e) => {
        const peer = runners[1 - i];
        if (e.type === 'candidate' && peer) peer.update((ag) => ag.addRemoteCandidate(e.candidate));
        if (e.type === 'state' && (e.state === 'connected' || e.state === 'completed') && !connected[i]) {
          connected[i] = true;
          runners[i].send(new TextEncoder().encode(`hello from ${i}`));
        }
        if (e.type === 'data') {
          received[i].push(new TextDecoder().decode(e.data));
          check();
        }
      },
    });
  }
  // Signal both ways once both exist (candidates gathered before the peer existed are added here).
  for (const i of [0, 1]) {
    const from = agents[1 - i];
    runners[i].update((ag) => {
      ag.setRemoteCredentials(from.localUfrag, from.localPwd);
      for (const c of from.localCandidates) ag.addRemoteCandidate(c);
      ag.addRemoteCandidate(null);
    });
  }
  await done;
  for (const r of runners) await r.close();
  clearTimeout(watchdog);
  console.log(`ok runtime=${adapter.runtime} udp=${udp} tcp=${tcp} ice=${received[0][0]}|${received[1][0]}`);
}
