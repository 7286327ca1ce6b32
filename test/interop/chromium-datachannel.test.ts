import { spawnInNamespace } from './chromium-harness';

// Headless Chromium ↔ omnirtc data channels over real UDP in a lo-only namespace
// (chromium-datachannel.run.ts): each side offers once; text both ways and a 100 kB
// binary message echoed back.
interface DcResult {
  error?: string;
  open: boolean;
  label?: string;
  replies: string[];
  chromeGot: string[];
  chromeState: string;
}

jest.setTimeout(60000);

const SENT = ['ping:0', 'ping:1', 'ping:2', 'ping:3', 'ping:4', 'binary:100000'];
const REPLIES = ['pong:0', 'pong:1', 'pong:2', 'pong:3', 'pong:4', 'binary:100000'];

describe('Chromium interop: data channels', () => {
  it('omnirtc offers a data channel; Chromium answers, receives and replies', async () => {
    const r = (await spawnInNamespace('chromium-datachannel.run.ts', ['omnirtc-offers'], 55000)) as DcResult;
    expect(r.error).toBeUndefined();
    expect(r.open).toBe(true);
    expect(r.chromeGot).toEqual(SENT);
    expect(r.replies).toEqual(REPLIES);
    expect(r.chromeState).toBe('connected');
  });

  it('Chromium offers a data channel; omnirtc gets "datachannel" and talks both ways', async () => {
    const r = (await spawnInNamespace('chromium-datachannel.run.ts', ['chrome-offers'], 55000)) as DcResult;
    expect(r.error).toBeUndefined();
    expect(r.label).toBe('chrome');
    expect(r.chromeGot).toEqual(SENT);
    expect(r.replies).toEqual(REPLIES);
  });
});
