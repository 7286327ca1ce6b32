// CRC-32 and CRC-32c through the WebAssembly core, against node:zlib's native crc32
// and a plain JavaScript table implementation (what a pure-JS stack does).
import * as zlib from 'node:zlib';
import { crc32, crc32c } from '../src/wasm/core.js';
import { type BenchSection, type Measurement, measure, table } from './harness.js';

function jsTable(poly: number): Uint32Array {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
}
const T32 = jsTable(0xedb88320);
const T32C = jsTable(0x82f63b78);
function jsCrc(t: Uint32Array, data: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = t[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export async function run(): Promise<BenchSection> {
  const lines: string[] = [];
  const zcrc = (zlib as unknown as { crc32?: (d: Uint8Array) => number }).crc32;
  for (const size of [100, 1200]) {
    const data = new Uint8Array(size).map((_, i) => (i * 7) & 0xff);
    const n = 1000;
    const rows: Measurement[] = [];
    if (zcrc) rows.push(measure(`node:zlib crc32 ${size} B`, () => { for (let i = 0; i < n; i++) zcrc(data); return n; }, { bytesPerOp: size }));
    rows.push(measure(`JS table crc32 ${size} B`, () => { for (let i = 0; i < n; i++) jsCrc(T32, data); return n; }, { bytesPerOp: size }));
    rows.push(measure(`omnirtc crc32 ${size} B`, () => { for (let i = 0; i < n; i++) crc32(data); return n; }, { bytesPerOp: size }));
    rows.push(measure(`JS table crc32c ${size} B`, () => { for (let i = 0; i < n; i++) jsCrc(T32C, data); return n; }, { bytesPerOp: size }));
    rows.push(measure(`omnirtc crc32c ${size} B`, () => { for (let i = 0; i < n; i++) crc32c(data); return n; }, { bytesPerOp: size }));
    lines.push(...table(rows), '');
  }
  return { title: 'Checksums (CRC-32 for STUN, CRC-32c for SCTP)', lines };
}
