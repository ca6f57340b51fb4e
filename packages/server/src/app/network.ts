import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '../clock.js';
import { badRequest, DomainError, noSuchObject, operationDenied } from '../domain/errors.js';
import {
  checkMpxDirection,
  checkMpxPairing,
  type MpxDirection,
  mayAccept,
  mayInitiate,
} from '../domain/peering/mpx.js';
import {
  checkConnectionName,
  type MpxConnection,
  type MpxInvite,
  type RelayChannel,
  type RelayDirection,
} from '../domain/peering/network.js';
import { decodeCode, encodeCode, type SignedPayload } from '../federation/codes.js';
import type { MessageBodies } from '../federation/messages.js';
import { RELAY_FILE_SUFFIX } from '../federation/relay-files.js';
import type { Db, Executor } from '../store/database.js';
import {
  deleteRelayChannel,
  findMpxConnection,
  findMpxInvite,
  findRelayChannel,
  insertMpxInvite,
  insertRelayChannel,
  listMpxConnections,
  listMpxInvites,
  listRelayChannels,
  updateMpxInvite,
  upsertMpxConnection,
} from '../store/repositories/network.js';
import { transact } from '../store/transact.js';
import type { Caller } from './caller.js';
import type { EnrollmentService } from './enrollment.js';
import { type Audit, hostOf, type PolicyChecks } from './federation-ports.js';
import type { IdGenerator } from './ids.js';
import type { Outbox } from './outbox.js';

const DAY_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_INVITE_DAYS = 7;

interface MpxInvitePayload extends SignedPayload {
  addr: string | null;
  dir: MpxDirection;
  nonce: string;
  exp: number;
}

interface IdentityPayload extends SignedPayload {
  addr: string | null;
}

/** How this side can reach a remote enrollment for the Peer Manager (R3). */
export type TransportTo =
  | { kind: 'mpx'; connection: MpxConnection }
  | { kind: 'relay'; exportChannel: RelayChannel; importChannel: RelayChannel };

export interface RelayChannelView extends RelayChannel {
  health: 'healthy' | 'unhealthy';
  healthReason: string | null;
  /** Files waiting in an import channel's directory. */
  waiting: number;
}

export type MpxConnectionView = MpxConnection & {
  /** `refused`: the remote refused this side's notice (the reason is in `lastError`). */
  status: 'established' | 'awaiting-remote' | 'awaiting-local' | 'refused';
  pendingMessages: number;
};

/**
 * Network connections between enrollments (reference §1.3): MPX invites entered on both sides, and
 * data relay channels over a cross-domain solution. Enrollment administrators only.
 */
export class NetworkService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly enrollment: EnrollmentService,
    private readonly policies: PolicyChecks,
    private readonly outbox: Outbox,
    private readonly audit: Audit,
  ) {}

  async createMpxInvite(
    caller: Caller,
    input: { direction: string; expiresInDays?: number },
  ): Promise<{ invite: MpxInvite; code: string }> {
    requireAdmin(caller, 'generate MPX invites');
    const direction = checkMpxDirection(input.direction);
    const days = checkDays(input.expiresInDays);
    const now = this.clock.now();
    const invite: MpxInvite = {
      id: this.ids.next('mpi'),
      direction,
      nonce: randomBytes(18).toString('base64url'),
      createdBy: caller.principalId,
      createdAt: now,
      expiresAt: now + days * DAY_MS,
      revokedAt: null,
      usedFor: null,
    };
    await transact(this.db, async (tx) => {
      await insertMpxInvite(tx, invite);
      await this.audit(tx, {
        actor: caller.principalId,
        action: 'CreateMpxInvite',
        target: invite.id,
        detail: direction,
      });
    });
    return { invite, code: await this.mpxCode(invite) };
  }

  /** The code of an invite generated earlier (the same text: Ed25519 signatures are deterministic). */
  async mpxInviteCode(caller: Caller, id: string): Promise<{ invite: MpxInvite; code: string }> {
    requireAdmin(caller, 'read MPX invites');
    const invite = await findMpxInvite(this.db, { id });
    if (!invite) throw noSuchObject('NoSuchMpxInvite', `MPX invite ${id} does not exist`);
    return { invite, code: await this.mpxCode(invite) };
  }

  private async mpxCode(invite: MpxInvite): Promise<string> {
    const key = await this.enrollment.signingKey();
    const self = await this.enrollment.get();
    const payload: MpxInvitePayload = {
      enr: self.id,
      key: key.publicKey,
      title: self.platformTitle,
      // A side that accepts requests says where; an egress-only side has no stable address.
      addr: mayAccept(invite.direction) ? this.enrollment.publicUrl : null,
      dir: invite.direction,
      nonce: invite.nonce,
      exp: invite.expiresAt,
    };
    return encodeCode('mpxInvite', payload, key);
  }

  async listMpxInvites(caller: Caller): Promise<MpxInvite[]> {
    requireAdmin(caller, 'read MPX invites');
    return listMpxInvites(this.db);
  }

  async revokeMpxInvite(caller: Caller, id: string): Promise<MpxInvite> {
    requireAdmin(caller, 'revoke MPX invites');
    return transact(this.db, async (tx) => {
      const invite = await findMpxInvite(tx, { id });
      if (!invite) throw noSuchObject('NoSuchMpxInvite', `MPX invite ${id} does not exist`);
      if (invite.revokedAt !== null) return invite;
      const now = this.clock.now();
      await updateMpxInvite(tx, id, { revokedAt: now });
      await this.audit(tx, { actor: caller.principalId, action: 'RevokeMpxInvite', target: id });
      return { ...invite, revokedAt: now };
    });
  }

  /**
   * Enters the remote's MPX invite code (R4-R6): checks the code, pairs it with the invite this
   * side sent (directions must match), checks that an egress policy lets this side reach the
   * remote when it is to open requests, and tells the remote. Established once the remote has
   * entered this side's code too.
   */
  async enterMpxInvite(
    caller: Caller,
    input: { code: string; name: string; localInviteId?: string },
  ): Promise<MpxConnectionView> {
    requireAdmin(caller, 'enter MPX invites');
    const name = checkConnectionName(input.name);
    const payload = decodeCode<MpxInvitePayload>('mpxInvite', input.code);
    const key = await this.enrollment.signingKey();
    const self = await this.enrollment.get();
    if (payload.enr === self.id)
      throw badRequest(
        'OwnInviteCode',
        'this is an MPX invite code of this enrollment; enter the code the other side generated',
      );
    const remoteDirection = checkMpxDirection(String(payload.dir));
    const now = this.clock.now();
    if (typeof payload.exp !== 'number' || payload.exp < now)
      throw operationDenied(
        'InviteExpired',
        'this MPX invite code has expired; ask the other side for a new one',
      );
    const connection = await transact(this.db, async (tx) => {
      const existing = await findMpxConnection(tx, payload.enr);
      if (existing && existing.remotePublicKey !== payload.key) throw keyMismatch(payload.enr);
      // A refused notice may be followed by a new code of the remote's (or the same, once the
      // remote's administrator made it usable): entering it again starts afresh.
      if (existing?.enteredAt && existing.refusedAt === null)
        throw operationDenied('MpxAlreadyEntered', `an MPX code of ${payload.enr} was already entered here`);
      const local = await this.pickLocalInvite(
        tx,
        input.localInviteId ?? existing?.localInviteId ?? undefined,
        payload.enr,
        now,
      );
      checkMpxPairing(local.direction, remoteDirection);
      if (mayInitiate(local.direction)) {
        const allowed = await this.policies.allowsEgressTo(tx, {
          enrollmentId: payload.enr,
          address: hostOf(payload.addr),
        });
        if (!allowed)
          throw operationDenied(
            'NetworkPolicyMissing',
            `no egress policy lets this enrollment reach ${payload.enr} (${payload.addr ?? 'no address'}): add one (peerlink policy egress add) before entering the code`,
          );
        if (!payload.addr)
          throw badRequest(
            'InviteCodeInvalid',
            'the remote accepts requests but its code carries no address',
          );
      }
      // The remote may already have told us it entered our code; its notice quoted both nonces.
      const remoteEnteredOurs =
        existing?.remoteEnteredAt != null &&
        existing.remoteInviteNonce === payload.nonce &&
        existing.localInviteId === local.id;
      const connection: MpxConnection = {
        remoteEnrollmentId: payload.enr,
        name,
        remotePublicKey: payload.key,
        remoteTitle: payload.title,
        remoteAddress: payload.addr,
        remoteDirection,
        remoteInviteNonce: payload.nonce,
        localInviteId: local.id,
        localDirection: local.direction,
        enteredAt: now,
        remoteEnteredAt: remoteEnteredOurs ? existing!.remoteEnteredAt : null,
        establishedAt: remoteEnteredOurs ? now : null,
        lastOkAt: existing?.lastOkAt ?? null,
        lastError: existing?.refusedAt != null ? null : (existing?.lastError ?? null),
        createdAt: existing?.createdAt ?? now,
        refusedAt: null,
      };
      await upsertMpxConnection(tx, connection);
      await updateMpxInvite(tx, local.id, { usedFor: payload.enr });
      const notice: MessageBodies['mpx.entered'] = {
        inviteNonce: payload.nonce,
        senderInviteNonce: local.nonce,
        senderKey: key.publicKey,
        senderDirection: local.direction,
        senderAddress: mayAccept(local.direction) ? this.enrollment.publicUrl : null,
        senderTitle: self.platformTitle,
      };
      await this.outbox.enqueue(tx, payload.enr, 'mpx.entered', notice);
      await this.audit(tx, {
        actor: caller.principalId,
        action: 'EnterMpxInvite',
        target: payload.enr,
        detail: `${name}: ${local.direction} with ${remoteDirection}`,
      });
      return connection;
    });
    return (await this.viewMpx([connection]))[0]!;
  }

  private async pickLocalInvite(
    tx: Executor,
    id: string | undefined,
    remote: string,
    now: number,
  ): Promise<MpxInvite> {
    const usable = (invite: MpxInvite) =>
      invite.revokedAt === null &&
      invite.expiresAt >= now &&
      (invite.usedFor === null || invite.usedFor === remote);
    if (id) {
      const invite = await findMpxInvite(tx, { id });
      if (!invite) throw noSuchObject('NoSuchMpxInvite', `MPX invite ${id} does not exist`);
      if (!usable(invite))
        throw operationDenied(
          'MpxInviteUnusable',
          `MPX invite ${id} is revoked, expired or already used with another enrollment`,
        );
      return invite;
    }
    const candidates = (await listMpxInvites(tx)).filter(usable);
    if (candidates.length === 1) return candidates[0]!;
    throw badRequest(
      'LocalInviteRequired',
      candidates.length === 0
        ? "generate an MPX invite on this side (peerlink network mpx invite) and send it to the other side first: both sides enter each other's code"
        : `this side has ${candidates.length} open MPX invites: name the one you sent to the other side (--invite)`,
    );
  }

  /** The remote says it entered our invite code (R4's second half, seen from here). */
  async onMpxEntered(tx: Executor, from: string, body: MessageBodies['mpx.entered']): Promise<string> {
    const invite = await findMpxInvite(tx, { nonce: body.inviteNonce });
    if (!invite || invite.revokedAt !== null)
      throw operationDenied(
        'MpxInviteUnusable',
        'the MPX invite this notice quotes does not exist or was revoked',
      );
    if (invite.usedFor !== null && invite.usedFor !== from)
      throw operationDenied(
        'MpxInviteUnusable',
        'the MPX invite this notice quotes was used with another enrollment',
      );
    checkMpxPairing(invite.direction, checkMpxDirection(body.senderDirection));
    const now = this.clock.now();
    const existing = await findMpxConnection(tx, from);
    if (existing && existing.remotePublicKey !== body.senderKey) throw keyMismatch(from);
    const established =
      existing?.enteredAt != null &&
      existing.remoteInviteNonce === body.senderInviteNonce &&
      existing.localInviteId === invite.id;
    await upsertMpxConnection(tx, {
      remoteEnrollmentId: from,
      name: existing?.name ?? null,
      remotePublicKey: body.senderKey,
      remoteTitle: body.senderTitle,
      remoteAddress: existing?.remoteAddress ?? body.senderAddress,
      remoteDirection: body.senderDirection,
      remoteInviteNonce: body.senderInviteNonce,
      localInviteId: invite.id,
      localDirection: invite.direction,
      enteredAt: existing?.enteredAt ?? null,
      remoteEnteredAt: now,
      establishedAt: established ? now : null,
      lastOkAt: now,
      lastError: null,
      createdAt: existing?.createdAt ?? now,
      // The remote entered our code: whatever it refused before, it now wants the connection.
      refusedAt: null,
    });
    await updateMpxInvite(tx, invite.id, { usedFor: from });
    return established ? 'established' : 'awaiting-local';
  }

  async listMpxConnections(caller: Caller): Promise<MpxConnectionView[]> {
    requireAdmin(caller, 'read network connections');
    return this.viewMpx(await listMpxConnections(this.db));
  }

  private async viewMpx(connections: MpxConnection[]): Promise<MpxConnectionView[]> {
    return Promise.all(
      connections.map(async (connection) => ({
        ...connection,
        status: connection.establishedAt
          ? ('established' as const)
          : connection.refusedAt !== null
            ? ('refused' as const)
            : connection.enteredAt
              ? ('awaiting-remote' as const)
              : ('awaiting-local' as const),
        pendingMessages: await this.outbox.pendingCount(this.db, connection.remoteEnrollmentId),
      })),
    );
  }

  /** This enrollment's identity card: what the other side's administrator needs for a relay channel. */
  async identityCard(): Promise<string> {
    const key = await this.enrollment.signingKey();
    const self = await this.enrollment.get();
    const payload: IdentityPayload = {
      enr: self.id,
      key: key.publicKey,
      title: self.platformTitle,
      addr: this.enrollment.publicUrl,
    };
    return encodeCode('identity', payload, key);
  }

  /**
   * A one-way channel of a data relay (R7) with the enrollment the identity card names: `export`
   * writes this side's messages to files in `path`, `import` reads the remote's messages from it.
   */
  async createRelayChannel(
    caller: Caller,
    input: { name: string; remoteIdentity: string; direction: string; transport?: string; path: string },
  ): Promise<RelayChannelView> {
    requireAdmin(caller, 'create relay channels');
    const name = checkConnectionName(input.name);
    const card = decodeCode<IdentityPayload>('identity', input.remoteIdentity);
    const self = await this.enrollment.get();
    if (card.enr === self.id)
      throw badRequest(
        'OwnIdentityCard',
        "this is the identity card of this enrollment; use the other side's",
      );
    if (input.direction !== 'export' && input.direction !== 'import')
      throw badRequest(
        'InvalidRelayDirection',
        'a relay channel is export (this side writes) or import (this side reads)',
      );
    const transport = input.transport ?? 'file';
    if (transport !== 'file')
      throw badRequest(
        'UnsupportedRelayTransport',
        `relay transport "${transport}" is not available; this version supports file channels`,
      );
    if (!path.isAbsolute(input.path))
      throw badRequest('InvalidRelayPath', 'the channel directory must be an absolute path');
    const dir = path.normalize(input.path);
    try {
      await mkdir(dir, { recursive: true });
    } catch (error) {
      throw badRequest(
        'InvalidRelayPath',
        `cannot create the channel directory ${dir}: ${(error as Error).message}`,
      );
    }
    const now = this.clock.now();
    const channel: RelayChannel = {
      id: this.ids.next('rch'),
      name,
      remoteEnrollmentId: card.enr,
      remotePublicKey: card.key,
      remoteTitle: card.title,
      direction: input.direction as RelayDirection,
      transport: 'file',
      path: dir,
      createdBy: caller.principalId,
      createdAt: now,
      lastOkAt: null,
      lastError: null,
      messages: 0,
      rejected: 0,
    };
    await transact(this.db, async (tx) => {
      const known = await this.knownKey(tx, card.enr);
      if (known && known !== card.key) throw keyMismatch(card.enr);
      const clash = (await listRelayChannels(tx)).find((other) => other.path === dir);
      if (clash) throw operationDenied('RelayPathInUse', `channel ${clash.id} already uses ${dir}`);
      await insertRelayChannel(tx, channel);
      await this.audit(tx, {
        actor: caller.principalId,
        action: 'CreateRelayChannel',
        target: channel.id,
        detail: `${channel.direction} ${card.enr} file ${dir}`,
      });
    });
    return this.viewRelay(channel);
  }

  async listRelayChannels(caller: Caller): Promise<RelayChannelView[]> {
    requireAdmin(caller, 'read relay channels');
    return Promise.all((await listRelayChannels(this.db)).map((channel) => this.viewRelay(channel)));
  }

  async deleteRelayChannel(caller: Caller, id: string): Promise<void> {
    requireAdmin(caller, 'delete relay channels');
    await transact(this.db, async (tx) => {
      if (!(await findRelayChannel(tx, id)))
        throw noSuchObject('NoSuchRelayChannel', `relay channel ${id} does not exist`);
      await deleteRelayChannel(tx, id);
      await this.audit(tx, { actor: caller.principalId, action: 'DeleteRelayChannel', target: id });
    });
  }

  /** Health is read live (R8): the directory must be there and usable in the channel's direction. */
  async viewRelay(channel: RelayChannel): Promise<RelayChannelView> {
    let healthReason: string | null = null;
    let waiting = 0;
    try {
      await access(channel.path, channel.direction === 'export' ? constants.W_OK : constants.R_OK);
      if (channel.direction === 'import')
        waiting = (await readdir(channel.path)).filter((name) => name.endsWith(RELAY_FILE_SUFFIX)).length;
    } catch (error) {
      healthReason = `directory ${channel.path} is not ${channel.direction === 'export' ? 'writable' : 'readable'}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
    }
    healthReason ??= channel.lastError;
    return { ...channel, health: healthReason ? 'unhealthy' : 'healthy', healthReason, waiting };
  }

  /** The public key this side knows for a remote enrollment, from MPX or a relay channel. */
  async knownKey(db: Executor, enrollmentId: string): Promise<string | undefined> {
    const mpx = await findMpxConnection(db, enrollmentId);
    if (mpx) return mpx.remotePublicKey;
    return (await listRelayChannels(db, { remoteEnrollmentId: enrollmentId }))[0]?.remotePublicKey;
  }

  /**
   * The transport a peer connection with this remote can use (R3, R8): an established MPX
   * connection, or a healthy relay channel each way (the handshake needs an answer back).
   * Refuses naming what is missing.
   */
  async requireTransport(db: Executor, remoteEnrollmentId: string): Promise<TransportTo> {
    const mpx = await findMpxConnection(db, remoteEnrollmentId);
    if (mpx?.establishedAt) return { kind: 'mpx', connection: mpx };
    const channels = await Promise.all(
      (await listRelayChannels(db, { remoteEnrollmentId })).map((channel) => this.viewRelay(channel)),
    );
    const healthy = (direction: RelayDirection) =>
      channels.find((channel) => channel.direction === direction && channel.health === 'healthy');
    const exportChannel = healthy('export');
    const importChannel = healthy('import');
    if (exportChannel && importChannel) return { kind: 'relay', exportChannel, importChannel };
    if (mpx)
      throw operationDenied(
        'NoTransport',
        `the MPX connection with ${remoteEnrollmentId} is not established yet: ${mpx.enteredAt ? "the other side has not entered this side's code" : "this side has not entered the other side's code"}`,
      );
    if (channels.length > 0) {
      const missing = [
        !exportChannel && 'a healthy export channel',
        !importChannel && 'a healthy import channel',
      ].filter(Boolean);
      throw operationDenied(
        'NoTransport',
        `the data relay with ${remoteEnrollmentId} needs ${missing.join(' and ')} (${channels.map((c) => `${c.id} ${c.direction} ${c.health}${c.healthReason ? `: ${c.healthReason}` : ''}`).join('; ')})`,
      );
    }
    throw operationDenied(
      'NoTransport',
      `there is no network connection with enrollment ${remoteEnrollmentId}: an administrator must establish MPX (peerlink network mpx invite / enter) or a data relay (peerlink network relay create) first`,
    );
  }
}

function requireAdmin(caller: Caller, what: string): void {
  if (!caller.isAdmin)
    throw new DomainError(
      'AccessDenied',
      'NotEnrollmentAdmin',
      `only an enrollment administrator may ${what}`,
    );
}

function keyMismatch(enrollmentId: string): DomainError {
  return operationDenied(
    'EnrollmentKeyMismatch',
    `the code is signed by a key that differs from the one this side already knows for ${enrollmentId}`,
  );
}

function checkDays(days: number | undefined): number {
  if (days === undefined) return DEFAULT_INVITE_DAYS;
  if (!Number.isInteger(days) || days < 1 || days > 30)
    throw badRequest('InvalidExpiry', 'an invite expires after 1 to 30 days');
  return days;
}

export { checkDays as checkInviteDays };
