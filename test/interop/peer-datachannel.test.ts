import { spawnInNamespace } from './chromium-harness';

// omnirtc ↔ werift, node-datachannel and @roamhq/wrtc (libwebrtc) data channels, each
// role, inside a lo-only network namespace (peer-datachannel.run.ts).
interface PeerResult {
  error?: string;
  connectionState: string;
  peerGot: string[];
  echoes: string[];
}

jest.setTimeout(60000);

const EXPECTED = ['hello', 'world', 'binary:65536'];

describe.each(['werift', 'node-datachannel', 'wrtc'])('data channel interop with %s', (peer) => {
  it.each(['omnirtc-offers', 'peer-offers'])('%s: messages both ways, text and 64 KiB binary', async (role) => {
    const r = (await spawnInNamespace('peer-datachannel.run.ts', [peer, role], 50000)) as PeerResult;
    expect(r.error).toBeUndefined();
    expect(r.connectionState).toBe('connected');
    expect(r.peerGot).toEqual(EXPECTED);
    expect(r.echoes).toEqual(EXPECTED);
  });
});
