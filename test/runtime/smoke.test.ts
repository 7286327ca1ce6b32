import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, requireBuiltPackage, runtimeBinary } from './runtimes';

// The built package, imported the way each runtime's users import it, computing
// checksums through the embedded WebAssembly core.
function run(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { cwd: ROOT, encoding: 'utf8', timeout: 60_000 }).trim();
}

const expected = 'ok crc32=cbf43926 crc32c=e3069283';

describe('runtime smoke: the built package under every runtime', () => {
  beforeAll(() => requireBuiltPackage());

  it('Node ESM (import by package name)', () => {
    expect(run(process.execPath, [join('test', 'runtime', 'smoke.mjs')])).toBe(expected);
  });
  it('Node CommonJS (require by package name)', () => {
    expect(run(process.execPath, [join('test', 'runtime', 'smoke.cjs')])).toBe(expected);
  });
  it('Deno', () => {
    const deno = runtimeBinary('deno');
    expect(run(deno, ['run', '--allow-read', '--allow-env', join('test', 'runtime', 'smoke.deno.ts')])).toBe(expected);
  });
  it('Bun', () => {
    const bun = runtimeBinary('bun');
    expect(run(bun, [join('test', 'runtime', 'smoke.mjs')])).toBe(expected);
  });
});
