// npm run bench: runs every bench/*.bench.ts (or those named on the command line), each in
// its own process (a section's peers, native threads and timers must not load the next one),
// prints each section and writes them all to bench/RESULTS.md.
import { spawn } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { arch, cpus, platform } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BenchSection } from './harness.js';

const dir = import.meta.dirname;
const ONE = 'OMNIRTC_BENCH_ONE';
const SECTION_MARK = '@@bench-section@@ ';

/** The child: runs one bench file and prints its section as one marked JSON line. */
async function runOne(file: string): Promise<never> {
  const mod = (await import(pathToFileURL(join(dir, file)).href)) as { run: () => Promise<BenchSection> };
  const section = await mod.run();
  process.stdout.write(`${SECTION_MARK}${JSON.stringify(section)}\n`, () => process.exit(0));
  return new Promise<never>(() => {});
}

/** Runs `file` in a fresh tsx process (bounded: 15 min) and returns its section. */
function runInChild(file: string): Promise<BenchSection> {
  return new Promise((resolve, reject) => {
    const tsx = join(dir, '..', 'node_modules', '.bin', 'tsx');
    const child = spawn(tsx, [join(dir, 'index.ts')], { env: { ...process.env, [ONE]: file }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 15 * 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith(SECTION_MARK));
      if (!line) return reject(new Error(`bench/${file} printed no section (exit ${code})`));
      resolve(JSON.parse(line.slice(SECTION_MARK.length)) as BenchSection);
    });
  });
}

const oneFile = process.env[ONE];
if (oneFile) await runOne(oneFile);

const only = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .sort();

const sections: BenchSection[] = [];
for (const f of files) {
  const section = await runInChild(f);
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
