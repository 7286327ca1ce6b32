// Shared measuring code for every bench/*.bench.ts file. Benchmarks are not tests:
// they print numbers and ratios; bench/index.ts collects them into bench/RESULTS.md.
import { performance } from 'node:perf_hooks';

export interface Measurement {
  /** What was measured, e.g. "omnirtc protect 160 B". */
  name: string;
  /** Operations per second. */
  opsPerSec: number;
  /** Optional throughput in bytes per second. */
  bytesPerSec?: number;
}

export interface BenchSection {
  title: string;
  /** Markdown table rows (already formatted), or free text lines. */
  lines: string[];
}

/** Runs fn repeatedly for about `ms` milliseconds after a warm-up; fn returns the op count it did. */
export function measure(name: string, fn: () => number, opts: { ms?: number; bytesPerOp?: number } = {}): Measurement {
  const ms = opts.ms ?? 1000;
  const warmEnd = performance.now() + Math.min(200, ms / 4);
  while (performance.now() < warmEnd) fn();
  let ops = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    ops += fn();
    now = performance.now();
  }
  const opsPerSec = (ops * 1000) / (now - start);
  return { name, opsPerSec, bytesPerSec: opts.bytesPerOp ? opsPerSec * opts.bytesPerOp : undefined };
}

export function fmt(n: number): string {
  if (n >= 1e9) return (n / 1e9).toFixed(2) + ' G';
  if (n >= 1e6) return (n / 1e6).toFixed(2) + ' M';
  if (n >= 1e3) return (n / 1e3).toFixed(1) + ' k';
  return n.toFixed(1);
}

/** A markdown table of measurements with each row's ratio to the first (the baseline). */
export function table(rows: Measurement[], baseline = rows[0]): string[] {
  const out = ['| case | ops/s | MB/s | × baseline |', '|---|---:|---:|---:|'];
  for (const r of rows) {
    const mbs = r.bytesPerSec === undefined ? '' : (r.bytesPerSec / 1e6).toFixed(1);
    out.push(`| ${r.name} | ${fmt(r.opsPerSec)} | ${mbs} | ${(r.opsPerSec / baseline.opsPerSec).toFixed(2)} |`);
  }
  return out;
}
