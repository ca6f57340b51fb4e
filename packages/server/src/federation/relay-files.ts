import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { type Envelope, isEnvelope } from './envelope.js';

/**
 * A file relay channel is a directory: each message one file, `<message id>.plmsg`, holding its
 * signed, checksummed envelope. Files are written under a temporary name, flushed and renamed, so
 * a reader (or the cross-domain solution copying them) never sees half a file.
 */
export const RELAY_FILE_SUFFIX = '.plmsg';
const REJECTED_DIR = 'rejected';

export async function writeEnvelopeFile(dir: string, envelope: Envelope): Promise<string> {
  const final = path.join(dir, `${envelope.id}${RELAY_FILE_SUFFIX}`);
  const temporary = path.join(dir, `.${envelope.id}.${randomBytes(4).toString('hex')}.tmp`);
  // Owner only: a message may carry replicated data (the channel's directory is the operator's to share).
  const handle = await open(temporary, 'w', 0o600);
  try {
    await handle.writeFile(JSON.stringify({ v: 1, ...envelope }));
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, final);
  const dirHandle = await open(dir, 'r');
  try {
    await dirHandle.sync();
  } finally {
    await dirHandle.close();
  }
  return final;
}

export type RelayFile = { file: string; envelope: Envelope } | { file: string; problem: string };

/** The message files waiting in a directory, in message order (ids sort by time). */
export async function readEnvelopeFiles(dir: string, limit: number): Promise<RelayFile[]> {
  const names = (await readdir(dir))
    .filter((name) => name.endsWith(RELAY_FILE_SUFFIX) && !name.startsWith('.'))
    .sort();
  const files: RelayFile[] = [];
  for (const name of names.slice(0, limit)) {
    const file = path.join(dir, name);
    try {
      const parsed = JSON.parse(await readFile(file, 'utf8')) as unknown;
      if (!isEnvelope(parsed)) files.push({ file, problem: 'not a Peerlink message' });
      else {
        const { id, from, to, kind, createdAt, body, sha256, signature } = parsed;
        files.push({ file, envelope: { id, from, to, kind, createdAt, body, sha256, signature } });
      }
    } catch (error) {
      files.push({ file, problem: `unreadable: ${(error as Error).message}` });
    }
  }
  return files;
}

export async function removeRelayFile(file: string): Promise<void> {
  await unlink(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
}

/** Keeps a file that failed its checks for an administrator to look at, out of the reader's way. */
export async function rejectRelayFile(file: string): Promise<void> {
  const dir = path.join(path.dirname(file), REJECTED_DIR);
  await mkdir(dir, { recursive: true });
  await rename(file, path.join(dir, path.basename(file)));
}
