/** Row shapes of the Peer Manager federation tables (migration 0007). */
export interface MpxInvitesTable {
  id: string;
  direction: string;
  nonce: string;
  created_by: string;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
  used_for: string | null;
}

export interface MpxConnectionsTable {
  remote_enrollment_id: string;
  name: string | null;
  remote_public_key: string;
  remote_title: string | null;
  remote_address: string | null;
  remote_direction: string | null;
  remote_invite_nonce: string | null;
  local_invite_id: string | null;
  local_direction: string | null;
  entered_at: number | null;
  remote_entered_at: number | null;
  established_at: number | null;
  last_ok_at: number | null;
  last_error: string | null;
  created_at: number;
  refused_at: number | null;
}

export interface RelayChannelsTable {
  id: string;
  name: string;
  remote_enrollment_id: string;
  remote_public_key: string;
  remote_title: string | null;
  direction: string;
  transport: string;
  path: string;
  created_by: string;
  created_at: number;
  last_ok_at: number | null;
  last_error: string | null;
  messages: number;
  rejected: number;
}

export interface OutboxTable {
  id: string;
  remote_enrollment_id: string;
  kind: string;
  /** JSON. */
  body: string;
  created_at: number;
  /** Null once delivered; a lease while a delivery attempt is under way. */
  next_attempt_at: number | null;
  attempts: number;
  last_error: string | null;
  delivered_at: number | null;
  delivered_via: string | null;
}

export interface InboxTable {
  message_id: string;
  remote_enrollment_id: string;
  kind: string;
  received_at: number;
  outcome: string;
}

export interface FederationNoncesTable {
  nonce: string;
  seen_at: number;
}

export interface PmConnectionsTable {
  id: string;
  peering_id: string;
  role: string;
  space_id: string;
  remote_enrollment_id: string;
  remote_title: string | null;
  remote_space_id: string | null;
  remote_space_name: string | null;
  /** JSON: data type -> direction, as seen from this side. */
  data_types: string;
  /** JSON: classification and markings. */
  security: string;
  state: string;
  state_reason: string | null;
  local_disabled: number;
  remote_disabled: number;
  transport: string;
  invite_nonce: string | null;
  invite_expires_at: number | null;
  created_by: string;
  created_at: number;
  updated_at: number;
}

export interface PmChangeRequestsTable {
  id: string;
  connection_id: string;
  origin: string;
  security: string | null;
  data_types: string | null;
  state: string;
  created_by: string;
  created_at: number;
  decided_by: string | null;
  decided_at: number | null;
}

export interface FederationTables {
  mpx_invites: MpxInvitesTable;
  mpx_connections: MpxConnectionsTable;
  relay_channels: RelayChannelsTable;
  outbox: OutboxTable;
  inbox: InboxTable;
  federation_nonces: FederationNoncesTable;
  pm_connections: PmConnectionsTable;
  pm_change_requests: PmChangeRequestsTable;
}
