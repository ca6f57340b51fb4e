/**
 * Versions of peered data (reference §3.8, R41–R43). Every object and file carries:
 * - a version vector keyed by enrollment id (how many edits of each enrollment it includes), which
 *   classifies an incoming version as identical, older, newer or concurrent;
 * - a hybrid logical time `hlc` and the `writer` enrollment of its last edit, which order
 *   concurrent versions the same way on every side.
 *
 * A local edit takes `hlc = max(now, previous hlc + 1)`, so a version made after another (it
 * includes it) always has a later `hlc`. Resolving concurrent versions as "the later (hlc, writer)
 * wins" therefore agrees with causality, and is a maximum over a total order: associative,
 * commutative and idempotent, so every side reaches the same value whatever order versions arrive
 * in, how often, and through how many connections.
 *
 * The resolved version gets the element-wise maximum of both vectors. The reference (P-DC) also
 * increments the local counter; we do not: both sides compute the same resolution from the same
 * two versions, and an increment on each side would make the two results concurrent again.
 */
export type VersionVector = Record<string, number>;

export interface Version {
  vv: VersionVector;
  hlc: number;
  writer: string;
}

export type Comparison = 'identical' | 'older' | 'newer' | 'concurrent';

/** How `incoming` relates to `local`. */
export function compareVectors(incoming: VersionVector, local: VersionVector): Comparison {
  let ahead = false;
  let behind = false;
  for (const id of new Set([...Object.keys(incoming), ...Object.keys(local)])) {
    const a = incoming[id] ?? 0;
    const b = local[id] ?? 0;
    if (a > b) ahead = true;
    if (a < b) behind = true;
  }
  if (ahead && behind) return 'concurrent';
  if (ahead) return 'newer';
  if (behind) return 'older';
  return 'identical';
}

export function mergeVectors(a: VersionVector, b: VersionVector): VersionVector {
  const merged: VersionVector = { ...a };
  for (const [id, count] of Object.entries(b)) merged[id] = Math.max(merged[id] ?? 0, count);
  return sortedVector(merged);
}

/** The same vector with its keys in order, so that equal vectors serialise alike. */
export function sortedVector(vv: VersionVector): VersionVector {
  return Object.fromEntries(Object.entries(vv).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** True when version `a` wins over concurrent version `b`: later hlc, then the greater writer id. */
export function wins(a: Version, b: Version): boolean {
  if (a.hlc !== b.hlc) return a.hlc > b.hlc;
  return a.writer > b.writer;
}

/** The version of a local edit made at `now` by `self` on top of `previous` (if any). */
export function nextLocalVersion(previous: Version | undefined, self: string, now: number): Version {
  const vv = { ...(previous?.vv ?? {}) };
  vv[self] = (vv[self] ?? 0) + 1;
  return { vv: sortedVector(vv), hlc: Math.max(now, (previous?.hlc ?? 0) + 1), writer: self };
}

export function checkVersion(value: unknown): Version | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { vv, hlc, writer } = value as Partial<Version>;
  if (typeof hlc !== 'number' || !Number.isSafeInteger(hlc) || typeof writer !== 'string') return undefined;
  if (typeof vv !== 'object' || vv === null || Array.isArray(vv)) return undefined;
  for (const count of Object.values(vv)) if (!Number.isSafeInteger(count) || count < 0) return undefined;
  return { vv: sortedVector(vv), hlc, writer };
}
