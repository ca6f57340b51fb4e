import { createHash } from 'node:crypto';
import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { FastifyRequest } from 'fastify';
import type { IdempotencyInput } from '../../app/caller.js';
import { HttpError } from '../errors.js';
import { parseRawQuery, percentDecode, splitUrl } from '../raw-query.js';

export type BodyChecker<T> = {
  schema: TSchema;
  check: (value: unknown) => value is T;
  first: (value: unknown) => string;
};

/** Compiles a body schema once, at module load. */
export function bodySchema<T extends TSchema>(schema: T): BodyChecker<import('@sinclair/typebox').Static<T>> {
  const compiled = TypeCompiler.Compile(schema);
  return {
    schema,
    check: (value): value is import('@sinclair/typebox').Static<T> => compiled.Check(value),
    first: (value) => {
      const error = compiled.Errors(value).First();
      if (!error) return 'invalid body';
      const field = error.path.replace(/^\//, '').replaceAll('/', '.') || 'body';
      return `${field}: ${error.message.toLowerCase()}`;
    },
  };
}

/** JSON null reads as "absent", as the SDKs that send `"field": null` mean it. */
function withoutNulls(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null));
}

/**
 * Checks a JSON body against its schema; a missing body reads as `{}` so that required fields are
 * reported. Unknown fields are ignored, as BCE documents.
 */
export function parseBody<T>(checker: BodyChecker<T>, body: unknown): T {
  const value = body === undefined ? {} : body;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HttpError(400, 'InappropriateJSON', 'the request body must be a JSON object');
  }
  // No database stores U+0000 in text (PostgreSQL refuses it): a client mistake, not a 500.
  if (JSON.stringify(value).includes('\\u0000')) {
    throw new HttpError(400, 'InappropriateJSON', 'strings must not contain the NUL character (U+0000)');
  }
  const cleaned = withoutNulls(value as Record<string, unknown>);
  if (!checker.check(cleaned)) throw new HttpError(400, 'InappropriateJSON', checker.first(cleaned));
  return cleaned;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined && v !== null)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const CLIENT_TOKEN = /^[\x21-\x7e]{1,64}$/;

/**
 * The request's `clientToken`, with a fingerprint of everything else it asked for (method, path,
 * other query parameters in any order, body with keys in any order).
 */
export function idempotencyOf(request: FastifyRequest): IdempotencyInput | undefined {
  const { path, query } = splitUrl(request.url);
  const pairs = parseRawQuery(query);
  const token = pairs.find(([key]) => key === 'clientToken')?.[1];
  if (token === undefined || token === '') return undefined;
  if (!CLIENT_TOKEN.test(token)) {
    throw new HttpError(400, 'BadRequest', 'clientToken must be 1-64 printable ASCII characters');
  }
  const rest = pairs
    .filter(([key]) => key !== 'clientToken')
    .map(([key, value]) => `${key}=${value}`)
    .sort();
  const fingerprint = createHash('sha256')
    .update(
      `${request.method}\n${percentDecode(path)}\n${rest.join('&')}\n${canonicalJson(request.body ?? {})}`,
    )
    .digest('hex');
  return { token, fingerprint };
}

/** `2024-01-02T03:04:05Z`: the BCE time format, without milliseconds. */
export function bceTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A present query flag, valueless (`?accept`) or empty (`?accept=`). */
export function hasFlag(query: Record<string, string>, flag: string): boolean {
  return Object.hasOwn(query, flag);
}
