import type { IncomingHttpHeaders } from 'node:http';
import { bceTimestamp, type Credentials, signRequest } from '@peerlink/sdk';
import { rawRequest } from './raw-request.js';

export interface SignedRequestInput {
  /** Base URL of a listener, e.g. `http://127.0.0.1:8080`. */
  endpoint: string;
  credentials: Credentials;
  method: string;
  /** The path exactly as sent, percent-encoding included (nothing is re-encoded). */
  path: string;
  /** The raw query string, without `?`, sent as is; or parameters to encode. */
  query?: string | Record<string, string>;
  /** Extra headers, sent as given (e.g. `content-type`, `content-md5`, `content-length`). */
  headers?: Record<string, string>;
  /** The body, sent byte for byte; `Content-Length` is added unless a header gives one. */
  body?: string | Buffer;
}

export interface SignedResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

function rawQueryOf(query: SignedRequestInput['query']): string {
  if (query === undefined) return '';
  if (typeof query === 'string') return query;
  return Object.entries(query)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
    .join('&');
}

/**
 * One bce-auth-v1 signed request over node:http, so that the test decides every byte: the body is
 * not JSON-encoded, no Content-Type is added, and the path and query go out as written. Only `host`
 * and `x-bce-date` are signed, so any body and extra header can be sent.
 *
 * A path or query that is not valid percent-encoding cannot be signed as sent; it is signed with its
 * `%` signs escaped, so the server sees a well-formed Authorization whose signature cannot match.
 */
export async function signedRequest(input: SignedRequestInput): Promise<SignedResponse> {
  const base = new URL(input.endpoint);
  const rawQuery = rawQueryOf(input.query);
  const target = rawQuery === '' ? input.path : `${input.path}?${rawQuery}`;
  const signed: Record<string, string> = { host: base.host, 'x-bce-date': bceTimestamp(new Date()) };
  const sign = (pathAndQuery: string) =>
    signRequest({
      method: input.method,
      url: new URL(pathAndQuery, base),
      headers: signed,
      credentials: input.credentials,
      headersToSign: ['host', 'x-bce-date'],
    });
  let authorization: string;
  try {
    authorization = await sign(target);
  } catch (error) {
    if (!(error instanceof URIError)) throw error;
    authorization = await sign(target.replaceAll('%', '%25'));
  }
  const headers: Record<string, string> = { ...signed, ...input.headers, authorization };
  const hasLength = Object.keys(headers).some((name) => name.toLowerCase() === 'content-length');
  if (input.body !== undefined && !hasLength)
    headers['content-length'] = String(Buffer.byteLength(input.body));
  const answer = await rawRequest({
    port: Number(base.port),
    method: input.method,
    path: target,
    headers,
    ...(input.body !== undefined ? { body: input.body } : {}),
  });
  return { status: answer.status, headers: answer.headers, text: answer.body };
}
