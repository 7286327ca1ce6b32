// Headless Chromium for interop runs (DESIGN.md "Real peers"): the page is served from
// http://127.0.0.1:PORT so that, inside a lo-only namespace, Chromium gathers 127.0.0.1
// candidates. Run only inside `unshare -n` (see spawnInNamespace).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type Browser, type Page, chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export interface ChromiumSession {
  page: Page;
  close(): Promise<void>;
}

export async function openChromium(): Promise<ChromiumSession> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>omnirtc interop</title>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--use-fake-device-for-media-stream',
        '--use-fake-ui-for-media-stream',
        '--allow-loopback-in-peer-connection',
        // Received audio is only counted (totalSamplesReceived) when an element plays it.
        '--autoplay-policy=no-user-gesture-required',
      ],
    });
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/`);
    const b = browser;
    return {
      page,
      close: async () => {
        await b.close();
        server.close();
      },
    };
  } catch (e) {
    await browser?.close();
    server.close();
    throw e;
  }
}

/**
 * Page-side signalling (plain JavaScript, injected as written; needs `window.pc`):
 * `window.gathered()` resolves once ICE gathering is complete, `window.answer(sdp)` applies an
 * offer and resolves with the full answer (no trickle: candidates are in the description).
 */
export const PAGE_SIGNALLING = `
window.gathered = function () {
  return new Promise(function (r) {
    if (window.pc.iceGatheringState === 'complete') r();
    window.pc.addEventListener('icegatheringstatechange', function () { if (window.pc.iceGatheringState === 'complete') r(); });
  });
};
window.answer = async function (sdp) {
  await window.pc.setRemoteDescription({ type: 'offer', sdp: sdp });
  await window.pc.setLocalDescription();
  await window.gathered();
  return window.pc.localDescription.sdp;
};
`;

/** Chromium's full answer to `offer` (the page holds PAGE_SIGNALLING). */
export function chromeAnswer(page: Page, offer: string): Promise<string> {
  return page.evaluate((sdp) => (window as unknown as { answer: (s: string) => Promise<string> }).answer(sdp), offer);
}

/** Chromium's page connection applies omnirtc's answer `sdp`. */
export async function chromeApplyAnswer(page: Page, sdp: string): Promise<void> {
  await page.evaluate((answer) => (window as unknown as { pc: RTCPeerConnection }).pc.setRemoteDescription({ type: 'answer', sdp: answer }), sdp);
}

/**
 * Runs `script` (a .ts file under test/interop) with tsx inside a new network namespace
 * with only `lo` up, and returns its last stdout line parsed as JSON. Fails with a message
 * naming what is missing when a piece is absent.
 */
export function spawnInNamespace(script: string, args: string[], timeoutMs: number): Promise<unknown> {
  if (!existsSync(CHROMIUM)) return Promise.reject(new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium`));
  return runInNamespace(script, args, timeoutMs);
}

/**
 * Runs `script` (a .ts file under test/interop) with tsx inside a new network namespace after
 * the shell commands `setup` (run in that namespace; whatever they change vanishes with it),
 * and returns its last stdout line parsed as JSON.
 */
export function runInNamespace(script: string, args: string[], timeoutMs: number, setup = 'ip link set lo up'): Promise<unknown> {
  const root = join(__dirname, '..', '..');
  const tsx = join(root, 'node_modules', '.bin', 'tsx');
  if (!existsSync(tsx)) return Promise.reject(new Error('tsx not found in node_modules/.bin (npm ci)'));
  return new Promise((resolve, reject) => {
    const quoted = [tsx, join(__dirname, script), ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
    const child = spawn('unshare', ['-n', 'sh', '-c', `${setup} && exec ${quoted}`], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot run unshare (util-linux, needs root): ${e.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const last = out.trim().split('\n').pop() ?? '';
      try {
        const parsed = JSON.parse(last) as unknown;
        if (code === 0) resolve(parsed);
        else reject(new Error(`${script} exited ${code}: ${last}\n${err.slice(-3000)}`));
      } catch {
        reject(new Error(`${script} exited ${code} without a JSON result.\nstdout: ${out.slice(-2000)}\nstderr: ${err.slice(-3000)}`));
      }
    });
  });
}
