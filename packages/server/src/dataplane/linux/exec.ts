import { spawn } from 'node:child_process';

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Why the command did not run to completion on its own (timeout, spawn failure), if it did not. */
  failure?: string;
}

export interface RunOptions {
  input?: string;
  timeoutMs?: number;
  /** Bytes kept of stdout and of stderr each; the rest is dropped (the process still runs to the end). */
  maxOutput?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_OUTPUT = 16 * 1024 * 1024;

/** Runs one external command with a timeout and bounded output. Never rejects. */
export function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxOutput = opts.maxOutput ?? DEFAULT_MAX_OUTPUT;
  return new Promise((resolve) => {
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    } catch (err) {
      resolve({ code: null, stdout: '', stderr: '', failure: (err as Error).message });
      return;
    }
    const out: Buffer[] = [];
    const errOut: Buffer[] = [];
    let outLen = 0;
    let errLen = 0;
    let failure: string | undefined;
    const timer = setTimeout(() => {
      failure = `${cmd} timed out after ${timeoutMs} ms`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout?.on('data', (d: Buffer) => {
      if (outLen < maxOutput) out.push(d);
      outLen += d.length;
    });
    child.stderr?.on('data', (d: Buffer) => {
      if (errLen < maxOutput) errOut.push(d);
      errLen += d.length;
    });
    child.on('error', (err) => {
      failure ??= err.message;
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(errOut).toString('utf8'),
        ...(failure ? { failure } : {}),
      });
    });
    child.stdin?.on('error', () => {});
    child.stdin?.end(opts.input ?? '');
  });
}

/** One command of a batch, tagged with whatever it belongs to (so a failure lands on its item). */
export interface BatchLine<T> {
  line: string;
  tag: T;
}

export interface BatchResult<T> {
  /** Failed lines, with the tool's own message. */
  failed: { tag: T; line: string; message: string }[];
  /** Set when the whole batch failed to run (every line is then listed in `failed`). */
  fatal?: string;
}

/**
 * Runs `tool [pre...] -force -batch -` with one command per line; with -force the tool goes on
 * after a failed line and says "Command failed -:N" after that line's error message.
 */
export async function runBatch<T>(
  tool: string,
  pre: string[],
  lines: BatchLine<T>[],
  opts: RunOptions = {},
): Promise<BatchResult<T>> {
  if (lines.length === 0) return { failed: [] };
  const res = await run(tool, [...pre, '-force', '-batch', '-'], {
    ...opts,
    input: lines.map((l) => `${l.line}\n`).join(''),
    timeoutMs: opts.timeoutMs ?? Math.max(DEFAULT_TIMEOUT_MS, lines.length * 50),
  });
  const failed: BatchResult<T>['failed'] = [];
  if (res.failure) {
    return { failed: lines.map((l) => ({ ...l, message: res.failure! })), fatal: res.failure };
  }
  let pending: string[] = [];
  for (const raw of res.stderr.split('\n')) {
    const m = /^Command failed -:(\d+)\s*$/.exec(raw);
    if (!m) {
      if (raw.trim()) pending.push(raw.trim());
      continue;
    }
    const l = lines[Number(m[1]) - 1];
    if (l) failed.push({ ...l, message: pending.join('; ') || 'command failed' });
    pending = [];
  }
  if (res.code !== 0 && failed.length === 0) {
    const message = res.stderr.trim() || `${tool} exited with ${res.code}`;
    return { failed: lines.map((l) => ({ ...l, message })), fatal: message };
  }
  return { failed };
}

/** Parses the concatenated JSON documents `ip -json -batch` prints, one per show command. */
export function parseJsonSeq(text: string): unknown[] {
  const docs: unknown[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && /\s/.test(text[i]!)) i++;
    if (i >= n) break;
    const start = i;
    let depth = 0;
    let inStr = false;
    for (; i < n; i++) {
      const c = text[i];
      if (inStr) {
        if (c === '\\') i++;
        else if (c === '"') inStr = false;
        continue;
      }
      if (c === '"') inStr = true;
      else if (c === '[' || c === '{') depth++;
      else if (c === ']' || c === '}') {
        depth--;
        if (depth === 0) {
          i++;
          break;
        }
      }
    }
    docs.push(JSON.parse(text.slice(start, i)));
  }
  return docs;
}
