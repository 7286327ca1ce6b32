import { runAiortcScript } from './aiortc-harness';

// omnirtc ↔ aiortc (Debian python3-aiortc) data channels, each role, over a veth pair in a
// network namespace of the test's own (aiortc-datachannel.run.ts, aiortc-peer.py).
interface Received {
  msgsReceived: number;
  msgsInOrder: boolean;
  bulkBytes: number;
  bulkSha256Match: boolean;
}
interface Result {
  error?: string;
  omnirtcReceived: Received & { channels: { label: string; openedByOmnirtc: boolean }[] };
  aiortcReceived: Received & { error?: string };
}

jest.setTimeout(60_000);

describe('data channel interop with aiortc', () => {
  it.each(['omnirtc-offers', 'aiortc-offers'])('%s: 1000 ordered text/binary messages and 2 MiB by SHA-256 each way, a channel opened by each side', async (role) => {
    const r = (await runAiortcScript('aiortc-datachannel.run.ts', [role], 50_000)) as Result;
    expect(r.error).toBeUndefined();
    for (const got of [r.omnirtcReceived, r.aiortcReceived]) {
      expect(got).toMatchObject({ msgsReceived: 1000, msgsInOrder: true, bulkBytes: 2 * 1024 * 1024, bulkSha256Match: true });
    }
    // The offerer opened 'msgs' before the offer, the answerer opened 'bulk' once connected.
    const omnirtcOpened = r.omnirtcReceived.channels.filter((c) => c.openedByOmnirtc).map((c) => c.label);
    expect(omnirtcOpened).toEqual([role === 'omnirtc-offers' ? 'msgs' : 'bulk']);
  });
});
