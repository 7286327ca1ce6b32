// Chromium ↔ omnirtc data channels, run inside a lo-only namespace by
// chromium-datachannel.test.ts. argv[2]: 'chrome-offers' | 'omnirtc-offers'.
import { RTCPeerConnection as OmniPeerConnection, type RTCDataChannel } from '../../src/index';
import { chromeAnswer, chromeApplyAnswer, openChromium, PAGE_SIGNALLING } from './chromium-harness';
import { gathered, runPeerScript, within } from './peer-harness';

const role = process.argv[2] === 'omnirtc-offers' ? 'omnirtc-offers' : 'chrome-offers';

const PAGE_SCRIPT = `
window.pc = new RTCPeerConnection();
window.got = [];
window.wire = function (dc) {
  dc.binaryType = 'arraybuffer';
  dc.onmessage = function (e) {
    var text = typeof e.data === 'string' ? e.data : 'binary:' + new Uint8Array(e.data).length;
    window.got.push(text);
    if (typeof e.data === 'string' && e.data.indexOf('ping:') === 0) dc.send('pong:' + e.data.slice(5));
    if (typeof e.data !== 'string') dc.send(e.data);
  };
};
window.pc.ondatachannel = function (e) { window.wire(e.channel); };
${PAGE_SIGNALLING}`;

async function main(): Promise<void> {
  const chrome = await openChromium();
  const pc = new OmniPeerConnection({ iceAddresses: ['127.0.0.1'] });
  const result: Record<string, unknown> = { role };
  try {
    const page = chrome.page;
    // The page side: one RTCPeerConnection, messages collected in window.got, echo of "ping:*".
    // Plain page script (no transpiler helpers): it runs in Chromium as written.
    await page.addScriptTag({ content: PAGE_SCRIPT });
    let dc: RTCDataChannel;
    if (role === 'omnirtc-offers') {
      dc = pc.createDataChannel('omni', { ordered: true });
      await pc.setLocalDescription();
      await gathered(pc);
      const answer = await chromeAnswer(page, pc.localDescription?.sdp ?? '');
      await pc.setRemoteDescription({ type: 'answer', sdp: answer });
    } else {
      const incoming = new Promise<RTCDataChannel>((resolve) => {
        pc.ondatachannel = (e) => resolve((e as unknown as { channel: RTCDataChannel }).channel);
      });
      const offer = await page.evaluate(async () => {
        const w = window as unknown as { pc: RTCPeerConnection; gathered: () => Promise<void>; wire: (dc: unknown) => void };
        w.wire(w.pc.createDataChannel('chrome'));
        await w.pc.setLocalDescription();
        await w.gathered();
        return w.pc.localDescription?.sdp ?? '';
      });
      await pc.setRemoteDescription({ type: 'offer', sdp: offer });
      await pc.setLocalDescription();
      await gathered(pc);
      await chromeApplyAnswer(page, pc.localDescription?.sdp ?? '');
      dc = await within(incoming, 15000, 'datachannel event from Chromium');
      result.label = dc.label;
    }
    if (dc.readyState !== 'open') await within(new Promise((r) => dc.addEventListener('open', r, { once: true })), 15000, `data channel open (connection ${pc.connectionState})`);
    result.open = true;
    const replies: unknown[] = [];
    dc.addEventListener('message', (e) => replies.push((e as MessageEvent).data));
    for (let i = 0; i < 5; i++) dc.send(`ping:${i}`);
    dc.send(new Uint8Array(100_000).fill(7));
    await within(
      new Promise<void>((resolve) => {
        const t = setInterval(() => {
          if (replies.length >= 6) {
            clearInterval(t);
            resolve();
          }
        }, 20);
      }),
      15000,
      `replies from Chromium (got ${replies.length})`,
    );
    result.replies = replies.map((r) => (typeof r === 'string' ? r : `binary:${(r as ArrayBuffer).byteLength}`));
    result.chromeGot = await page.evaluate(() => (window as unknown as { got: string[] }).got);
    result.chromeState = await page.evaluate(() => (window as unknown as { pc: RTCPeerConnection }).pc.connectionState);
  } finally {
    pc.close();
    await chrome.close();
  }
  console.log(JSON.stringify(result));
}

runPeerScript(main);
