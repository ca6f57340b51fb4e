import { HttpError } from './errors.js';

/** Percent-decoding as BCE signs it: `+` stays a plus sign. */
export function percentDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new HttpError(400, 'InvalidURI', `"${text}" is not valid percent-encoding`);
  }
}

/**
 * The query string's parameters in wire order. A valueless flag (`accept`) and an empty value
 * (`accept=`) both read as an empty string.
 */
export function parseRawQuery(rawQuery: string): [string, string][] {
  const pairs: [string, string][] = [];
  for (const item of rawQuery.split('&')) {
    if (item === '') continue;
    const eq = item.indexOf('=');
    const key = eq === -1 ? item : item.slice(0, eq);
    const value = eq === -1 ? '' : item.slice(eq + 1);
    pairs.push([percentDecode(key), percentDecode(value)]);
  }
  return pairs;
}

export function splitUrl(url: string): { path: string; query: string } {
  const q = url.indexOf('?');
  return q === -1 ? { path: url, query: '' } : { path: url.slice(0, q), query: url.slice(q + 1) };
}

/** Fastify's querystring parser: first occurrence of a key wins. */
export function queryObject(rawQuery: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of parseRawQuery(rawQuery)) {
    if (!(key in result)) result[key] = value;
  }
  return result;
}
