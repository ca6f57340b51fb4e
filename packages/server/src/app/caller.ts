import type { Region } from '../domain/regions.js';

/** Who is asking, and through which region's endpoint. */
export interface Caller {
  accountId: string;
  region: Region;
  isAdmin: boolean;
}

/** A client token and the fingerprint of the request that carried it. */
export interface IdempotencyInput {
  token: string;
  fingerprint: string;
}
