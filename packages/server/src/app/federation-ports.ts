import type { PeeringDirection } from '../domain/peering/model.js';
import type { Executor } from '../store/database.js';
import type { AuditEvent } from '../store/repositories/audit.js';
import type { Caller } from './caller.js';

/** A remote enrollment as network policies see it: its id, and where it is reached when known. */
export interface RemoteEndpoint {
  enrollmentId: string;
  /** Host name or IPv4 address. */
  address?: string;
}

/** What the Peer Manager needs from the network policies (R1, R2). */
export interface PolicyChecks {
  allowsEgressTo(db: Executor, remote: RemoteEndpoint): Promise<boolean>;
  allowsIngressFrom(db: Executor, remote: RemoteEndpoint): Promise<boolean>;
  localHalves(
    db: Executor,
    remote: RemoteEndpoint,
  ): Promise<{ egressToRemote: boolean; ingressFromRemote: boolean }>;
}

/** Evaluates this side's half of R2 for one direction: a list of what is missing, empty when allowed. */
export type LocalHalfCheck = (
  direction: PeeringDirection,
  halves: { egressToRemote: boolean; ingressFromRemote: boolean },
  remoteEnrollmentId: string,
) => string[];

/** What the Peer Manager needs from spaces (R10). */
export interface SpaceAccess {
  requireManager(
    db: Executor,
    caller: Caller,
    spaceId: string,
  ): Promise<{ id: string; name: string; description: string }>;
  managedSpaceIds(db: Executor, caller: Caller): Promise<string[]>;
}

export type Audit = (db: Executor, event: Omit<AuditEvent, 'id' | 'at'>) => Promise<void>;

/** Host of a base URL, for policy matching. */
export function hostOf(address: string | null): string | undefined {
  if (!address) return undefined;
  try {
    return new URL(address).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return undefined;
  }
}
