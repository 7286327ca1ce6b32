// A DTMF tone detector for decoded audio (Goertzel filters at the ITU-T Q.23 frequencies), used
// to check that a libwebrtc receiver (Chromium's page, @roamhq/wrtc) plays omnirtc's RFC 4733
// telephone-events out as the right digits. One plain-JavaScript source serves both: injected
// into the page, and instantiated in Node from the same text.

/** Defines `createDtmfDetector()`: `push(monoFloatSamples, sampleRate)`, `detected` (digits in order). */
export const DTMF_DETECTOR_JS = `
function createDtmfDetector() {
  var ROWS = [697, 770, 852, 941], COLS = [1209, 1336, 1477, 1633];
  var KEYS = ['123A', '456B', '789C', '*0#D'];
  function goertzel(x, f, sr) {
    var c = 2 * Math.cos(2 * Math.PI * f / sr), s1 = 0, s2 = 0;
    for (var i = 0; i < x.length; i++) { var s0 = x[i] + c * s1 - s2; s2 = s1; s1 = s0; }
    var p = s1 * s1 + s2 * s2 - c * s1 * s2;
    return 2 * Math.sqrt(Math.max(p, 0)) / x.length; // amplitude of that component
  }
  function best(a) {
    var i = 0;
    for (var j = 1; j < a.length; j++) if (a[j] > a[i]) i = j;
    var next = 0;
    for (var k = 0; k < a.length; k++) if (k !== i && a[k] > next) next = a[k];
    return { i: i, v: a[i], next: next };
  }
  function classify(x, sr) {
    var energy = 0;
    for (var i = 0; i < x.length; i++) energy += x[i] * x[i];
    energy /= x.length;
    if (energy < 1e-6) return null;
    var br = best(ROWS.map(function (f) { return goertzel(x, f, sr); }));
    var bc = best(COLS.map(function (f) { return goertzel(x, f, sr); }));
    // Both tones present, dominant in their group, and carrying most of the signal's power.
    if (br.v < 4 * br.next || bc.v < 4 * bc.next) return null;
    if ((br.v * br.v + bc.v * bc.v) / 2 < 0.5 * energy) return null;
    return KEYS[br.i][bc.i];
  }
  // 20 ms blocks. A digit counts after two blocks in a row, and again only after another
  // digit or three blocks (60 ms) without it: a tone broken by a block or two counts once.
  var block = null, filled = 0, last = null, run = 0, lastReported = null, since = 0;
  var self = { detected: [], push: function (mono, sr) {
    if (!block || block.sr !== sr) { block = new Float32Array(Math.round(sr * 0.02)); block.sr = sr; filled = 0; }
    for (var i = 0; i < mono.length; i++) {
      block[filled++] = mono[i];
      if (filled < block.length) continue;
      filled = 0;
      var key = classify(block, sr);
      if (key === last) run++; else { last = key; run = 1; }
      if (key === lastReported) since = 0; else since++;
      if (key && run >= 2 && (key !== lastReported || since >= 3)) { lastReported = key; since = 0; self.detected.push(key); }
    }
  } };
  return self;
}
`;

export interface DtmfDetector {
  push(mono: ArrayLike<number>, sampleRate: number): void;
  readonly detected: string[];
}

/** The same detector in Node (from DTMF_DETECTOR_JS). */
export function createDtmfDetector(): DtmfDetector {
  return new Function(`${DTMF_DETECTOR_JS}\nreturn createDtmfDetector();`)() as DtmfDetector;
}
