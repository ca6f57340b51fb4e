import { createHash } from 'node:crypto';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../json-depth.js';
import { HttpError } from './errors.js';

/**
 * JSON text from a client, parsed; refused with 400 MalformedJSON when it is not JSON or nests
 * deeper than MAX_JSON_DEPTH (checked first, so nothing recursive ever sees such a value).
 */
export function parseJsonText(text: string): unknown {
  if (nestsDeeperThan(text, MAX_JSON_DEPTH))
    throw new HttpError(
      400,
      'MalformedJSON',
      `the request body nests objects or arrays deeper than ${MAX_JSON_DEPTH} levels`,
      'JsonTooDeep',
    );
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'MalformedJSON', 'the request body is not valid JSON');
  }
}

/**
 * Request bodies are JSON whatever Content-Type says (the SDKs disagree on its spelling); an empty
 * body is no body. A Content-MD5, when sent (the Go SDK does), must match.
 */
export function parseJsonBody(body: Buffer, contentMd5: string | undefined): unknown {
  if (contentMd5 !== undefined && createHash('md5').update(body).digest('base64') !== contentMd5.trim()) {
    throw new HttpError(400, 'BadDigest', 'Content-MD5 does not match the body');
  }
  if (body.length === 0) return undefined;
  return parseJsonText(body.toString('utf8'));
}
