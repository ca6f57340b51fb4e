import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { run } from '../dataplane/linux/exec.js';
import { defaultDnsResponderScript } from '../dataplane/linux/linux-driver.js';

/**
 * Helpers for tests that run traffic through real network namespaces (the linux driver's tests
 * and the end-to-end dataplane tests): whether they can run here, and small bounded node scripts
 * inside a namespace (TCP listen/connect, DNS lookups, a bulk sender and a byte counter).
 */

/** Why the real-namespace tests cannot run here, or null when they can. */
export function dataplaneUnavailable(): string | null {
  try {
    const m = /^CapEff:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (!m || (BigInt(`0x${m[1]}`) & (1n << 12n)) === 0n) return 'no CAP_NET_ADMIN (run as root)';
  } catch {
    return 'not Linux';
  }
  try {
    execFileSync('ip', ['-V'], { stdio: 'ignore', timeout: 5000 });
    execFileSync('tc', ['-V'], { stdio: 'ignore', timeout: 5000 });
  } catch {
    return 'no iproute2 (ip, tc)';
  }
  if (!existsSync(defaultDnsResponderScript())) return `no ${defaultDnsResponderScript()} (build first)`;
  return null;
}

/**
 * The reason the suite skips (printed once), or null; with PEERLINK_REQUIRE_DATAPLANE=1 a reason
 * is an error instead, so CI cannot pass by skipping.
 */
export function dataplaneSkipReason(suite: string, reason = dataplaneUnavailable()): string | null {
  if (reason && process.env.PEERLINK_REQUIRE_DATAPLANE === '1') {
    throw new Error(`PEERLINK_REQUIRE_DATAPLANE=1 but the ${suite} cannot run: ${reason}`);
  }
  if (reason) console.warn(`skipping the ${suite}: ${reason}`);
  return reason;
}

const children: ChildProcess[] = [];

/** Kills every background script started with `startIn` (after each test). */
export function killStarted(): void {
  for (const c of children.splice(0)) c.kill('SIGKILL');
}

/** Runs a small node script inside a namespace, bounded in time; returns its stdout. */
export async function nodeIn(ns: string, script: string, timeoutMs = 5000): Promise<string> {
  const res = await run('ip', ['netns', 'exec', ns, process.execPath, '-e', script], { timeoutMs });
  return res.stdout.trim();
}

/** Starts a background node script in a namespace (killed by `killStarted`). */
export function startIn(ns: string, script: string): ChildProcess {
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', script], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  children.push(child);
  return child;
}

/** Everything a child prints until it exits, or until `timeoutMs`. */
export function output(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve) => {
    let out = '';
    const timer = setTimeout(() => resolve(out), timeoutMs);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('close', () => {
      clearTimeout(timer);
      resolve(out);
    });
  });
}

/** Whether the child printed its first line within `timeoutMs` (false when it exited first). */
function firstLine(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.stdout?.once('data', () => {
      clearTimeout(timer);
      resolve(true);
    });
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
}

/** Waits for a background script's "up"; throws when it did not come up (e.g. no such namespace). */
async function up(child: ChildProcess, what: string, timeoutMs = 5000): Promise<void> {
  if (!(await firstLine(child, timeoutMs))) throw new Error(`${what} did not start within ${timeoutMs} ms`);
}

// A client that gives up mid-handshake resets the connection: without an error handler that
// would crash the listener, and every later connect would be refused.
const SERVER = (port: number, lifetimeMs: number) =>
  `require('net').createServer(c=>{c.on('error',()=>{});c.end('ok')}).listen(${port},'0.0.0.0',()=>console.log('up'));setTimeout(()=>process.exit(0),${lifetimeMs})`;

/** A TCP server in a namespace answering "ok" to every connection, for `lifetimeMs`. */
export async function listen(ns: string, port: number, lifetimeMs = 30_000): Promise<void> {
  await up(startIn(ns, SERVER(port, lifetimeMs)), `a TCP listener on ${ns}:${port}`);
}

/** A TCP connect from a namespace: 'ok' or the failure ('timeout', an error code), within ~`timeoutMs`. */
export function connect(ns: string, ip: string, port: number, timeoutMs = 1500): Promise<string> {
  return nodeIn(
    ns,
    `const s=require('net').connect(${port},'${ip}');let d='';s.on('data',x=>d+=x);s.on('end',()=>{console.log(d);process.exit(0)});` +
      `s.on('error',e=>{console.log(e.code);process.exit(0)});setTimeout(()=>{console.log('timeout');process.exit(0)},${timeoutMs})`,
    timeoutMs + 3500,
  );
}

/** An A lookup from a namespace against `server`: the addresses joined by ',', or the error code. */
export function resolve4(ns: string, server: string, name: string, timeoutMs = 700): Promise<string> {
  return nodeIn(
    ns,
    `const r=new (require('dns').promises.Resolver)({timeout:${timeoutMs},tries:1});r.setServers(['${server}']);` +
      `r.resolve4('${name}').then(a=>console.log(a.join(',')),e=>console.log(e.code))`,
    timeoutMs + 4000,
  );
}

/** A receiver's reading: when (epoch ms) and how many bytes it had received by then. */
export interface Mark {
  at: number;
  bytes: number;
}

/**
 * A TCP sink in a namespace: counts the bytes of its first connection and reports them every
 * `everyMs` (marks, live) for at most `lifetimeMs`.
 */
export async function startCounter(
  ns: string,
  port: number,
  { everyMs = 250, lifetimeMs = 20_000 }: { everyMs?: number; lifetimeMs?: number } = {},
): Promise<{ marks: Mark[]; child: ChildProcess }> {
  const child = startIn(
    ns,
    `let first=true;require('net').createServer(c=>{if(!first){c.destroy();return}first=false;let b=0;c.on('data',d=>b+=d.length);` +
      `c.on('error',()=>{});setInterval(()=>console.log(JSON.stringify({at:Date.now(),bytes:b})),${everyMs})})` +
      `.listen(${port},'0.0.0.0',()=>console.log('up'));setTimeout(()=>process.exit(0),${lifetimeMs})`,
  );
  const marks: Mark[] = [];
  let buffered = '';
  const ready = up(child, `a TCP counter on ${ns}:${port}`);
  child.stdout?.on('data', (d: Buffer) => {
    buffered += d.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) if (line.startsWith('{')) marks.push(JSON.parse(line) as Mark);
  });
  await ready;
  return { marks, child };
}

/** A sender in a namespace writing as fast as TCP lets it to `ip:port`, for at most `lifetimeMs`. */
export function startBulkSender(ns: string, ip: string, port: number, lifetimeMs = 20_000): ChildProcess {
  return startIn(
    ns,
    `const b=Buffer.alloc(65536);const s=require('net').connect(${port},'${ip}',()=>{const w=()=>{while(s.write(b)){}};s.on('drain',w);w()});` +
      `s.on('error',()=>process.exit(0));setTimeout(()=>process.exit(0),${lifetimeMs})`,
  );
}

/** Mbit/s received between two instants (epoch ms), from the first and last marks inside them. */
export function rateBetween(marks: readonly Mark[], from: number, to: number): number {
  const a = marks.find((m) => m.at >= from);
  const b = [...marks].reverse().find((m) => m.at <= to);
  if (!a || !b || b.at <= a.at) throw new Error(`no marks between ${from} and ${to}`);
  return ((b.bytes - a.bytes) * 8) / ((b.at - a.at) / 1000) / 1e6;
}

/** The namespaces on this host whose names start with `<prefix>-`. */
export async function ownedNetns(prefix: string): Promise<string[]> {
  const res = await run('ip', ['-json', 'netns', 'list']);
  const all = (res.stdout.trim() ? JSON.parse(res.stdout) : []) as { name: string }[];
  return all.map((n) => n.name).filter((n) => n.startsWith(`${prefix}-`));
}
