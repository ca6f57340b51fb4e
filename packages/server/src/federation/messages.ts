import type { Chunk } from '../domain/data/wire.js';
import type { DataType, DataTypes, Security } from '../domain/peering/model.js';
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
  /** Changes of one data type, in the exporter's change order (R46). */
  'data.chunk': Chunk;
  /** The importer applied everything up to `appliedSeq` of this epoch. */
  'data.ack': { peeringId: string; dataType: DataType; epoch: number; appliedSeq: number };
  /** The importer missed changes: send again from `fromSeq` (of `epoch`). */
  'data.resend': { peeringId: string; dataType: DataType; epoch: number; fromSeq: number };
  /** An object type mapping set (or removed) on the sender's side, in the sender's names (R28). */
  'data.mapping': {
    peeringId: string;
    senderType: string;
    receiverType: string;
    /** Sender property name -> receiver property name; null when the mapping was removed. */
    properties: Record<string, string> | null;
  };
}
export type MessageKind = keyof MessageBodies;
