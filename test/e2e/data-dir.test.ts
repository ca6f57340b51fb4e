/**
 * The data directory's file modes, through the real `peerlink serve`: the database holds sealed
 * secrets and password hashes, and master.key unseals them, so no file may be readable by others
 * whatever the directory's own mode or the process's umask.
 */

import { once } from 'node:events';
import { chmodSync, existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PeerlinkClient, VpcClient } from '@peerlink/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { adminFromBanner, type ServeProcess, spawnServe } from './support/process.js';

const FILES = ['peerlink.sqlite', 'peerlink.sqlite-wal', 'peerlink.sqlite-shm', 'master.key'];
/** The embedded SQLite database and the master key file are what this is about, also on a PostgreSQL run. */
const SQLITE_ENV = { PEERLINK_DATABASE_URL: '', PEERLINK_DATABASE_SCHEMA: '', PEERLINK_MASTER_KEY: '' };

const running: ServeProcess[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop()));
});

async function serve(dir: string): Promise<ServeProcess> {
  const server = await spawnServe(['--data-dir', dir], SQLITE_ENV);
  running.push(server);
  return server;
}

function modes(dir: string): Record<string, string> {
  return Object.fromEntries(
    FILES.map((file) => {
      const at = path.join(dir, file);
      return [file, existsSync(at) ? (statSync(at).mode & 0o777).toString(8) : 'missing'];
    }),
  );
}

/** Writes through the API: the WAL and shared-memory files exist only once something is written. */
async function write(server: ServeProcess, credentials: { ak: string; sk: string }): Promise<void> {
  const created = await new PeerlinkClient({ endpoint: server.endpoint, credentials }).createAccount({});
  await new VpcClient({
    endpoint: server.endpoint,
    credentials: { ak: created.accessKeyId, sk: created.secretAccessKey },
  }).createVpc({ name: 'modes', cidr: '10.0.0.0/16' });
}

/** pino's warn level. */
const WARN = 40;

function warnings(server: ServeProcess): { msg: string; dataDir?: string; mode?: string }[] {
  return server
    .stdout()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line))
    .filter((entry) => entry.level === WARN);
}

describe('the data directory', () => {
  it('creates every file 0600 in a pre-created 0755 directory, and warns once about the directory', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'peerlink-modes-'));
    chmodSync(dir, 0o755);
    const server = await serve(dir);
    const admin = adminFromBanner(server.stderr());
    await write(server, { ak: admin.ak, sk: admin.sk });
    expect(modes(dir)).toEqual(Object.fromEntries(FILES.map((file) => [file, '600'])));
    expect(warnings(server)).toEqual([
      expect.objectContaining({ dataDir: dir, mode: '755', msg: expect.stringContaining('group or others') }),
    ]);
    // Warned, not changed: the operator may share the directory on purpose.
    expect(statSync(dir).mode & 0o777).toBe(0o755);
  });

  it('tightens files an earlier start left readable, and does not warn about a 0700 directory', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'peerlink-modes-'));
    chmodSync(dir, 0o700);
    const first = await serve(dir);
    const admin = adminFromBanner(first.stderr());
    const credentials = { ak: admin.ak, sk: admin.sk };
    await write(first, credentials);
    // Killed, so that the WAL and shared-memory files stay behind as after a crash.
    first.child.kill('SIGKILL');
    await once(first.child, 'exit');
    for (const file of FILES) chmodSync(path.join(dir, file), 0o644);

    const second = await serve(dir);
    expect(modes(dir)).toEqual(Object.fromEntries(FILES.map((file) => [file, '600'])));
    await write(second, credentials);
    expect(modes(dir)).toEqual(Object.fromEntries(FILES.map((file) => [file, '600'])));
    expect(warnings(second)).toEqual([]);
  });
});
