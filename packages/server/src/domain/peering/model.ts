import { badRequest, DomainError, operationDenied } from '../errors.js';
import { mirrorDirection, type PeeringDirection } from '../policy.js';

export type { PeeringDirection };

/**
 * A Peer Manager peer connection as one side records it (reference §2.4): each enrollment keeps
 * its own record, both carrying the originator's `peeringId`; data types and their directions are
 * written from the recording side's point of view, so the two records mirror each other.
 */
export const DATA_TYPES = ['objects', 'files'] as const;
export type DataType = (typeof DATA_TYPES)[number];
export const PEERING_DIRECTIONS: readonly PeeringDirection[] = ['export', 'import', 'both'];
export type DataTypes = Partial<Record<DataType, PeeringDirection>>;

export const CLASSIFICATIONS = ['UNCLASSIFIED', 'CONFIDENTIAL', 'SECRET', 'TOP SECRET'] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];

/** The most a resource may carry to cross this connection (reference §3.7). */
export interface Security {
  classification: Classification;
  markings: string[];
}

export const DEFAULT_SECURITY: Security = { classification: 'UNCLASSIFIED', markings: [] };

export type PeeringRole = 'originator' | 'acceptor';
/**
 * requested: the originator made the request and holds the invite code; approved: the acceptor
 * approved (the originator has heard of it), waiting for the originator to activate; active;
 * refused: the originator refused an approval (code used, revoked, expired, policy);
 * cancelled: the originator revoked the request; deleted: either side deleted the connection.
 */
export type PeeringState = 'requested' | 'approved' | 'active' | 'refused' | 'cancelled' | 'deleted';
export type Transport = 'mpx' | 'relay';

export interface PeerConnection {
  id: string;
  peeringId: string;
  role: PeeringRole;
  spaceId: string;
  remoteEnrollmentId: string;
  remoteTitle: string | null;
  remoteSpace: { id: string; name: string } | null;
  dataTypes: DataTypes;
  security: Security;
  state: PeeringState;
  stateReason: string | null;
  localDisabled: boolean;
  remoteDisabled: boolean;
  transport: Transport;
  invite: { nonce: string; expiresAt: number } | null;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
}

/** What either side shows: disabled when either side disabled an active connection (R18). */
export function statusOf(connection: PeerConnection): PeeringState | 'disabled' {
  if (connection.state === 'active' && (connection.localDisabled || connection.remoteDisabled))
    return 'disabled';
  return connection.state;
}

/** The other side's view: my export is its import (reference §2.2 notes). */
export function mirror(dataTypes: DataTypes): DataTypes {
  const mirrored: DataTypes = {};
  for (const type of DATA_TYPES) {
    const direction = dataTypes[type];
    if (direction) mirrored[type] = mirrorDirection(direction);
  }
  return mirrored;
}

/** Every direction asked for across the data types, for the network policy check (R2). */
export function directionsOf(dataTypes: DataTypes): PeeringDirection[] {
  return [...new Set(DATA_TYPES.flatMap((type) => dataTypes[type] ?? []))];
}

export function checkDataTypes(value: Record<string, string>): DataTypes {
  const result: DataTypes = {};
  for (const [type, direction] of Object.entries(value)) {
    if (!(DATA_TYPES as readonly string[]).includes(type))
      throw badRequest('InvalidDataTypes', `unknown data type "${type}"; use ${DATA_TYPES.join(' or ')}`);
    if (!(PEERING_DIRECTIONS as readonly string[]).includes(direction))
      throw badRequest('InvalidDataTypes', `the direction of ${type} must be export, import or both`);
    result[type as DataType] = direction as PeeringDirection;
  }
  if (Object.keys(result).length === 0)
    throw badRequest(
      'InvalidDataTypes',
      'choose at least one data type (objects, files) to export, import or both',
    );
  return result;
}

const MARKING = /^[\p{L}\p{N}][\p{L}\p{N} _.-]{0,63}$/u;

export function checkSecurity(value: { classification?: string; markings?: string[] }): Security {
  const classification = (value.classification ?? 'UNCLASSIFIED').toUpperCase();
  if (!(CLASSIFICATIONS as readonly string[]).includes(classification))
    throw badRequest('InvalidSecurity', `the classification must be one of ${CLASSIFICATIONS.join(', ')}`);
  const markings = [...new Set(value.markings ?? [])].sort();
  for (const marking of markings) {
    if (!MARKING.test(marking))
      throw badRequest(
        'InvalidSecurity',
        `marking "${marking}" must be 1-64 letters, digits, spaces, dots, dashes or underscores`,
      );
  }
  if (markings.length > 64) throw badRequest('InvalidSecurity', 'a connection allows at most 64 markings');
  return { classification: classification as Classification, markings };
}

export function sameSecurity(a: Security, b: Security): boolean {
  return a.classification === b.classification && a.markings.join('\n') === b.markings.join('\n');
}

/** Refuses an action in any state but the ones listed, naming the state it found. */
export function requireState(connection: PeerConnection, allowed: PeeringState[], action: string): void {
  if (!allowed.includes(connection.state)) {
    throw operationDenied(
      'InvalidPeeringState',
      `cannot ${action} peer connection ${connection.id}: it is ${connection.state} (needs ${allowed.join(' or ')})`,
    );
  }
}

export function requireRole(connection: PeerConnection, role: PeeringRole, action: string): void {
  if (connection.role !== role) {
    throw new DomainError(
      'AccessDenied',
      role === 'originator' ? 'OnlyOriginator' : 'OnlyAcceptor',
      `only the ${role} of peer connection ${connection.id} may ${action}`,
    );
  }
}
