import type { Classification, DataType } from '../peering/model.js';
import type { ItemKind, VersionedContent } from './items.js';
import type { ObjectTypeSchema, Properties } from './object-types.js';
import type { Version } from './versions.js';

/** One changed item as it crosses a connection, in the receiver's type and property names. */
export interface WireItem {
  /** The exporter's change that carried it. */
  seq: number;
  /** The exporter's id of the item. */
  ref: string;
  /** The importer's id of the item, when the exporter knows it (R37). */
  yourRef?: string;
  kind: ItemKind;
  /** Object type (receiver's name); '' for files. */
  type: string;
  /** Primary key value or file path. */
  key: string;
  properties: Properties | null;
  blob: { hash: string; size: number } | null;
  /** Base64 file content, for a file that is not deleted. */
  content?: string;
  classification: Classification;
  markings: string[];
  deleted: boolean;
  version: Version;
  /**
   * Set when this version settled a conflict on the sender: the two concurrent versions and why
   * one won, so that the receiver, whose version may have been one of them, records it as well.
   */
  conflict?: { versions: [VersionedContent, VersionedContent]; reason: string };
}

/**
 * A size-bounded run of changes of one data type (R46): the exporter's changes after `fromSeq` up
 * to `toSeq` (changes withheld by security or not sent back to their origin leave gaps in `items`,
 * not in the range). Chunks of an epoch are applied in order; an epoch starts again from 0 when
 * everything must be sent again (new security or mapping, or the importer asked).
 */
export interface Chunk {
  peeringId: string;
  dataType: DataType;
  epoch: number;
  fromSeq: number;
  toSeq: number;
  /** The sender's schema of each object type in `items`, in the receiver's names. */
  schemas: Record<string, ObjectTypeSchema>;
  items: WireItem[];
}
