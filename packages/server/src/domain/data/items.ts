import type { Classification } from '../peering/model.js';
import type { Properties } from './object-types.js';
import { type Comparison, compareVectors, mergeVectors, type Version, wins } from './versions.js';

/**
 * Space data: objects (of an object type, identified by primary key) and files (identified by
 * path, content stored by hash). Both are "items" to replication: the same versions, change log,
 * security check and conflict handling apply to each.
 */
export type ItemKind = 'object' | 'file';

/** What a version of an item says; a delete is a version too (a tombstone), so it can win or lose. */
export interface ItemContent {
  /** Objects: property values. */
  properties: Properties | null;
  /** Files: the SHA-256 of the content, and its size. */
  blob: { hash: string; size: number } | null;
  classification: Classification;
  markings: string[];
  deleted: boolean;
}

export interface Item {
  id: string;
  spaceId: string;
  kind: ItemKind;
  /** The object type; empty for files. */
  typeName: string;
  /** The primary key value of an object, the path of a file. */
  key: string;
  content: ItemContent;
  version: Version;
  createdAt: number;
  updatedAt: number;
}

export interface VersionedContent {
  content: ItemContent;
  version: Version;
}

export interface Reconciled {
  comparison: Comparison | 'new';
  /** What to store, when anything changes. */
  next?: VersionedContent;
  /** The two versions were concurrent and said different things: record a conflict. */
  conflict?: { winner: 'local' | 'remote' };
  /** What is stored afterwards is exactly the incoming version (so it need not go back to its sender). */
  adopted: boolean;
}

export function sameContent(a: ItemContent, b: ItemContent): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(content: ItemContent): unknown {
  return {
    p: content.deleted ? null : content.properties,
    b: content.deleted ? null : content.blob,
    c: content.classification,
    m: [...content.markings].sort(),
    d: content.deleted,
  };
}

/**
 * R41–R43: what an incoming version does to the local one. Older and identical versions change
 * nothing (so a repeated chunk is harmless); a newer one replaces the local one; concurrent ones
 * are resolved by `wins` with merged vectors, the same way on both sides.
 */
export function reconcileIncoming(
  local: VersionedContent | undefined,
  incoming: VersionedContent,
): Reconciled {
  if (!local) return { comparison: 'new', next: incoming, adopted: true };
  const comparison = compareVectors(incoming.version.vv, local.version.vv);
  switch (comparison) {
    case 'identical':
    case 'older':
      return { comparison, adopted: false };
    case 'newer':
      return { comparison, next: incoming, adopted: true };
    case 'concurrent': {
      const remoteWins = wins(incoming.version, local.version);
      const winner = remoteWins ? incoming : local;
      const next: VersionedContent = {
        content: winner.content,
        version: { ...winner.version, vv: mergeVectors(incoming.version.vv, local.version.vv) },
      };
      return {
        comparison,
        next,
        adopted: false,
        ...(sameContent(incoming.content, local.content)
          ? {}
          : { conflict: { winner: remoteWins ? 'remote' : 'local' } }),
      };
    }
  }
}
