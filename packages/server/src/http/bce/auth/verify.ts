import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { HttpError } from '../../errors.js';
import { canonicalRequest, signature } from './canonical.js';

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

export interface VerifiableRequest {
  method: string;
  rawPath: string;
  rawQuery: string;
  headers: IncomingHttpHeaders;
}

export interface VerifyOptions<K extends { secretAccessKey: string }> {
  now: number;
  clockSkewSeconds: number;
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
  const key = await options.findKey(auth.accessKeyId);
  if (key === undefined) {
    throw new HttpError(403, 'InvalidAccessKeyId', `access key id ${auth.accessKeyId} does not exist`);
  }
  const skewMs = options.clockSkewSeconds * 1000;
  if (options.now > auth.timestampMs + auth.expirationSeconds * 1000) {
    throw new HttpError(
      400,
      'RequestExpired',
      `Request has expired. Timestamp date is ${auth.timestamp}, expiration is ${auth.expirationSeconds} seconds`,
    );
  }
  if (auth.timestampMs > options.now + skewMs) {
    throw new HttpError(400, 'RequestExpired', `Request timestamp ${auth.timestamp} lies in the future`);
  }
  const dateMs = requestDateMs(request.headers);
  const tolerance = Math.max(skewMs, auth.expirationSeconds * 1000);
  if (dateMs !== undefined && Math.abs(dateMs - options.now) > tolerance) {
    throw new HttpError(
      403,
      'RequestTimeTooSkewed',
      'the request date differs too much from the server time',
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
