import type { DataTables } from './schema-data.js';
import type { FederationTables } from './schema-federation.js';

/** Row shapes of the database; times are milliseconds since the epoch, booleans 0/1, lists JSON text. */
export interface AccountsTable {
  id: string;
  name: string;
  is_admin: number;
  created_at: number;
}

export interface AccessKeysTable {
  access_key_id: string;
  account_id: string;
  /** The secret key, sealed with the server's master key (see secret-box.ts). */
  secret_sealed: string;
  created_at: number;
}

export interface VpcsTable {
  id: string;
  account_id: string;
  region: string;
  name: string;
  description: string;
  cidr: string;
  ipv6_cidr: string | null;
  secondary_cidrs: string;
  is_default: number;
  relay: number;
  tags: string;
  created_at: number;
}

export interface SubnetsTable {
  id: string;
  account_id: string;
  region: string;
  vpc_id: string;
  name: string;
  zone_name: string;
  cidr: string;
  subnet_type: string;
  description: string;
  tags: string;
  created_at: number;
}

export interface RouteTablesTable {
  id: string;
  account_id: string;
  region: string;
  vpc_id: string;
  name: string;
  created_at: number;
}

export interface RouteRulesTable {
  id: string;
  account_id: string;
  route_table_id: string;
  source_address: string;
  destination_address: string;
  nexthop_id: string;
  nexthop_type: string;
  description: string;
  ip_version: number;
  path_type: string;
  created_at: number;
}

export interface IdempotencyKeysTable {
  account_id: string;
  operation: string;
  token: string;
  fingerprint: string;
  /** JSON of the result returned the first time. */
  result: string;
  created_at: number;
  last_used_at: number;
}

export interface PeerConnsTable {
  id: string;
  status: string;
  next_status: string | null;
  status_due_at: number | null;
  bandwidth_mbps: number;
  payment_timing: string;
  reservation_months: number | null;
  expires_at: number | null;
  consult_deadline: number | null;
  delete_protect: number;
  tags: string;
  created_at: number;
  deleted_at: number | null;
  initiator_account_id: string;
  pair_key: string | null;
  next_due_at: number | null;
}

export interface PeerConnEndsTable {
  peer_conn_id: string;
  /** 0 for the initiator, 1 for the acceptor: the listing order. */
  end_index: number;
  role: string;
  account_id: string;
  region: string;
  vpc_id: string;
  if_id: string;
  if_name: string;
  description: string;
  dns_status: string;
  dns_due_at: number | null;
}

export interface PeerConnEventsTable {
  id: string;
  peer_conn_id: string;
  at: number;
  actor: string;
  action: string;
  from_status: string;
  to_status: string;
  detail: string | null;
}

export interface EnrollmentTable {
  slot: string;
  id: string;
  /** Ed25519 public key, raw 32 bytes in base64url. */
  public_key: string;
  /** Ed25519 private key (PKCS#8 DER, base64), sealed with the master key. */
  private_key_sealed: string;
  platform_title: string | null;
  created_at: number;
}

export interface AuditEventsTable {
  id: string;
  at: number;
  /** Account id of whoever acted. */
  actor: string;
  action: string;
  target: string;
  detail: string | null;
}

export interface Database extends FederationTables, DataTables {
  accounts: AccountsTable;
  access_keys: AccessKeysTable;
  vpcs: VpcsTable;
  subnets: SubnetsTable;
  route_tables: RouteTablesTable;
  route_rules: RouteRulesTable;
  idempotency_keys: IdempotencyKeysTable;
  peer_conns: PeerConnsTable;
  peer_conn_ends: PeerConnEndsTable;
  peer_conn_events: PeerConnEventsTable;
  enrollment: EnrollmentTable;
  audit_events: AuditEventsTable;
  users: UsersTable;
  user_tokens: UserTokensTable;
  user_sessions: UserSessionsTable;
  dataplane_endpoints: DataplaneEndpointsTable;
}

/** A dataplane endpoint (migration 0009): an address in a subnet, programmed as a namespace. */
export interface DataplaneEndpointsTable {
  id: string;
  account_id: string;
  region: string;
  vpc_id: string;
  subnet_id: string;
  name: string;
  ip: string;
  created_at: number;
}

/** A local user (migration 0005): console logins, bearer tokens. */
export interface UsersTable {
  id: string;
  username: string;
  /** `scrypt$N$r$p$salt$hash` (app/passwords.ts). */
  password_hash: string;
  is_admin: number;
  created_at: number;
}

export interface UserTokensTable {
  id: string;
  user_id: string;
  name: string;
  /** SHA-256 (hex) of the `plk_…` token. */
  token_hash: string;
  created_at: number;
  last_used_at: number | null;
}

export interface UserSessionsTable {
  /** SHA-256 (hex) of the session secret. */
  id: string;
  user_id: string;
  created_at: number;
  expires_at: number;
}

/** A space (migration 0006): the container a Peer Manager connection joins on each side. */
export interface SpacesTable {
  id: string;
  name: string;
  description: string;
  created_at: number;
}

/** Who manages a space: account ids or user ids (`usr-…`). */
export interface SpaceManagersTable {
  space_id: string;
  principal_id: string;
}

/** One entry of the ingress allow-list; exactly one of cidr, enrollment_id, country is set. */
export interface IngressRulesTable {
  id: string;
  cidr: string | null;
  enrollment_id: string | null;
  country: string | null;
  description: string;
  created_at: number;
}

/** One allowed egress destination; exactly one of destination, enrollment_id is set. */
export interface EgressRulesTable {
  id: string;
  destination: string | null;
  enrollment_id: string | null;
  description: string;
  created_at: number;
}

/** The tables of migration 0006, merged into `Database` above. */
export interface Database {
  spaces: SpacesTable;
  space_managers: SpaceManagersTable;
  ingress_rules: IngressRulesTable;
  egress_rules: EgressRulesTable;
}
