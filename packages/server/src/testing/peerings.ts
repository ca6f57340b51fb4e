import type { ConnectionSecurity, PeerDataTypes } from '@peerlink/sdk';
import { type Enrollment, eventually } from './enrollments.js';

export interface Peering {
  /** The connection's id on A (the originator) and on B (the acceptor). */
  aConnectionId: string;
  bConnectionId: string;
}

/**
 * The document's happy path between A's and B's spaces (§2.2): A requests `dataTypes` (as A sees
 * them), B enters the code and approves with `security`, A activates; answers once both sides
 * show the connection active.
 */
type Side = Pick<Enrollment, 'pm' | 'spaceId' | 'enrollmentId'>;

export async function activePeering(
  a: Side,
  b: Side,
  dataTypes: PeerDataTypes,
  security?: ConnectionSecurity,
): Promise<Peering> {
  const request = await a.pm.createPeerRequest({
    spaceId: a.spaceId,
    remoteEnrollmentId: b.enrollmentId,
    dataTypes,
  });
  const accepted = await b.pm.approvePeerRequest({
    inviteCode: request.inviteCode,
    spaceId: b.spaceId,
    ...(security ? { security } : {}),
  });
  await eventually(
    () => a.pm.getPeerConnection(request.connectionId),
    (connection) => connection.status === 'approved',
  );
  await a.pm.activate(request.connectionId);
  await eventually(
    () => b.pm.getPeerConnection(accepted.connectionId),
    (connection) => connection.status === 'active',
  );
  return { aConnectionId: request.connectionId, bConnectionId: accepted.connectionId };
}
