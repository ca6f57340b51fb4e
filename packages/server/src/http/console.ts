import type { Stats } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { splitUrl } from './raw-query.js';

/**
 * The web console (packages/console) as built by Vite: `packages/console/dist`, found from this
 * file — `packages/server/{src,dist}/http/` — so it works from a checkout after `npm install`
 * (which builds it) and when running the sources under Vitest.
 */
export const DEFAULT_CONSOLE_DIST = fileURLToPath(new URL('../../../console/dist/', import.meta.url));

const PREFIX = '/console/';
const INDEX = 'index.html';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};

/** Vite writes content-hashed names under `assets/`: a changed file gets a new name. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** index.html and unhashed files: revalidated on every load (answered 304 when unchanged). */
const REVALIDATE = 'no-cache';

/**
 * The page talks to its own origin only (the API, through @peerlink/sdk) and is never framed:
 * a console holding a session must not be clickjacked.
 */
const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
};

export interface ConsoleOptions {
  /** The directory holding the built console (`index.html`, `assets/`); injectable for tests. */
  distDir: string;
}

/**
 * Serves the built web console at `/console/` (`/console` redirects there): the files of `distDir`
 * with their content types and cache lifetimes, and `index.html` for every other path without a
 * file extension, so the console's client-side routes (`/console/network`) load the page. Paths
 * are decoded segment by segment and refused (404) when a segment is `.`/`..`, hidden, or hides a
 * separator, so nothing outside `distDir` is ever read. Without a build, 503 says how to make one.
 * Authentication skips these paths (authenticate.ts): the page logs in through the API.
 */
export function consoleRoutes(app: FastifyInstance, options: ConsoleOptions): void {
  const distDir = path.resolve(options.distDir);
  const handler = (request: FastifyRequest, reply: FastifyReply) => serve(request, reply, distDir);
  // `/console/` also lands on the first route: the router ignores trailing slashes.
  app.get('/console', handler);
  app.get('/console/*', handler);
}

async function serve(request: FastifyRequest, reply: FastifyReply, distDir: string): Promise<FastifyReply> {
  const { path: rawPath, query } = splitUrl(request.url);
  if (rawPath === '/console') return reply.redirect(`${PREFIX}${query === '' ? '' : `?${query}`}`, 302);
  const segments = decodeSegments(rawPath.slice(PREFIX.length));
  if (segments === undefined) return notFound(request, reply, rawPath);

  const index = path.join(distDir, INDEX);
  const indexStat = await fileStat(index);
  if (indexStat === undefined) {
    return problem(
      request,
      reply,
      503,
      'ServiceUnavailable',
      'ConsoleNotBuilt',
      `the web console is not built (${index} is missing): run "npm run build" in the Peerlink checkout, then reload`,
    );
  }
  if (segments.length === 0) return sendFile(request, reply, index, indexStat, REVALIDATE, true);

  const file = path.join(distDir, ...segments);
  const fileStats = await fileStat(file);
  if (fileStats !== undefined && (await isInside(distDir, file))) {
    const immutable = segments[0] === 'assets' && segments.length > 1;
    return sendFile(request, reply, file, fileStats, immutable ? IMMUTABLE : REVALIDATE, file === index);
  }
  // A missing file (`/console/assets/gone.js`) is a 404, never a page served as a script.
  if (path.extname(segments[segments.length - 1]!) !== '') return notFound(request, reply, rawPath);
  return sendFile(request, reply, index, indexStat, REVALIDATE, true);
}

/**
 * The path below `/console/`, percent-decoded segment by segment; empty segments (`a//b`, a
 * trailing slash) are dropped. Undefined for anything that could name a file outside the
 * directory or a hidden one: bad percent-encoding, `.`/`..` (also encoded), a segment starting
 * with a dot, an encoded `/` or `\`, a NUL.
 */
export function decodeSegments(rest: string): string[] | undefined {
  const segments: string[] = [];
  for (const raw of rest.split('/')) {
    if (raw === '') continue;
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return undefined;
    }
    if (segment.startsWith('.') || /[/\\\0]/.test(segment)) return undefined;
    segments.push(segment);
  }
  return segments;
}

async function fileStat(file: string): Promise<Stats | undefined> {
  try {
    const stats = await stat(file);
    return stats.isFile() ? stats : undefined;
  } catch {
    return undefined;
  }
}

/** The file, symbolic links followed, is still inside the directory. */
async function isInside(dir: string, file: string): Promise<boolean> {
  try {
    const [realDir, realFile] = await Promise.all([realpath(dir), realpath(file)]);
    return realFile.startsWith(realDir + path.sep);
  } catch {
    return false;
  }
}

async function sendFile(
  request: FastifyRequest,
  reply: FastifyReply,
  file: string,
  stats: Stats,
  cacheControl: string,
  isPage: boolean,
): Promise<FastifyReply> {
  const etag = `W/"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`;
  reply.header('cache-control', cacheControl);
  reply.header('etag', etag);
  reply.header('x-content-type-options', 'nosniff');
  if (isPage) reply.headers(PAGE_HEADERS);
  const ifNoneMatch = request.headers['if-none-match'];
  if (ifNoneMatch?.split(',').some((tag) => tag.trim() === etag)) return reply.status(304).send();
  const type = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
  return reply.type(type).send(await readFile(file));
}

function notFound(request: FastifyRequest, reply: FastifyReply, rawPath: string): FastifyReply {
  return problem(
    request,
    reply,
    404,
    'InvalidURI',
    'NoSuchConsoleFile',
    `the console has no file at ${rawPath}`,
  );
}

/** RFC 9457 problem+json, shaped as the Peerlink API's errors (render-error.ts). */
function problem(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  code: string,
  reason: string,
  detail: string,
): FastifyReply {
  return reply
    .status(status)
    .header('cache-control', 'no-store')
    .header('x-content-type-options', 'nosniff')
    .type('application/problem+json')
    .send({
      type: `urn:peerlink:error:${reason}`,
      title: code,
      status,
      detail,
      code,
      reason,
      requestId: request.id,
    });
}
