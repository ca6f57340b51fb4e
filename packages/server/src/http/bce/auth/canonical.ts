import { createHmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { parseRawQuery, percentDecode } from '../../raw-query.js';

const UNRESERVED = /[A-Za-z0-9\-_.~]/;

/** RFC 3986 encoding of every UTF-8 byte outside the unreserved set, with uppercase hex. */
export function uriEncode(text: string, keepSlash = false): string {
  let out = '';
  for (const char of text) {
    if (UNRESERVED.test(char) || (keepSlash && char === '/')) {
      out += char;
      continue;
    }
    for (const byte of Buffer.from(char, 'utf8'))
      out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

export function canonicalUri(rawPath: string): string {
  const path = percentDecode(rawPath);
  return uriEncode(path.startsWith('/') ? path : `/${path}`, true);
}

export function canonicalQueryString(rawQuery: string): string {
  return parseRawQuery(rawQuery)
    .filter(([key]) => key.toLowerCase() !== 'authorization')
    .map(([key, value]) => `${uriEncode(key)}=${uriEncode(value)}`)
    .sort()
    .join('&');
}

/** Headers signed when the Authorization's signed-header list is empty (Java and Python SDKs). */
export function defaultSignedHeaderNames(headers: IncomingHttpHeaders): string[] {
  const fixed = ['host', 'content-length', 'content-type', 'content-md5'];
  return [...fixed, ...Object.keys(headers).filter((name) => name.startsWith('x-bce-'))];
}

function headerValue(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name];
  return (Array.isArray(value) ? value.join(',') : (value ?? '')).trim();
}

export function canonicalHeaders(headers: IncomingHttpHeaders, names: readonly string[]): string {
  return names
    .map((name) => [name.toLowerCase(), headerValue(headers, name.toLowerCase())] as const)
    .filter(([, value]) => value !== '')
    .map(([name, value]) => `${uriEncode(name)}:${uriEncode(value)}`)
    .sort()
    .join('\n');
}

export function hmacHex(key: string, data: string): string {
  return createHmac('sha256', key).update(data, 'utf8').digest('hex');
}

export interface SigningInput {
  method: string;
  rawPath: string;
  rawQuery: string;
  headers: IncomingHttpHeaders;
  /** Lowercase names; empty means the default set. */
  signedHeaders: readonly string[];
}

export function canonicalRequest(input: SigningInput): string {
  const names =
    input.signedHeaders.length > 0 ? input.signedHeaders : defaultSignedHeaderNames(input.headers);
  return [
    input.method.toUpperCase(),
    canonicalUri(input.rawPath),
    canonicalQueryString(input.rawQuery),
    canonicalHeaders(input.headers, names),
  ].join('\n');
}

/** bce-auth-v1: the hex signing key (not its bytes) keys the second HMAC. */
export function signature(secretAccessKey: string, authStringPrefix: string, request: string): string {
  return hmacHex(hmacHex(secretAccessKey, authStringPrefix), request);
}
