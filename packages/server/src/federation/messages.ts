import type { DataTypes, Security } from '../domain/peering/model.js';
import type { MpxDirection } from '../domain/peering/mpx.js';

/** What enrollments tell each other; every body is written from its sender's point of view. */
export interface MessageBodies {
  /** I entered your MPX invite (whose nonce I quote) with mine (whose nonce I also quote). */
  'mpx.entered': {
    inviteNonce: string;
    senderInviteNonce: string;
    senderKey: string;
    senderDirection: MpxDirection;
    senderAddress: string | null;
    senderTitle: string | null;
  };
  /** The acceptor approved the originator's request. */
  'peering.approved': {
    peeringId: string;
    inviteNonce: string;
    approvedAt: number;
    space: { id: string; name: string };
    security: Security;
    title: string | null;
  };
  /** The originator refused an approval. */
  'peering.refused': { peeringId: string; reason: string; message: string };
  'peering.activated': { peeringId: string };
  'peering.status': { peeringId: string; disabled: boolean };
  /** A security or data type change that waits for the other side's approval (R19, R20). */
  'peering.change-proposed': {
    peeringId: string;
    changeId: string;
    security: Security | null;
    dataTypes: DataTypes | null;
  };
  'peering.change-decided': { peeringId: string; changeId: string; approved: boolean };
  'peering.deleted': { peeringId: string };
}
export type MessageKind = keyof MessageBodies;
