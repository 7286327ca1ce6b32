// Shared set-up for omnirtc ↔ aiortc runs (aiortc-*.run.ts): the namespace both peers live
// in, and the python peer (aiortc-peer.py) spawned as a child speaking JSON lines.
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { runInNamespace } from './chromium-harness';

export const PYTHON = '/usr/bin/python3';

/** The python peer; run scripts start in the project root (runInNamespace's cwd). */
const PEER_SCRIPT = join(process.cwd(), 'test', 'interop', 'aiortc-peer.py');

/** The address omnirtc gathers on; aiortc (which skips loopback) sees both veth ends. */
export const OMNIRTC_ADDRESS = '10.99.0.1';

/**
 * Shell commands run inside the fresh namespace `unshare -n` made (DESIGN.md "aiortc"): a
 * veth pair with both ends in it and addresses of our own, no IPv6, so neither peer can
 * gather on or reach the machine's real interfaces.
 */
const NAMESPACE_SETUP = [
  'ip link set lo up',
  'sysctl -qw net.ipv6.conf.all.disable_ipv6=1',
  'sysctl -qw net.ipv6.conf.default.disable_ipv6=1',
  'ip link add va type veth peer name vb',
  'ip addr add 10.99.0.1/24 dev va',
  'ip addr add 10.99.0.2/24 dev vb',
  'ip link set va up',
  'ip link set vb up',
].join(' && ');

/** Why aiortc cannot run here, or undefined when `/usr/bin/python3 -c 'import aiortc'` works. */
export function aiortcMissing(): string | undefined {
  const r = spawnSync(PYTHON, ['-c', 'import aiortc, av, numpy'], { encoding: 'utf8' });
  if (r.error) return `${PYTHON} not found (${r.error.message}): apt-get install -y python3-aiortc`;
  if (r.status !== 0) return `python3-aiortc is not importable by ${PYTHON}: apt-get install -y python3-aiortc\n${r.stderr.slice(-500)}`;
  return undefined;
}

/** Runs `script` (test/interop) in its own namespace with the veth pair; its JSON result. */
export function runAiortcScript(script: string, args: string[], timeoutMs: number): Promise<unknown> {
  const missing = aiortcMissing();
  if (missing) return Promise.reject(new Error(missing));
  return runInNamespace(script, args, timeoutMs, NAMESPACE_SETUP);
}

/** A JSON line from the python peer. */
export interface AiortcMessage {
  type: string;
  sdp?: string;
  error?: string;
  [key: string]: unknown;
}

/** The running python peer: send JSON lines, await the next of a type, kill. */
export interface AiortcPeer {
  send(msg: AiortcMessage): void;
  /** The next line of `type` (a line with `error` rejects). */
  next(type: string): Promise<AiortcMessage>;
  kill(): void;
  stderr(): string;
}

/** Spawns aiortc-peer.py `mode role`; it is SIGKILLed after `deadlineMs` whatever happens. */
export function spawnAiortc(mode: 'datachannel' | 'media', role: 'offer' | 'answer', deadlineMs: number): AiortcPeer {
  const child: ChildProcessWithoutNullStreams = spawn(PYTHON, [PEER_SCRIPT, mode, role], { stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => {
    err = (err + d.toString()).slice(-4000);
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), deadlineMs);
  child.on('exit', () => clearTimeout(timer));
  const queue: AiortcMessage[] = [];
  const waiters: { type: string; resolve: (m: AiortcMessage) => void; reject: (e: Error) => void }[] = [];
  let ended = false;
  const settle = (): void => {
    for (let i = 0; i < waiters.length; i++) {
      const w = waiters[i];
      const failed = queue.find((m) => m.error !== undefined);
      if (failed) {
        waiters.splice(i--, 1);
        w.reject(new Error(`aiortc: ${failed.error}\n${err}`));
        continue;
      }
      const at = queue.findIndex((m) => m.type === w.type);
      if (at >= 0) {
        waiters.splice(i--, 1);
        w.resolve(queue.splice(at, 1)[0]);
      } else if (ended) {
        waiters.splice(i--, 1);
        w.reject(new Error(`aiortc exited before sending ${w.type}\n${err}`));
      }
    }
  };
  createInterface({ input: child.stdout }).on('line', (line) => {
    try {
      queue.push(JSON.parse(line) as AiortcMessage);
    } catch {
      err += `\n(stdout) ${line}`;
    }
    settle();
  });
  child.on('close', () => {
    ended = true;
    settle();
  });
  return {
    send(msg) {
      if (!child.stdin.destroyed) child.stdin.write(`${JSON.stringify(msg)}\n`);
    },
    next(type) {
      return new Promise((resolve, reject) => {
        waiters.push({ type, resolve, reject });
        settle();
      });
    },
    kill() {
      clearTimeout(timer);
      child.kill('SIGKILL');
    },
    stderr: () => err,
  };
}
