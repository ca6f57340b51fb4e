// Start-up of the real command, as a user runs it: a separate `peerlink serve` process.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../packages/cli/bin/peerlink.js', import.meta.url));

/** Resident set size of a process in MiB, from /proc/<pid>/status (Linux). */
export function vmRssMiB(pid) {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB$/m);
  return line ? Number(line[1]) / 1024 : Number.NaN;
}

/**
 * Milliseconds from spawn to the "Serving region bj at" line on stderr, and the idle server's
 * VmRSS right then; the server is stopped with SIGTERM afterwards.
 */
export async function measureStartup(dataDir) {
  const start = performance.now();
  const child = spawn(process.execPath, [CLI, 'serve', '--data-dir', dataDir, '--port', '0'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const ready = new Promise((resolve, reject) => {
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      if (stderr.includes('Serving region bj at')) resolve(performance.now() - start);
    });
    child.once('exit', (code) =>
      reject(new Error(`peerlink serve exited (${code}) before serving:\n${stderr}`)),
    );
  });
  const ms = await ready;
  const rssMiB = vmRssMiB(child.pid);
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
  return { ms, rssMiB };
}
