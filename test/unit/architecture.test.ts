import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

// DESIGN.md "Sans-IO engines" and "Runtimes": only src/runtime/ may touch sockets,
// timers, the clock or Node's own modules. Everything else uses web-standard globals.
const SRC = join(__dirname, '..', '..', 'src');
const ALLOWED_DIRS = ['runtime'];
// The W3C facade owns the one timer per connection through the runtime driver, so it
// is not allowed timers either: it asks src/runtime/driver.ts.
const FORBIDDEN: [RegExp, string][] = [
  [/\bfrom\s+['"]node:/, 'imports a node: module'],
  [/\brequire\(\s*['"]node:/, 'requires a node: module'],
  [/\bfrom\s+['"](fs|net|dgram|crypto|os|path|child_process|timers)['"]/, 'imports a Node built-in'],
  [/\bBuffer\b/, 'uses Buffer'],
  [/\bsetTimeout\b/, 'uses setTimeout'],
  [/\bsetInterval\b/, 'uses setInterval'],
  [/\bDate\.now\b/, 'uses Date.now'],
];

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
  });
}

function stripComments(code: string): string {
  return code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
}

describe('architecture: sans-IO code stays free of runtime APIs', () => {
  const files = walk(SRC).filter((f) => !ALLOWED_DIRS.includes(relative(SRC, f).split(/[\\/]/)[0]));

  it('finds the source tree', () => {
    expect(files.length).toBeGreaterThan(3);
  });

  it('no engine or facade file uses node:, Buffer, timers or Date.now', () => {
    const violations: string[] = [];
    for (const f of files) {
      const code = stripComments(readFileSync(f, 'utf8'));
      for (const [re, what] of FORBIDDEN) if (re.test(code)) violations.push(`${relative(SRC, f)} ${what}`);
    }
    expect(violations).toEqual([]);
  });

  it('the WebAssembly loader is used only in src/wasm/instance.ts', () => {
    const users = walk(SRC)
      .filter((f) => /@assemblyscript\/loader/.test(stripComments(readFileSync(f, 'utf8'))))
      .map((f) => relative(SRC, f));
    expect(users).toEqual([join('wasm', 'instance.ts')]);
  });
});
