// The Chromium page side of chromium-datachannel-scenarios.run.ts, and the deterministic
// message generators both sides share. The page script is plain JavaScript injected as
// written (no transpiler helpers); its generators mirror seqMessage() and bulkChunk()
// below byte for byte, so each side can check what the other sent without shipping it.
import { PAGE_SIGNALLING } from './chromium-harness';

/** The scenarios' sizes: messages each way in order, bytes of the bulk transfer, small messages, channels at once. */
export const SEQ_COUNT = 1000;
export const BULK_BYTES = 16 * 1024 * 1024;
export const SMALL_COUNT = 50;
export const MANY_CHANNELS = 100;

/** A data channel's attributes as each side reports them. */
export interface ChannelInfo {
  label: string;
  id: number | null;
  ordered: boolean;
  maxRetransmits: number | null;
  maxPacketLifeTime: number | null;
  negotiated: boolean;
  protocol: string;
  readyState: string;
}

/** Message i of the 1000-message scenario, sent by `side` ('o' = omnirtc, 'c' = Chromium). */
export function seqMessage(i: number, side: string): string {
  const len = (i * 131) % 1500;
  let body = '';
  for (let k = 0; k < len; k++) body += String.fromCharCode(97 + ((i + k) % 26));
  return `${side}:${i}:${body}`;
}

/** Chunk k of a bulk transfer: xorshift32 bytes seeded by the chunk index and direction. */
export function bulkChunk(k: number, size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = (Math.imul(k + 1, 2654435761) ^ seed) >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

/** Seeds of the two bulk directions. */
export const SEED_FROM_OMNI = 0x0a11ce;
export const SEED_FROM_CHROME = 0x0b0b;

export const DC_PAGE_SCRIPT = `
window.pc = new RTCPeerConnection();
// Every channel (created here or announced by the peer) is kept per label, in creation
// order, and collects its messages from the first task on, so nothing sent right after
// 'open' can be missed.
window.chans = {};
window.track = function (dc) {
  dc.binaryType = 'arraybuffer';
  dc.got = [];
  dc.gotBytes = 0;
  dc.closedSeen = false;
  dc.onmessage = function (e) {
    dc.got.push(e.data);
    dc.gotBytes += typeof e.data === 'string' ? e.data.length : e.data.byteLength;
  };
  dc.addEventListener('close', function () { dc.closedSeen = true; });
  (window.chans[dc.label] = window.chans[dc.label] || []).push(dc);
  return dc;
};
window.pc.ondatachannel = function (e) { window.track(e.channel); };
${PAGE_SIGNALLING}window.until = function (cond, ms, what) {
  return new Promise(function (resolve, reject) {
    var t0 = Date.now();
    (function poll() {
      var v;
      try { v = cond(); } catch (e) { return reject(e); }
      if (v) return resolve(v);
      if (Date.now() - t0 > ms) return reject(new Error('page timed out: ' + what));
      setTimeout(poll, 5);
    })();
  });
};
/** The nth channel with this label once it is open. */
window.openChannel = function (label, nth) {
  return window.until(function () {
    var list = window.chans[label];
    var dc = list && list[nth];
    return dc && dc.readyState === 'open' ? dc : null;
  }, 15000, 'channel ' + label + '#' + nth + ' open');
};
window.describe = function (dc) {
  return { label: dc.label, id: dc.id, ordered: dc.ordered, maxRetransmits: dc.maxRetransmits, maxPacketLifeTime: dc.maxPacketLifeTime, negotiated: dc.negotiated, protocol: dc.protocol, readyState: dc.readyState };
};
window.create = function (label, init) {
  window.track(window.pc.createDataChannel(label, init));
};
window.seqMessage = function (i, side) {
  var len = (i * 131) % 1500;
  var body = '';
  for (var k = 0; k < len; k++) body += String.fromCharCode(97 + ((i + k) % 26));
  return side + ':' + i + ':' + body;
};
window.sendSeq = function (dc, n, side) {
  for (var i = 0; i < n; i++) dc.send(window.seqMessage(i, side));
};
/** Waits for n messages and checks each against seqMessage(i, side), in order. */
window.checkSeq = async function (dc, n, side, ms) {
  await window.until(function () { return dc.got.length >= n; }, ms, dc.label + ': ' + n + ' messages (have ' + dc.got.length + ')');
  var bad = -1;
  for (var i = 0; i < n; i++) if (dc.got[i] !== window.seqMessage(i, side)) { bad = i; break; }
  return { received: dc.got.length, firstBad: bad };
};
window.bulkChunk = function (k, size, seed) {
  var out = new Uint8Array(size);
  var x = (Math.imul(k + 1, 2654435761) ^ seed) >>> 0 || 1;
  for (var i = 0; i < size; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
};
window.hex = function (buf) {
  return Array.from(new Uint8Array(buf)).map(function (b) { return (b < 16 ? '0' : '') + b.toString(16); }).join('');
};
/**
 * Sends total bytes in chunks, keeping bufferedAmount under a bound with
 * bufferedamountlow (W3C §6.2); resolves, once all of it left the buffer, with the
 * number of times it waited for that event.
 */
window.sendBulk = async function (dc, total, chunk, seed) {
  dc.bufferedAmountLowThreshold = 1 << 20;
  var high = 4 << 20;
  var lowWaits = 0;
  for (var k = 0, sent = 0; sent < total; k++) {
    var size = Math.min(chunk, total - sent);
    if (dc.bufferedAmount > high) {
      await new Promise(function (r) { dc.addEventListener('bufferedamountlow', r, { once: true }); });
      lowWaits++;
    }
    dc.send(window.bulkChunk(k, size, seed));
    sent += size;
  }
  await window.until(function () { return dc.bufferedAmount === 0; }, 60000, dc.label + ': send buffer drained');
  return lowWaits;
};
/** Waits for total bytes and returns their SHA-256 and the message sizes seen. */
window.receiveBulk = async function (dc, total, ms) {
  await window.until(function () { return dc.gotBytes >= total; }, ms, dc.label + ': ' + total + ' bytes (have ' + dc.gotBytes + ')');
  var all = new Uint8Array(dc.gotBytes);
  var off = 0;
  var largest = 0;
  for (var i = 0; i < dc.got.length; i++) {
    var part = new Uint8Array(dc.got[i]);
    all.set(part, off);
    off += part.length;
    if (part.length > largest) largest = part.length;
  }
  var digest = await crypto.subtle.digest('SHA-256', all);
  dc.got = [];
  return { bytes: all.length, messages: i, largest: largest, sha256: window.hex(digest) };
};
`;
