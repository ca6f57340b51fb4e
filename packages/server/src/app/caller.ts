import type { Region } from '../domain/regions.js';

/** Who is asking, and through which region's endpoint. */
export interface Caller {
  /** Owner of BCE resources (VPCs, peer connections); for a user, the user's id (owns none). */
  accountId: string;
  /**
   * Who acts, as audit logs and space manager lists name them: the account id for AK/SK
   * requests, the user id (`usr-…`) for sessions and bearer tokens.
   */
  principalId: string;
  region: Region;
  isAdmin: boolean;
}

/** A client token and the fingerprint of the request that carried it. */
export interface IdempotencyInput {
  token: string;
  fingerprint: string;
}
