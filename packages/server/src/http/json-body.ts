import { createHash } from 'node:crypto';
import { HttpError } from './errors.js';

/**
 * Request bodies are JSON whatever Content-Type says (the SDKs disagree on its spelling); an empty
 * body is no body. A Content-MD5, when sent (the Go SDK does), must match.
 */
export function parseJsonBody(body: Buffer, contentMd5: string | undefined): unknown {
  if (contentMd5 !== undefined && createHash('md5').update(body).digest('base64') !== contentMd5.trim()) {
    throw new HttpError(400, 'BadDigest', 'Content-MD5 does not match the body');
  }
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError(400, 'MalformedJSON', 'the request body is not valid JSON');
  }
}
