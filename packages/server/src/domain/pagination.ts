import { badRequest } from './errors.js';

export const MAX_KEYS = 1000;

export interface PageRequest {
  /** Id of the first item to return; items are ordered by id. */
  marker?: string;
  maxKeys: number;
}

export interface Page<T> {
  items: T[];
  marker?: string;
  isTruncated: boolean;
  nextMarker?: string;
  maxKeys: number;
}

/**
 * `maxKeys` defaults to 1000 and is clamped to [1, 1000] (0 means "unset", as Go's zero value);
 * a marker must look like an id of the listed kind.
 */
export function parsePageRequest(
  marker: string | undefined,
  maxKeys: string | undefined,
  markerPattern: RegExp,
): PageRequest {
  let keys = MAX_KEYS;
  if (maxKeys !== undefined && maxKeys !== '') {
    if (!/^-?\d+$/.test(maxKeys)) throw badRequest('InvalidMaxKeys', 'maxKeys must be an integer');
    const n = Number(maxKeys);
    if (n < 0) throw badRequest('InvalidMaxKeys', 'maxKeys must not be negative');
    keys = n === 0 ? MAX_KEYS : Math.min(n, MAX_KEYS);
  }
  if (marker === undefined || marker === '') return { maxKeys: keys };
  if (!markerPattern.test(marker)) throw badRequest('InvalidMarker', `marker "${marker}" is not valid here`);
  return { marker, maxKeys: keys };
}

/** Builds a page from up to `maxKeys + 1` rows read in id order from the marker on. */
export function toPage<T>(rows: T[], request: PageRequest, idOf: (item: T) => string): Page<T> {
  const isTruncated = rows.length > request.maxKeys;
  const items = isTruncated ? rows.slice(0, request.maxKeys) : rows;
  const first = items[0];
  return {
    items,
    ...(first ? { marker: request.marker ?? idOf(first) } : {}),
    isTruncated,
    ...(isTruncated ? { nextMarker: idOf(rows[request.maxKeys]!) } : {}),
    maxKeys: request.maxKeys,
  };
}
