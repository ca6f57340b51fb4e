import { type ClientConfig, SignedTransport } from '../transport.js';

export type PropertyType = 'string' | 'integer' | 'double' | 'boolean' | 'timestamp';
export type PropertyValue = string | number | boolean | null;
export type Classification = 'UNCLASSIFIED' | 'CONFIDENTIAL' | 'SECRET' | 'TOP SECRET';

export interface ObjectTypeView {
  spaceId: string;
  name: string;
  primaryKey: string;
  /** Property name → type. */
  properties: Record<string, PropertyType>;
  createdAt: string;
}

/** Version of an object or a file: a counter per enrollment that edited it, and the last edit. */
export interface ItemVersion {
  /** Enrollment id → how many of its edits this version includes. */
  vv: Record<string, number>;
  /** Hybrid logical time of the last edit (milliseconds). */
  hlc: number;
  /** Enrollment id of the last edit. */
  writer: string;
}

/** This item's id on a peer connection it travelled over. */
export interface ItemPeer {
  connectionId: string;
  remoteId: string;
}

export interface SpaceObject {
  objectId: string;
  spaceId: string;
  type: string;
  /** The primary key value, as text. */
  key: string;
  properties: Record<string, PropertyValue>;
  classification: Classification;
  markings: string[];
  version: ItemVersion;
  peers: ItemPeer[];
  createdAt: string;
  updatedAt: string;
}

export interface SpaceFile {
  fileId: string;
  spaceId: string;
  path: string;
  size: number;
  /** Hex SHA-256 of the content. */
  sha256: string;
  classification: Classification;
  markings: string[];
  version: ItemVersion;
  peers: ItemPeer[];
  createdAt: string;
  updatedAt: string;
}

export interface Marking {
  name: string;
  description: string;
  /** `local`, or where it came from. */
  origin: string;
  /**
   * Principals granted the marking. Administrators see them all; anyone else is listed only the
   * markings it holds, with itself as the only member.
   */
  members: string[];
  createdAt: string;
}

/** What one version of an item said. */
export interface ConflictSide {
  content: {
    properties: Record<string, PropertyValue> | null;
    blob: { hash: string; size: number } | null;
    classification: Classification;
    markings: string[];
    deleted: boolean;
  };
  version: ItemVersion;
}

/** Two concurrent versions of an item that said different things, and which one won. */
export interface Conflict {
  conflictId: string;
  spaceId: string;
  itemId: string;
  connectionId: string;
  local: ConflictSide;
  remote: ConflictSide;
  winner: 'local' | 'remote';
  reason: string;
  detectedAt: string;
  resolution: { at: string; by: string; chose: 'local' | 'remote' } | null;
}

/** One replication job of a peer connection: a data type in one direction. */
export interface ReplicationJob {
  dataType: 'objects' | 'files';
  direction: 'export' | 'import';
  health: 'healthy' | 'paused' | 'unhealthy';
  healthReason: string | null;
  epoch: number;
  /** Export: the last change examined (sent, withheld or not sent back); import: the last change applied. */
  watermark: number;
  /** Export: where the last chunk sent ended; the importer acknowledges up to here. */
  sentSeq?: number;
  /** Export: the space's latest change of this type. */
  head?: number;
  /** Export: the last change the importer reported applied (null when acknowledgements cannot travel back). */
  acknowledged?: { seq: number; at: string | null } | null;
  pendingChanges?: number;
  lagMs?: number;
  lastTransferAt: string | null;
  lastItems: number;
  itemsTotal: number;
  chunksTotal: number;
  withheld: number;
  /** Import: objects waiting for their object type to match. */
  parked?: { typeName: string; count: number; reason: string }[];
  openConflicts?: number;
  lastError: string | null;
}

export interface TypeMapping {
  localType: string;
  remoteType: string;
  /** Local property name → remote property name (the primary key among them). */
  properties: Record<string, string>;
  createdAt: string;
}

export interface Labels {
  classification?: Classification | string;
  markings?: string[];
}

const path = (id: string) => encodeURIComponent(id);
const space = (spaceId: string) => `/api/v1/spaces/${path(spaceId)}`;
const connection = (connectionId: string) => `/api/v1/peer-connections/${path(connectionId)}`;

/** Standard base64 of bytes, without Node's Buffer (the SDK also runs in browsers). */
function toBase64(bytes: Uint8Array): string {
  let binary = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK)
    binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(binary);
}

/**
 * Space data (`/api/v1/spaces/{spaceId}/object-types`, `objects`, `files`, `conflicts`), markings
 * (`/api/v1/markings`) and replication of peer connections (`jobs`, `type-mappings`). A space's
 * data is for its managers; markings are created and granted by enrollment administrators.
 */
export class SpaceDataClient {
  private readonly transport: SignedTransport;

  constructor(config: ClientConfig) {
    this.transport = new SignedTransport(config);
  }

  // Object types.

  createObjectType(
    spaceId: string,
    /** `properties`: property name → a `PropertyType` (checked by the server). */
    args: { name: string; primaryKey: string; properties: Record<string, string> },
  ): Promise<ObjectTypeView> {
    return this.transport.send('POST', `${space(spaceId)}/object-types`, { body: args });
  }
  listObjectTypes(spaceId: string): Promise<{ objectTypes: ObjectTypeView[] }> {
    return this.transport.send('GET', `${space(spaceId)}/object-types`);
  }
  getObjectType(spaceId: string, name: string): Promise<ObjectTypeView> {
    return this.transport.send('GET', `${space(spaceId)}/object-types/${path(name)}`);
  }
  /** Refused while objects of the type exist (`ObjectTypeInUse`). */
  deleteObjectType(spaceId: string, name: string): Promise<void> {
    return this.transport.send('DELETE', `${space(spaceId)}/object-types/${path(name)}`);
  }

  // Objects.

  createObject(
    spaceId: string,
    args: { type: string; properties: Record<string, PropertyValue> } & Labels,
  ): Promise<SpaceObject> {
    return this.transport.send('POST', `${space(spaceId)}/objects`, { body: args });
  }
  listObjects(
    spaceId: string,
    args: { type?: string; marker?: string; maxKeys?: number } = {},
  ): Promise<{ objects: SpaceObject[]; isTruncated: boolean; nextMarker?: string }> {
    return this.transport.send('GET', `${space(spaceId)}/objects`, { query: args });
  }
  /** Every live object (of one type, when given), following the markers. */
  async listAllObjects(spaceId: string, args: { type?: string } = {}): Promise<SpaceObject[]> {
    const all: SpaceObject[] = [];
    let marker: string | undefined;
    do {
      const page = await this.listObjects(spaceId, { ...args, ...(marker ? { marker } : {}) });
      all.push(...page.objects);
      marker = page.isTruncated ? page.nextMarker : undefined;
    } while (marker);
    return all;
  }
  getObject(spaceId: string, objectId: string): Promise<SpaceObject> {
    return this.transport.send('GET', `${space(spaceId)}/objects/${path(objectId)}`);
  }
  /** Replaces the properties (the primary key stays) and, when given, the labels. */
  updateObject(
    spaceId: string,
    objectId: string,
    args: { properties?: Record<string, PropertyValue> } & Labels,
  ): Promise<SpaceObject> {
    return this.transport.send('PUT', `${space(spaceId)}/objects/${path(objectId)}`, { body: args });
  }
  deleteObject(spaceId: string, objectId: string): Promise<void> {
    return this.transport.send('DELETE', `${space(spaceId)}/objects/${path(objectId)}`);
  }

  // Files.

  /** Creates the file at `path`, or replaces its content and labels; a string is sent as UTF-8. */
  putFile(
    spaceId: string,
    args: { path: string; content: Uint8Array | string } & Labels,
  ): Promise<SpaceFile> {
    const { content, ...rest } = args;
    const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
    return this.transport.send('POST', `${space(spaceId)}/files`, {
      body: { ...rest, content: toBase64(bytes) },
    });
  }
  listFiles(
    spaceId: string,
    args: { marker?: string; maxKeys?: number } = {},
  ): Promise<{ files: SpaceFile[]; isTruncated: boolean; nextMarker?: string }> {
    return this.transport.send('GET', `${space(spaceId)}/files`, { query: args });
  }
  /** Every live file, following the markers. */
  async listAllFiles(spaceId: string): Promise<SpaceFile[]> {
    const all: SpaceFile[] = [];
    let marker: string | undefined;
    do {
      const page = await this.listFiles(spaceId, marker ? { marker } : {});
      all.push(...page.files);
      marker = page.isTruncated ? page.nextMarker : undefined;
    } while (marker);
    return all;
  }
  getFile(spaceId: string, fileId: string): Promise<SpaceFile> {
    return this.transport.send('GET', `${space(spaceId)}/files/${path(fileId)}`);
  }
  /** The file's content, byte for byte. */
  readFile(spaceId: string, fileId: string): Promise<Uint8Array> {
    return this.transport.sendForBytes('GET', `${space(spaceId)}/files/${path(fileId)}/content`);
  }
  deleteFile(spaceId: string, fileId: string): Promise<void> {
    return this.transport.send('DELETE', `${space(spaceId)}/files/${path(fileId)}`);
  }

  // Markings (enrollment administrators create and grant them).

  listMarkings(): Promise<{ markings: Marking[] }> {
    return this.transport.send('GET', '/api/v1/markings');
  }
  createMarking(args: { name: string; description?: string }): Promise<Marking> {
    return this.transport.send('POST', '/api/v1/markings', { body: args });
  }
  setMarkingMembers(name: string, members: string[]): Promise<Marking> {
    return this.transport.send('PUT', `/api/v1/markings/${path(name)}/members`, { body: { members } });
  }

  // Conflicts.

  listConflicts(
    spaceId: string,
    args: { connectionId?: string; itemId?: string; open?: boolean; marker?: string; maxKeys?: number } = {},
  ): Promise<{ conflicts: Conflict[]; isTruncated: boolean; nextMarker?: string }> {
    const { open, ...rest } = args;
    return this.transport.send('GET', `${space(spaceId)}/conflicts`, {
      query: { ...rest, ...(open !== undefined ? { open: String(open) } : {}) },
    });
  }
  /** Settles a conflict with one of its two values, which becomes a new version everywhere. */
  resolveConflict(
    spaceId: string,
    conflictId: string,
    choose: 'local' | 'remote',
  ): Promise<{ conflict: Conflict; item: SpaceObject | SpaceFile }> {
    return this.transport.send('POST', `${space(spaceId)}/conflicts/${path(conflictId)}/resolve`, {
      body: { choose },
    });
  }

  // Replication of a peer connection.

  /** The connection's replication jobs: one per data type and direction it moves. */
  async listJobs(connectionId: string): Promise<ReplicationJob[]> {
    const { jobs } = await this.transport.send<{ jobs: ReplicationJob[] }>(
      'GET',
      `${connection(connectionId)}/jobs`,
    );
    return jobs;
  }
  listTypeMappings(connectionId: string): Promise<{ mappings: TypeMapping[] }> {
    return this.transport.send('GET', `${connection(connectionId)}/type-mappings`);
  }
  setTypeMapping(
    connectionId: string,
    localType: string,
    args: { remoteType: string; properties: Record<string, string> },
  ): Promise<TypeMapping> {
    return this.transport.send('PUT', `${connection(connectionId)}/type-mappings/${path(localType)}`, {
      body: args,
    });
  }
  deleteTypeMapping(connectionId: string, localType: string): Promise<void> {
    return this.transport.send('DELETE', `${connection(connectionId)}/type-mappings/${path(localType)}`);
  }
}
