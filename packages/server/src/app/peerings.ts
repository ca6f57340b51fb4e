import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import { keepHiddenMarkings, type MarkingViewer, requireHeldMarkings } from '../domain/data/visibility.js';
import { badRequest, noSuchObject, operationDenied } from '../domain/errors.js';
import {
  checkDataTypes,
  checkSecurity,
  type DataTypes,
  DEFAULT_SECURITY,
  directionsOf,
  mirror,
  type PeerConnection,
  type PeeringState,
  requireRole,
  requireState,
  type Security,
  sameSecurity,
  type Transport,
} from '../domain/peering/model.js';
import { localHalfMissing, policyRefusal } from '../domain/policy.js';
import { decodeCode, encodeCode, type SignedPayload } from '../federation/codes.js';
import type { MessageBodies } from '../federation/messages.js';
import type { Receiver } from '../federation/receiver.js';
import type { Db, Executor } from '../store/database.js';
import {
  type ChangeRequest,
  decideChangeRequest,
  findChangeRequest,
  findPeerConnection,
  findPeerConnectionByPeering,
  insertChangeRequest,
  insertPeerConnection,
  listChangeRequests,
  listPeerConnections,
  savePeerConnection,
} from '../store/repositories/pm-connections.js';
import { findSpace } from '../store/repositories/spaces.js';
import { transact } from '../store/transact.js';
import type { Caller } from './caller.js';
import type { EnrollmentService } from './enrollment.js';
import { type Audit, hostOf, type PolicyChecks, type SpaceAccess } from './federation-ports.js';
import type { IdGenerator } from './ids.js';
import { markingViewer } from './marking-viewer.js';
import { checkInviteDays, type NetworkService } from './network.js';
import type { Outbox } from './outbox.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** A peer request's invite code (R13): enough for the other side to show the connection details. */
export interface PeerRequestPayload extends SignedPayload {
  /** The peering id. */
  pid: string;
  /** The enrollment the request is for: nobody else can import it. */
  to: string;
  transport: Transport;
  space: { id: string; name: string; description: string };
  /** As the originator sees them. */
  types: DataTypes;
  nonce: string;
  exp: number;
}

/** What the importing side is shown before it approves; nothing is stored (R13, §2.2 step 3). */
export interface PeerRequestPreview {
  peeringId: string;
  originator: { enrollmentId: string; platformTitle: string | null };
  space: { id: string; name: string; description: string };
  /** As this side would see them: the originator's export is this side's import. */
  dataTypes: DataTypes;
  transport: Transport;
  expiresAt: number;
  /** Policies of this side the request would need and that are missing (approval refuses then). */
  missingPolicies: string[];
}

/**
 * Peer Manager peer connections (reference §2, R10-R21): requests with invite codes, import and
 * approve on the other side, activation by the originator, disable/enable, security and data type
 * change requests, delete. Every step that concerns the other side writes a message to the outbox
 * in the same transaction; the handlers at the bottom apply the other side's messages.
 */
export class PeeringService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly enrollment: EnrollmentService,
    private readonly network: NetworkService,
    private readonly spaces: SpaceAccess,
    private readonly policies: PolicyChecks,
    private readonly outbox: Outbox,
    private readonly audit: Audit,
  ) {}

  /** What `caller` may see of markings, for showing connections and change requests (R25). */
  async markingViewer(caller: Caller): Promise<MarkingViewer> {
    return markingViewer(this.db, caller);
  }

  registerHandlers(receiver: Receiver): void {
    receiver.on('peering.approved', (tx, from, body) => this.onApproved(tx, from, body));
    receiver.on('peering.refused', (tx, from, body) => this.onRefused(tx, from, body));
    receiver.on('peering.activated', (tx, from, body) => this.onActivated(tx, from, body));
    receiver.on('peering.status', (tx, from, body) => this.onStatus(tx, from, body));
    receiver.on('peering.change-proposed', (tx, from, body) => this.onChangeProposed(tx, from, body));
    receiver.on('peering.change-decided', (tx, from, body) => this.onChangeDecided(tx, from, body));
    receiver.on('peering.deleted', (tx, from, body) => this.onDeleted(tx, from, body));
  }

  /**
   * "Create a peer request" (R11, R12): needs a platform title, a manager of the space, a transport
   * to the remote enrollment and this side's half of the network policies; contacts nobody.
   */
  async createRequest(
    caller: Caller,
    input: {
      spaceId: string;
      remoteEnrollmentId: string;
      dataTypes: Record<string, string>;
      expiresInDays?: number;
    },
  ): Promise<{ connection: PeerConnection; inviteCode: string }> {
    const dataTypes = checkDataTypes(input.dataTypes);
    const days = checkInviteDays(input.expiresInDays);
    const self = await this.enrollment.get();
    if (!self.platformTitle)
      throw operationDenied(
        'PlatformTitleMissing',
        'this enrollment has no platform title yet: an administrator must set one (peerlink enrollment title) before any peer request, so that the other side knows who asks',
      );
    if (input.remoteEnrollmentId === self.id)
      throw badRequest('InvalidRemoteEnrollment', 'a peer request joins two different enrollments');
    const now = this.clock.now();
    const connection = await transact(this.db, async (tx) => {
      const space = await this.spaces.requireManager(tx, caller, input.spaceId);
      const transport = await this.network.requireTransport(tx, input.remoteEnrollmentId);
      await this.requirePolicies(tx, input.remoteEnrollmentId, dataTypes, transportAddress(transport));
      const id = this.ids.next('pmc');
      const connection: PeerConnection = {
        id,
        peeringId: id,
        role: 'originator',
        spaceId: space.id,
        remoteEnrollmentId: input.remoteEnrollmentId,
        remoteTitle:
          transport.kind === 'mpx' ? transport.connection.remoteTitle : transport.exportChannel.remoteTitle,
        remoteSpace: null,
        dataTypes,
        security: DEFAULT_SECURITY,
        state: 'requested',
        stateReason: null,
        localDisabled: false,
        remoteDisabled: false,
        transport: transport.kind,
        invite: { nonce: randomBytes(18).toString('base64url'), expiresAt: now + days * DAY_MS },
        createdBy: caller.principalId,
        createdAt: now,
        updatedAt: now,
      };
      await insertPeerConnection(tx, connection);
      await this.audit(tx, {
        actor: caller.principalId,
        action: 'CreatePeerRequest',
        target: id,
        detail: `space ${space.id} with ${input.remoteEnrollmentId}: ${describeTypes(dataTypes)}`,
      });
      return connection;
    });
    return { connection, inviteCode: await this.inviteCodeOf(connection) };
  }

  /** "Copy invite code" again, for a request still waiting (the same code each time). */
  async inviteCode(caller: Caller, id: string): Promise<string> {
    const connection = await this.getManaged(this.db, caller, id);
    requireRole(connection, 'originator', 'copy the invite code');
    requireState(connection, ['requested'], 'copy the invite code of');
    return this.inviteCodeOf(connection);
  }

  private async inviteCodeOf(connection: PeerConnection): Promise<string> {
    const key = await this.enrollment.signingKey();
    const self = await this.enrollment.get();
    const space = (await findSpace(this.db, connection.spaceId)) ?? {
      id: connection.spaceId,
      name: connection.spaceId,
      description: '',
    };
    const payload: PeerRequestPayload = {
      enr: self.id,
      key: key.publicKey,
      title: self.platformTitle,
      pid: connection.peeringId,
      to: connection.remoteEnrollmentId,
      transport: connection.transport,
      space: { id: space.id, name: space.name, description: space.description },
      types: connection.dataTypes,
      nonce: connection.invite!.nonce,
      exp: connection.invite!.expiresAt,
    };
    return encodeCode('peerRequest', payload, key);
  }

  /** "Enter invite code": checks the code and shows the connection details; stores nothing. */
  async preview(_caller: Caller, inviteCode: string): Promise<PeerRequestPreview> {
    const payload = await this.readInvite(this.db, await this.enrollment.get(), inviteCode);
    const dataTypes = mirror(payload.types);
    const halves = await this.policies.localHalves(this.db, { enrollmentId: payload.enr });
    return {
      peeringId: payload.pid,
      originator: { enrollmentId: payload.enr, platformTitle: payload.title },
      space: payload.space,
      dataTypes,
      transport: payload.transport,
      expiresAt: payload.exp,
      missingPolicies: [
        ...new Set(directionsOf(dataTypes).flatMap((d) => localHalfMissing(d, halves, payload.enr))),
      ],
    };
  }

  /**
   * Checks a peer request code as the importing side: for us, from a peer we know, in time, new.
   * `self` is read before any transaction: on SQLite a read through the pool inside one waits forever.
   */
  private async readInvite(
    db: Executor,
    self: { id: string },
    inviteCode: string,
  ): Promise<PeerRequestPayload> {
    const payload = decodeCode<PeerRequestPayload>('peerRequest', inviteCode);
    if (
      typeof payload.pid !== 'string' ||
      typeof payload.nonce !== 'string' ||
      typeof payload.exp !== 'number' ||
      !payload.space
    )
      throw badRequest('InviteCodeInvalid', 'this peer request invite code lacks the request it describes');
    if (payload.enr === self.id)
      throw badRequest(
        'OwnInviteCode',
        'this invite code was made on this enrollment: send it to the other side',
      );
    if (payload.to !== self.id)
      throw operationDenied(
        'InviteNotForThisEnrollment',
        `this invite code is for enrollment ${payload.to}, not this one (${self.id})`,
      );
    const known = await this.network.knownKey(db, payload.enr);
    if (!known) await this.network.requireTransport(db, payload.enr);
    if (known && known !== payload.key)
      throw badRequest(
        'InviteCodeInvalid',
        `this invite code is signed by a key that is not the one this side knows for ${payload.enr}`,
      );
    if (payload.exp < this.clock.now())
      throw operationDenied(
        'InviteExpired',
        `this invite code expired at ${new Date(payload.exp).toISOString()}; ask for a new one`,
      );
    const existing = await findPeerConnectionByPeering(db, payload.pid);
    if (existing)
      throw operationDenied(
        'InviteAlreadyUsed',
        `this invite code was already imported here (peer connection ${existing.id})`,
      );
    checkDataTypes(payload.types as Record<string, string>);
    return payload;
  }

  /**
   * "Approve request" (R14): the receiving space (managed by the caller), optional security, this
   * side's half of the policies; the approval travels to the originator, which may still refuse it
   * (revoked, already used, expired, its own policies).
   */
  async approve(
    caller: Caller,
    input: {
      inviteCode: string;
      spaceId: string;
      security?: { classification?: string; markings?: string[] };
    },
  ): Promise<PeerConnection> {
    const security = input.security ? checkSecurity(input.security) : DEFAULT_SECURITY;
    const self = await this.enrollment.get();
    return transact(this.db, async (tx) => {
      const payload = await this.readInvite(tx, self, input.inviteCode);
      const space = await this.spaces.requireManager(tx, caller, input.spaceId);
      requireHeldMarkings(security.markings, [], await markingViewer(tx, caller));
      const transport = await this.network.requireTransport(tx, payload.enr);
      const dataTypes = mirror(payload.types);
      await this.requirePolicies(tx, payload.enr, dataTypes, transportAddress(transport));
      const now = this.clock.now();
      const connection: PeerConnection = {
        id: this.ids.next('pmc'),
        peeringId: payload.pid,
        role: 'acceptor',
        spaceId: space.id,
        remoteEnrollmentId: payload.enr,
        remoteTitle: payload.title,
        remoteSpace: { id: payload.space.id, name: payload.space.name },
        dataTypes,
        security,
        state: 'approved',
        stateReason: 'waiting for the originator to activate',
        localDisabled: false,
        remoteDisabled: false,
        transport: transport.kind,
        invite: null,
        createdBy: caller.principalId,
        createdAt: now,
        updatedAt: now,
      };
      await insertPeerConnection(tx, connection);
      await this.outbox.enqueue(tx, payload.enr, 'peering.approved', {
        peeringId: payload.pid,
        inviteNonce: payload.nonce,
        approvedAt: now,
        space: { id: space.id, name: space.name },
        security,
        title: self.platformTitle,
      });
      await this.audit(tx, {
        actor: caller.principalId,
        action: 'ApprovePeerRequest',
        target: connection.id,
        detail: `request ${payload.pid} from ${payload.enr} into space ${space.id}; security ${describeSecurity(security)}`,
      });
      return connection;
    });
  }

  /** "Activate" (R15): only the originator, once the approval has arrived. */
  async activate(caller: Caller, id: string): Promise<PeerConnection> {
    return this.change(caller, id, 'ActivatePeerConnection', async (tx, connection) => {
      requireRole(connection, 'originator', 'activate it');
      requireState(connection, ['approved'], 'activate');
      // The other side chose the security; activating starts exporting this side's data under it.
      requireHeldMarkings(connection.security.markings, [], await markingViewer(tx, caller));
      const transport = await this.network.requireTransport(tx, connection.remoteEnrollmentId);
      await this.requirePolicies(
        tx,
        connection.remoteEnrollmentId,
        connection.dataTypes,
        transportAddress(transport),
      );
      await this.outbox.enqueue(tx, connection.remoteEnrollmentId, 'peering.activated', {
        peeringId: connection.peeringId,
      });
      return { ...connection, state: 'active', stateReason: null };
    });
  }

  /** Settings → Status (R18): either side, on an active connection. */
  async setDisabled(caller: Caller, id: string, disabled: boolean): Promise<PeerConnection> {
    return this.change(
      caller,
      id,
      disabled ? 'DisablePeerConnection' : 'EnablePeerConnection',
      async (tx, connection) => {
        requireState(connection, ['active'], disabled ? 'disable' : 'enable');
        if (connection.localDisabled === disabled) return connection;
        await this.outbox.enqueue(tx, connection.remoteEnrollmentId, 'peering.status', {
          peeringId: connection.peeringId,
          disabled,
        });
        return { ...connection, localDisabled: disabled };
      },
    );
  }

  /**
   * Settings → Security / data types (R19, R20): becomes a change request the other side approves;
   * the current settings stay in force until then.
   */
  async proposeChange(
    caller: Caller,
    id: string,
    input: {
      security?: { classification?: string; markings?: string[] };
      dataTypes?: Record<string, string>;
    },
  ): Promise<ChangeRequest> {
    const dataTypes = input.dataTypes ? checkDataTypes(input.dataTypes) : null;
    if (!input.security && !dataTypes)
      throw badRequest('NothingToChange', 'give new security, new data types, or both');
    let change: ChangeRequest | undefined;
    await this.change(caller, id, 'ProposeConnectionChange', async (tx, connection) => {
      requireState(connection, ['approved', 'active'], 'change the settings of');
      // A field left out keeps its current value: changing the classification keeps the markings.
      // Markings the caller may not see stay too: it was shown them as "Unknown" and cannot name
      // them (R25), so leaving them out must not remove them.
      const viewer = await markingViewer(tx, caller);
      const security = input.security
        ? checkSecurity({
            classification: input.security.classification ?? connection.security.classification,
            markings: keepHiddenMarkings(
              input.security.markings ?? connection.security.markings,
              connection.security.markings,
              viewer,
            ),
          })
        : null;
      if (security) requireHeldMarkings(security.markings, connection.security.markings, viewer);
      const pending = await listChangeRequests(tx, { connectionIds: [connection.id], state: 'pending' });
      if (pending.length > 0)
        throw operationDenied(
          'ChangePending',
          `change request ${pending[0]!.id} is still waiting for a decision`,
        );
      if (
        (!security || sameSecurity(security, connection.security)) &&
        (!dataTypes || sameTypes(dataTypes, connection.dataTypes))
      )
        throw badRequest('NothingToChange', 'the settings asked for are the current ones');
      if (dataTypes) await this.requirePolicies(tx, connection.remoteEnrollmentId, dataTypes, undefined);
      change = {
        id: this.ids.next('chg'),
        connectionId: connection.id,
        origin: 'local',
        security,
        dataTypes,
        state: 'pending',
        createdBy: caller.principalId,
        createdAt: this.clock.now(),
        decidedBy: null,
        decidedAt: null,
      };
      await insertChangeRequest(tx, change);
      await this.outbox.enqueue(tx, connection.remoteEnrollmentId, 'peering.change-proposed', {
        peeringId: connection.peeringId,
        changeId: change.id,
        security,
        dataTypes,
      });
      return connection;
    });
    return change!;
  }

  /** The other side's decision on a change request it received (R19). */
  async decideChange(
    caller: Caller,
    id: string,
    changeId: string,
    approve: boolean,
  ): Promise<PeerConnection> {
    return this.change(
      caller,
      id,
      approve ? 'ApproveConnectionChange' : 'RejectConnectionChange',
      async (tx, connection) => {
        const change = await findChangeRequest(tx, changeId);
        if (!change || change.connectionId !== connection.id)
          throw noSuchObject(
            'NoSuchChangeRequest',
            `change request ${changeId} does not exist on peer connection ${id}`,
          );
        if (change.origin !== 'remote')
          throw operationDenied(
            'OwnChangeRequest',
            'this side proposed the change: the other side decides it',
          );
        if (change.state !== 'pending')
          throw operationDenied('ChangeDecided', `change request ${changeId} is already ${change.state}`);
        requireState(connection, ['approved', 'active'], 'decide a change of');
        if (approve && change.dataTypes)
          await this.requirePolicies(tx, connection.remoteEnrollmentId, change.dataTypes, undefined);
        if (approve && change.security)
          requireHeldMarkings(
            change.security.markings,
            connection.security.markings,
            await markingViewer(tx, caller),
          );
        await decideChangeRequest(tx, changeId, {
          state: approve ? 'approved' : 'rejected',
          by: caller.principalId,
          at: this.clock.now(),
        });
        await this.outbox.enqueue(tx, connection.remoteEnrollmentId, 'peering.change-decided', {
          peeringId: connection.peeringId,
          changeId,
          approved: approve,
        });
        return approve ? applyChange(connection, change) : connection;
      },
    );
  }

  /**
   * Delete (R21): a request still waiting is revoked (its code stops working); anything later is
   * deleted on both sides. Data already peered stays as local data.
   */
  async delete(caller: Caller, id: string): Promise<PeerConnection> {
    const current = await this.getManaged(this.db, caller, id);
    const revoking = current.state === 'requested';
    return this.change(
      caller,
      id,
      revoking ? 'RevokePeerRequest' : 'DeletePeerConnection',
      async (tx, connection) => {
        requireState(connection, ['requested', 'approved', 'active', 'refused'], 'delete');
        if (connection.state === 'requested')
          return { ...connection, state: 'cancelled', stateReason: 'revoked by this side' };
        if (connection.state !== 'refused')
          await this.outbox.enqueue(tx, connection.remoteEnrollmentId, 'peering.deleted', {
            peeringId: connection.peeringId,
          });
        return { ...connection, state: 'deleted', stateReason: 'deleted by this side' };
      },
    );
  }

  async get(caller: Caller, id: string): Promise<{ connection: PeerConnection; changes: ChangeRequest[] }> {
    const connection = await this.getManaged(this.db, caller, id);
    return { connection, changes: await listChangeRequests(this.db, { connectionIds: [id] }) };
  }

  /** Connections of the spaces the caller manages (R10), newest first. */
  async list(
    caller: Caller,
    filter: { marker?: string; maxKeys: number; states?: PeeringState[] },
  ): Promise<PeerConnection[]> {
    const spaceIds = await this.spaces.managedSpaceIds(this.db, caller);
    return listPeerConnections(this.db, { spaceIds, ...filter });
  }

  /** Change requests waiting for the caller's decision: the home page's pending list (R19). */
  async pendingChanges(caller: Caller): Promise<Array<ChangeRequest & { connection: PeerConnection }>> {
    const connections = await this.list(caller, { maxKeys: 1000, states: ['approved', 'active'] });
    const byId = new Map(connections.map((c) => [c.id, c]));
    const changes = await listChangeRequests(this.db, { connectionIds: [...byId.keys()], state: 'pending' });
    return changes
      .filter((c) => c.origin === 'remote')
      .map((c) => ({ ...c, connection: byId.get(c.connectionId)! }));
  }

  /** Whether data may move now (R2 "again before any data moves", R15, R18): for the data plane. */
  async mayMoveData(db: Executor, connection: PeerConnection): Promise<string[]> {
    if (connection.state !== 'active') return [`the connection is ${connection.state}`];
    if (connection.localDisabled || connection.remoteDisabled) return ['the connection is disabled'];
    const halves = await this.policies.localHalves(db, { enrollmentId: connection.remoteEnrollmentId });
    return [
      ...new Set(
        directionsOf(connection.dataTypes).flatMap((d) =>
          localHalfMissing(d, halves, connection.remoteEnrollmentId),
        ),
      ),
    ];
  }

  private async getManaged(db: Executor, caller: Caller, id: string): Promise<PeerConnection> {
    const connection = await findPeerConnection(db, id);
    if (!connection) throw noSuchObject('NoSuchPeerConnection', `peer connection ${id} does not exist`);
    await this.spaces.requireManager(db, caller, connection.spaceId);
    return connection;
  }

  /** Loads, checks the caller manages its space, applies `step`, saves and audits in one transaction. */
  private async change(
    caller: Caller,
    id: string,
    action: string,
    step: (tx: Executor, connection: PeerConnection) => Promise<PeerConnection>,
  ): Promise<PeerConnection> {
    return transact(this.db, async (tx) => {
      const connection = await this.getManaged(tx, caller, id);
      const next = await step(tx, connection);
      if (next !== connection) await savePeerConnection(tx, { ...next, updatedAt: this.clock.now() });
      await this.audit(tx, {
        actor: caller.principalId,
        action,
        target: id,
        detail: `peering ${connection.peeringId}`,
      });
      return next;
    });
  }

  private async requirePolicies(
    tx: Executor,
    remote: string,
    dataTypes: DataTypes,
    address: string | undefined,
  ): Promise<void> {
    const halves = await this.policies.localHalves(tx, {
      enrollmentId: remote,
      ...(address ? { address } : {}),
    });
    const missing = [...new Set(directionsOf(dataTypes).flatMap((d) => localHalfMissing(d, halves, remote)))];
    if (missing.length > 0) throw policyRefusal(missing);
  }

  // ---- messages from the other side -------------------------------------------------------

  private async findFrom(
    tx: Executor,
    from: string,
    peeringId: unknown,
  ): Promise<PeerConnection | undefined> {
    if (typeof peeringId !== 'string') throw badRequest('InvalidMessage', 'the message names no peering');
    const connection = await findPeerConnectionByPeering(tx, peeringId);
    return connection && connection.remoteEnrollmentId === from ? connection : undefined;
  }

  private async save(tx: Executor, connection: PeerConnection, from: string, action: string): Promise<void> {
    await savePeerConnection(tx, { ...connection, updatedAt: this.clock.now() });
    await this.audit(tx, {
      actor: `enrollment:${from}`,
      action,
      target: connection.id,
      detail: `peering ${connection.peeringId}`,
    });
  }

  /** The originator hears of an approval: accepts it once, or answers why not. */
  private async onApproved(
    tx: Executor,
    from: string,
    body: MessageBodies['peering.approved'],
  ): Promise<string> {
    const connection = await this.findFrom(tx, from, body.peeringId);
    const refuse = async (reason: string, message: string) => {
      await this.outbox.enqueue(tx, from, 'peering.refused', { peeringId: body.peeringId, reason, message });
      return `refused ${reason}`;
    };
    if (connection?.role !== 'originator')
      return refuse('NoSuchPeerRequest', 'this enrollment made no such request to yours');
    if (connection.state === 'cancelled')
      return refuse('InviteRevoked', 'the originator revoked this request');
    if (connection.state !== 'requested')
      return refuse('InviteAlreadyUsed', 'this invite code was already used');
    if (body.inviteNonce !== connection.invite?.nonce)
      return refuse('InviteCodeInvalid', 'the approval quotes another invite code');
    if (typeof body.approvedAt !== 'number' || body.approvedAt > connection.invite.expiresAt)
      return refuse('InviteExpired', 'the invite code had expired when it was approved');
    const halves = await this.policies.localHalves(tx, { enrollmentId: from });
    const missing = [
      ...new Set(
        directionsOf(connection.dataTypes).flatMap((d) => localHalfMissing(d, halves, 'the acceptor')),
      ),
    ];
    if (missing.length > 0)
      return refuse('NetworkPolicyMissing', `the originator's network policies lack: ${missing.join('; ')}`);
    const security = checkSecurity(body.security ?? {});
    await this.save(
      tx,
      {
        ...connection,
        state: 'approved',
        stateReason: 'approved by the other side; activate it to start peering',
        remoteSpace: { id: String(body.space?.id), name: String(body.space?.name) },
        remoteTitle: body.title ?? connection.remoteTitle,
        security,
      },
      from,
      'PeerRequestApproved',
    );
    return 'approved';
  }

  private async onRefused(
    tx: Executor,
    from: string,
    body: MessageBodies['peering.refused'],
  ): Promise<string> {
    const connection = await this.findFrom(tx, from, body.peeringId);
    if (connection?.state !== 'approved') return 'ignored';
    await this.save(
      tx,
      { ...connection, state: 'refused', stateReason: `${body.reason}: ${body.message}` },
      from,
      'PeerRequestRefused',
    );
    return 'refused';
  }

  private async onActivated(
    tx: Executor,
    from: string,
    body: MessageBodies['peering.activated'],
  ): Promise<string> {
    const connection = await this.findFrom(tx, from, body.peeringId);
    if (connection?.role !== 'acceptor' || connection.state !== 'approved') return 'ignored';
    await this.save(
      tx,
      { ...connection, state: 'active', stateReason: null },
      from,
      'PeerConnectionActivated',
    );
    return 'active';
  }

  private async onStatus(tx: Executor, from: string, body: MessageBodies['peering.status']): Promise<string> {
    const connection = await this.findFrom(tx, from, body.peeringId);
    if (connection?.state !== 'active') return 'ignored';
    await this.save(
      tx,
      { ...connection, remoteDisabled: body.disabled === true },
      from,
      body.disabled ? 'PeerConnectionDisabledByRemote' : 'PeerConnectionEnabledByRemote',
    );
    return body.disabled ? 'disabled' : 'enabled';
  }

  private async onChangeProposed(
    tx: Executor,
    from: string,
    body: MessageBodies['peering.change-proposed'],
  ): Promise<string> {
    const connection = await this.findFrom(tx, from, body.peeringId);
    if (!connection || !['approved', 'active'].includes(connection.state)) return 'ignored';
    await insertChangeRequest(tx, {
      id: String(body.changeId),
      connectionId: connection.id,
      origin: 'remote',
      security: body.security ? checkSecurity(body.security) : null,
      dataTypes: body.dataTypes ? mirror(checkDataTypes(body.dataTypes as Record<string, string>)) : null,
      state: 'pending',
      createdBy: `enrollment:${from}`,
      createdAt: this.clock.now(),
      decidedBy: null,
      decidedAt: null,
    });
    await this.audit(tx, {
      actor: `enrollment:${from}`,
      action: 'ConnectionChangeProposed',
      target: connection.id,
      detail: String(body.changeId),
    });
    return 'pending';
  }

  private async onChangeDecided(
    tx: Executor,
    from: string,
    body: MessageBodies['peering.change-decided'],
  ): Promise<string> {
    const connection = await this.findFrom(tx, from, body.peeringId);
    const change = await findChangeRequest(tx, String(body.changeId));
    if (
      !connection ||
      !change ||
      change.connectionId !== connection.id ||
      change.origin !== 'local' ||
      change.state !== 'pending'
    )
      return 'ignored';
    await decideChangeRequest(tx, change.id, {
      state: body.approved ? 'approved' : 'rejected',
      by: `enrollment:${from}`,
      at: this.clock.now(),
    });
    if (body.approved) await this.save(tx, applyChange(connection, change), from, 'ConnectionChangeApproved');
    return body.approved ? 'approved' : 'rejected';
  }

  private async onDeleted(
    tx: Executor,
    from: string,
    body: MessageBodies['peering.deleted'],
  ): Promise<string> {
    const connection = await this.findFrom(tx, from, body.peeringId);
    if (!connection || connection.state === 'deleted') return 'ignored';
    await this.save(
      tx,
      { ...connection, state: 'deleted', stateReason: 'deleted by the other side' },
      from,
      'PeerConnectionDeletedByRemote',
    );
    return 'deleted';
  }
}

function applyChange(connection: PeerConnection, change: ChangeRequest): PeerConnection {
  return {
    ...connection,
    ...(change.security ? { security: change.security as Security } : {}),
    ...(change.dataTypes ? { dataTypes: change.dataTypes } : {}),
  };
}

function transportAddress(
  transport: Awaited<ReturnType<NetworkService['requireTransport']>>,
): string | undefined {
  return transport.kind === 'mpx' ? hostOf(transport.connection.remoteAddress) : undefined;
}

function sameTypes(a: DataTypes, b: DataTypes): boolean {
  return describeTypes(a) === describeTypes(b);
}

function describeTypes(dataTypes: DataTypes): string {
  return Object.entries(dataTypes)
    .sort()
    .map(([type, direction]) => `${type} ${direction}`)
    .join(', ');
}

function describeSecurity(security: Security): string {
  return security.markings.length
    ? `${security.classification} + ${security.markings.join(', ')}`
    : security.classification;
}
