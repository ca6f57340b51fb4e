import { type ClientConfig, SignedTransport } from '../transport.js';

export type PeeringDirection = 'export' | 'import' | 'both';
/** Data type -> direction, as the side that shows them sees them. */
export type PeerDataTypes = Partial<Record<'objects' | 'files', PeeringDirection>>;
/** Security as it is set: a classification and marking names. */
export interface ConnectionSecurity {
  classification: 'UNCLASSIFIED' | 'CONFIDENTIAL' | 'SECRET' | 'TOP SECRET';
  markings: string[];
}
/**
 * Security as the caller is shown it: a marking it may not see is `null` (shown "Unknown", R25),
 * after the names it may see. A change naming markings keeps the hidden ones in force.
 */
export interface ConnectionSecurityView {
  classification: ConnectionSecurity['classification'];
  markings: (string | null)[];
}
/** The name to show for a marking of a connection the caller may not see. */
export const UNKNOWN_MARKING = 'Unknown';
/** Marking names for display: `null` (a marking the caller may not see) becomes "Unknown". */
export const markingLabels = (markings: readonly (string | null)[]): string[] =>
  markings.map((marking) => marking ?? UNKNOWN_MARKING);
export type MpxDirection = 'bidirectional' | 'egress' | 'ingress';

export interface MpxInvite {
  inviteId: string;
  direction: MpxDirection;
  status: 'open' | 'used' | 'revoked' | 'expired';
  usedFor: string | null;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  /** Present when the invite is created or read one by one. */
  code?: string;
}

export interface MpxConnection {
  remoteEnrollmentId: string;
  name: string | null;
  /**
   * established once both sides entered each other's code; refused when the other side refused
   * this side's notice (an invite already used, revoked or unknown there): `health.lastError` says why.
   */
  status: 'established' | 'awaiting-remote' | 'awaiting-local' | 'refused';
  remoteTitle: string | null;
  remoteAddress: string | null;
  localDirection: MpxDirection | null;
  remoteDirection: MpxDirection | null;
  localInviteId: string | null;
  enteredAt: string | null;
  remoteEnteredAt: string | null;
  establishedAt: string | null;
  health: { lastOkAt: string | null; lastError: string | null; pendingMessages: number };
}

export interface RelayChannel {
  channelId: string;
  name: string;
  remoteEnrollmentId: string;
  remoteTitle: string | null;
  direction: 'export' | 'import';
  transport: 'file';
  path: string;
  health: 'healthy' | 'unhealthy';
  healthReason: string | null;
  messages: number;
  rejected: number;
  waiting: number;
  lastOkAt: string | null;
  createdAt: string;
}

export type PeerConnectionStatus =
  | 'requested'
  | 'expired'
  | 'approved'
  | 'active'
  | 'disabled'
  | 'refused'
  | 'cancelled'
  | 'deleted';

export interface PeerConnectionInfo {
  connectionId: string;
  peeringId: string;
  role: 'originator' | 'acceptor';
  status: PeerConnectionStatus;
  state: Exclude<PeerConnectionStatus, 'expired' | 'disabled'>;
  stateReason: string | null;
  spaceId: string;
  remote: { enrollmentId: string; platformTitle: string | null; space: { id: string; name: string } | null };
  dataTypes: PeerDataTypes;
  security: ConnectionSecurityView;
  disabled: { local: boolean; remote: boolean };
  transport: 'mpx' | 'relay';
  inviteExpiresAt: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface ChangeRequestInfo {
  changeId: string;
  connectionId: string;
  /** local: proposed here, waiting for the other side; remote: proposed there, decided here. */
  origin: 'local' | 'remote';
  security: ConnectionSecurityView | null;
  dataTypes: PeerDataTypes | null;
  state: 'pending' | 'approved' | 'rejected';
  createdBy: string;
  createdAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
}

export interface PeerRequestPreview {
  peeringId: string;
  originator: { enrollmentId: string; platformTitle: string | null };
  space: { id: string; name: string; description: string };
  /** As the importing side would see them. */
  dataTypes: PeerDataTypes;
  transport: 'mpx' | 'relay';
  expiresAt: string;
  missingPolicies: string[];
}

const path = (id: string) => encodeURIComponent(id);

/**
 * The Peer Manager (`/api/v1/network`, `/api/v1/peer-requests`, `/api/v1/peer-connections`):
 * network connections between enrollments (administrators), then peer requests, invite codes,
 * approval and activation (managers of the spaces concerned).
 */
export class PeerManagerClient {
  private readonly transport: SignedTransport;

  constructor(config: ClientConfig) {
    this.transport = new SignedTransport(config);
  }

  // Network connections (enrollment administrators).

  createMpxInvite(args: {
    direction: MpxDirection;
    expiresInDays?: number;
  }): Promise<MpxInvite & { code: string }> {
    return this.transport.send('POST', '/api/v1/network/mpx/invites', { body: args });
  }
  listMpxInvites(): Promise<{ invites: MpxInvite[] }> {
    return this.transport.send('GET', '/api/v1/network/mpx/invites');
  }
  getMpxInvite(inviteId: string): Promise<MpxInvite & { code: string }> {
    return this.transport.send('GET', `/api/v1/network/mpx/invites/${path(inviteId)}`);
  }
  revokeMpxInvite(inviteId: string): Promise<MpxInvite> {
    return this.transport.send('DELETE', `/api/v1/network/mpx/invites/${path(inviteId)}`);
  }
  /** Enters the other side's MPX invite code; `inviteId` names this side's invite when several are open. */
  enterMpxInvite(args: { code: string; name: string; inviteId?: string }): Promise<MpxConnection> {
    return this.transport.send('POST', '/api/v1/network/mpx/connections', { body: args });
  }
  listMpxConnections(): Promise<{ connections: MpxConnection[] }> {
    return this.transport.send('GET', '/api/v1/network/mpx/connections');
  }
  /** This enrollment's identity card, for the other side's relay channels. */
  getIdentity(): Promise<{
    enrollmentId: string;
    platformTitle: string | null;
    address: string | null;
    identityCard: string;
  }> {
    return this.transport.send('GET', '/api/v1/network/identity');
  }
  createRelayChannel(args: {
    name: string;
    remoteIdentity: string;
    direction: 'export' | 'import';
    path: string;
    transport?: 'file';
  }): Promise<RelayChannel> {
    return this.transport.send('POST', '/api/v1/network/relay/channels', { body: args });
  }
  listRelayChannels(): Promise<{ channels: RelayChannel[] }> {
    return this.transport.send('GET', '/api/v1/network/relay/channels');
  }
  deleteRelayChannel(channelId: string): Promise<void> {
    return this.transport.send('DELETE', `/api/v1/network/relay/channels/${path(channelId)}`);
  }

  // Peer requests and connections (space managers).

  /** "Create a peer request": answers the request and its invite code ("Copy invite code"). */
  createPeerRequest(args: {
    spaceId: string;
    remoteEnrollmentId: string;
    dataTypes: PeerDataTypes;
    expiresInDays?: number;
  }): Promise<PeerConnectionInfo & { inviteCode: string }> {
    return this.transport.send('POST', '/api/v1/peer-requests', { body: args });
  }
  /** "Enter invite code": the connection details, nothing stored. */
  previewPeerRequest(inviteCode: string): Promise<PeerRequestPreview> {
    return this.transport.send('POST', '/api/v1/peer-requests/preview', { body: { inviteCode } });
  }
  /** "Approve request", into a space the caller manages, optionally with security ("Set security"). */
  approvePeerRequest(args: {
    inviteCode: string;
    spaceId: string;
    security?: Partial<ConnectionSecurity>;
  }): Promise<PeerConnectionInfo> {
    return this.transport.send('POST', '/api/v1/peer-requests/approve', { body: args });
  }
  listPeerConnections(
    args: { state?: string; marker?: string; maxKeys?: number } = {},
  ): Promise<{ connections: PeerConnectionInfo[]; isTruncated: boolean; nextMarker?: string }> {
    return this.transport.send('GET', '/api/v1/peer-connections', { query: args });
  }
  getPeerConnection(
    connectionId: string,
  ): Promise<PeerConnectionInfo & { changeRequests: ChangeRequestInfo[] }> {
    return this.transport.send('GET', `/api/v1/peer-connections/${path(connectionId)}`);
  }
  getInviteCode(connectionId: string): Promise<{ inviteCode: string }> {
    return this.transport.send('GET', `/api/v1/peer-connections/${path(connectionId)}/invite-code`);
  }
  activate(connectionId: string): Promise<PeerConnectionInfo> {
    return this.transport.send('POST', `/api/v1/peer-connections/${path(connectionId)}/activate`);
  }
  disable(connectionId: string): Promise<PeerConnectionInfo> {
    return this.transport.send('POST', `/api/v1/peer-connections/${path(connectionId)}/disable`);
  }
  enable(connectionId: string): Promise<PeerConnectionInfo> {
    return this.transport.send('POST', `/api/v1/peer-connections/${path(connectionId)}/enable`);
  }
  /** A security or data type change: becomes a change request the other side decides. */
  proposeChange(
    connectionId: string,
    args: { security?: Partial<ConnectionSecurity>; dataTypes?: PeerDataTypes },
  ): Promise<ChangeRequestInfo> {
    return this.transport.send('PUT', `/api/v1/peer-connections/${path(connectionId)}/settings`, {
      body: args,
    });
  }
  approveChange(connectionId: string, changeId: string): Promise<PeerConnectionInfo> {
    return this.transport.send(
      'POST',
      `/api/v1/peer-connections/${path(connectionId)}/change-requests/${path(changeId)}/approve`,
    );
  }
  rejectChange(connectionId: string, changeId: string): Promise<PeerConnectionInfo> {
    return this.transport.send(
      'POST',
      `/api/v1/peer-connections/${path(connectionId)}/change-requests/${path(changeId)}/reject`,
    );
  }
  /** Deletes a connection on both sides, or revokes a request still waiting. */
  deletePeerConnection(connectionId: string): Promise<PeerConnectionInfo> {
    return this.transport.send('DELETE', `/api/v1/peer-connections/${path(connectionId)}`);
  }
  /** Change requests waiting for this side's decision (the home page's pending list). */
  listPendingChanges(): Promise<{
    changeRequests: Array<ChangeRequestInfo & { connection: PeerConnectionInfo }>;
  }> {
    return this.transport.send('GET', '/api/v1/change-requests');
  }
}
