import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { HttpError } from '../../errors.js';
import { canonicalRequest, defaultSignedHeaderNames, signature } from './canonical.js';

export interface ParsedAuthorization {
  accessKeyId: string;
  timestamp: string;
  timestampMs: number;
  expirationSeconds: number;
  signedHeaders: string[];
  signature: string;
}

const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const HEADER_NAME = /^[a-z0-9!#$%&'*+\-.^_`|~]+$/;

const malformed = (why: string) =>
  new HttpError(400, 'InvalidHTTPAuthHeader', `Authorization header is malformed: ${why}`);

/** `bce-auth-v1/{ak}/{timestamp}/{expirationPeriodInSeconds}/{signedHeaders}/{signature}` */
export function parseAuthorization(header: string): ParsedAuthorization {
  const parts = header.trim().split('/');
  if (parts.length !== 6) throw malformed('expected 6 "/"-separated parts');
  const [version, accessKeyId, timestamp, expiration, signedList, sig] = parts as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (version !== 'bce-auth-v1') throw malformed(`unsupported version "${version}"`);
  if (accessKeyId === '') throw malformed('empty access key id');
  const timestampMs = Date.parse(timestamp);
  if (!TIMESTAMP.test(timestamp) || Number.isNaN(timestampMs)) {
    throw malformed(`timestamp "${timestamp}" is not UTC yyyy-mm-ddThh:mm:ssZ`);
  }
  if (!/^[1-9]\d{0,9}$/.test(expiration))
    throw malformed(`expiration "${expiration}" is not a positive integer`);
  const signedHeaders = signedList === '' ? [] : signedList.split(';');
  if (!signedHeaders.every((name) => HEADER_NAME.test(name))) {
    throw malformed('signed headers must be lowercase header names joined by ";"');
  }
  return {
    accessKeyId,
    timestamp,
    timestampMs,
    expirationSeconds: Number(expiration),
    signedHeaders,
    signature: sig,
  };
}

/** The request's own date: `x-bce-date` (ISO 8601) or, as the Java SDK sends, `Date` (RFC 1123). */
function requestDateMs(headers: IncomingHttpHeaders): number | undefined {
  const text = (headers['x-bce-date'] as string | undefined) ?? headers.date;
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  if (Number.isNaN(ms))
    throw new HttpError(400, 'InvalidHTTPRequest', `request date "${text}" cannot be parsed`);
  return ms;
}

/**
 * The Host header must be signed and present: it names the region served (request-context.ts), so an
 * unsigned one would let a captured request be replayed against another region. Every Baidu SDK
 * signs it, explicitly (Go, JS) or through the default set of an empty list (Java, Python).
 */
function requireSignedHost(signedHeaders: string[], headers: IncomingHttpHeaders): void {
  const names = signedHeaders.length > 0 ? signedHeaders : defaultSignedHeaderNames(headers);
  if (!names.includes('host') || !headers.host) {
    throw new HttpError(
      403,
      'AccessDenied',
      'the signature must cover the Host header: sign "host" (list it in the signed headers, or leave the list empty)',
      'HostNotSigned',
    );
  }
}

export interface VerifiableRequest {
  method: string;
  rawPath: string;
  rawQuery: string;
  headers: IncomingHttpHeaders;
}

export interface VerifyOptions<K extends { secretAccessKey: string }> {
  now: number;
  /** How far the request date may be from `now`, and the signature timestamp ahead of it. */
  clockSkewSeconds: number;
  /** The longest validity honoured, whatever the signature declares (a longer one is clamped). */
  maxExpirationSeconds: number;
  /** The key behind an access key id, or undefined when the id is unknown. */
  findKey: (accessKeyId: string) => Promise<K | undefined>;
}

/**
 * Verifies a bce-auth-v1 signature in the order of reference §5.3 (format, key, time, signature);
 * answers the signing key or throws BCE errors.
 */
export async function verifyBceRequest<K extends { secretAccessKey: string }>(
  request: VerifiableRequest,
  options: VerifyOptions<K>,
): Promise<K> {
  const header = request.headers.authorization;
  if (header === undefined || header === '') {
    throw new HttpError(403, 'AccessDenied', 'the request carries no Authorization header');
  }
  const auth = parseAuthorization(header);
  requireSignedHost(auth.signedHeaders, request.headers);
  const key = await options.findKey(auth.accessKeyId);
  if (key === undefined) {
    throw new HttpError(403, 'InvalidAccessKeyId', `access key id ${auth.accessKeyId} does not exist`);
  }
  const skewMs = options.clockSkewSeconds * 1000;
  // Clamped rather than refused: a signature grants at most its declared validity and the server may
  // honour less, so a fresh request from a client configured for longer still works, while a captured
  // one is worthless after the cap. Every Baidu SDK declares 1800 s.
  const validSeconds = Math.min(auth.expirationSeconds, options.maxExpirationSeconds);
  if (options.now > auth.timestampMs + validSeconds * 1000) {
    throw new HttpError(
      400,
      'RequestExpired',
      `Request has expired. Timestamp date is ${auth.timestamp}, expiration is ${auth.expirationSeconds} seconds` +
        (validSeconds < auth.expirationSeconds ? `, of which this server honours ${validSeconds}` : ''),
    );
  }
  if (auth.timestampMs > options.now + skewMs) {
    throw new HttpError(400, 'RequestExpired', `Request timestamp ${auth.timestamp} lies in the future`);
  }
  // The skew alone bounds the request date: the signature's validity must not widen it, or a signed
  // x-bce-date could be replayed for as long as the client declared. The code is the one the JS SDK
  // reacts to by correcting its clock offset and retrying.
  const dateMs = requestDateMs(request.headers);
  if (dateMs !== undefined && Math.abs(dateMs - options.now) > skewMs) {
    throw new HttpError(
      403,
      'RequestTimeTooSkewed',
      `the request date differs from the server time by more than ${options.clockSkewSeconds} seconds`,
    );
  }
  const prefix = `bce-auth-v1/${auth.accessKeyId}/${auth.timestamp}/${auth.expirationSeconds}`;
  const expected = signature(
    key.secretAccessKey,
    prefix,
    canonicalRequest({ ...request, signedHeaders: auth.signedHeaders }),
  );
  const given = Buffer.from(auth.signature, 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, Buffer.from(expected, 'utf8'))) {
    throw new HttpError(
      400,
      'SignatureDoesNotMatch',
      'the request signature does not match; check the SK and the signed request',
    );
  }
  return key;
}
