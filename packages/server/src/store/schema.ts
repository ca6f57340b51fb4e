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

export interface Database {
  accounts: AccountsTable;
  access_keys: AccessKeysTable;
  vpcs: VpcsTable;
  subnets: SubnetsTable;
  route_tables: RouteTablesTable;
  route_rules: RouteRulesTable;
  idempotency_keys: IdempotencyKeysTable;
}
