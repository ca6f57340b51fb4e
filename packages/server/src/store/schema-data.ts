/** Row shapes of space data and its replication (migration 0008). */
export interface ObjectTypesTable {
  space_id: string;
  name: string;
  primary_key: string;
  /** JSON: property name -> type. */
  properties: string;
  created_at: number;
}

export interface SpaceItemsTable {
  id: string;
  space_id: string;
  kind: string;
  type_name: string;
  item_key: string;
  properties: string | null;
  blob_hash: string | null;
  blob_size: number | null;
  classification: string;
  markings: string;
  deleted: number;
  vv: string;
  hlc: number;
  writer: string;
  created_at: number;
  updated_at: number;
}

export interface BlobsTable {
  hash: string;
  size: number;
  content: string;
}

export interface SpaceChangesTable {
  space_id: string;
  seq: number;
  item_id: string;
  kind: string;
  origin_connection_id: string | null;
  conflict_id: string | null;
  at: number;
}

export interface MarkingsTable {
  name: string;
  description: string;
  origin: string;
  members: string;
  created_at: number;
}

/** A marking on an item or a conflict, one row each, for filtering reads in SQL (migration 0009). */
export interface SubjectMarkingsTable {
  subject_id: string;
  marking: string;
}

export interface ItemPeersTable {
  connection_id: string;
  remote_id: string;
  item_id: string;
}

export interface TypeMappingsTable {
  connection_id: string;
  local_type: string;
  remote_type: string;
  properties: string;
  created_at: number;
}

export interface ReplicationJobsTable {
  connection_id: string;
  data_type: string;
  direction: string;
  epoch: number;
  watermark: number;
  sent_seq: number;
  acked: number;
  acked_at: number | null;
  last_transfer_at: number | null;
  last_items: number;
  items_total: number;
  chunks_total: number;
  withheld: number;
  last_error: string | null;
  security: string | null;
}

export interface ParkedItemsTable {
  connection_id: string;
  remote_id: string;
  type_name: string;
  payload: string;
  reason: string;
  parked_at: number;
}

export interface ConflictsTable {
  id: string;
  space_id: string;
  item_id: string;
  connection_id: string;
  local_version: string;
  remote_version: string;
  winner: string;
  reason: string;
  detected_at: number;
  resolved_at: number | null;
  resolved_by: string | null;
  resolution: string | null;
}

export interface DataTables {
  object_types: ObjectTypesTable;
  space_items: SpaceItemsTable;
  blobs: BlobsTable;
  space_changes: SpaceChangesTable;
  markings: MarkingsTable;
  subject_markings: SubjectMarkingsTable;
  item_peers: ItemPeersTable;
  type_mappings: TypeMappingsTable;
  replication_jobs: ReplicationJobsTable;
  parked_items: ParkedItemsTable;
  conflicts: ConflictsTable;
}
