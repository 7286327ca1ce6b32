// npm run bench: runs every bench/*.bench.ts (or those named on the command line),
// prints each section and writes them all to bench/RESULTS.md.
import { readdirSync, writeFileSync } from 'node:fs';
import { arch, cpus, platform } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BenchSection } from './harness.js';

const dir = import.meta.dirname;
const only = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .sort();

const sections: BenchSection[] = [];
for (const f of files) {
  const mod = (await import(pathToFileURL(join(dir, f)).href)) as { run: () => Promise<BenchSection> };
  const section = await mod.run();
  console.log(`\n## ${section.title}\n\n${section.lines.join('\n')}`);
  sections.push(section);
}

const header = [
  '# Benchmark results',
  '',
  `Written by \`npm run bench\` on ${new Date().toISOString()} — Node ${process.version}, ${platform()} ${arch()}, ${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}.`,
  'Ratios are against the first row of each table.',
  '',
];
if (only.length === 0) {
  writeFileSync(join(dir, 'RESULTS.md'), header.concat(sections.flatMap((s) => [`## ${s.title}`, '', ...s.lines, ''])).join('\n'));
  console.log('\nwrote bench/RESULTS.md');
}
// Native peers (node-datachannel) keep threads and handles alive after their benches.
process.exit(0);
