import type { Clock } from '../clock.js';
import { badRequest, noSuchObject } from '../domain/errors.js';
import type { Page, PageRequest } from '../domain/pagination.js';
import { advancePeerConn } from '../domain/peerconn/advance.js';
import type { BillingInput } from '../domain/peerconn/billing.js';
import {
  type CreatePeerConnCommand,
  checkCreateInput,
  createPeerConn,
  type PeerConnQuotas,
} from '../domain/peerconn/create.js';
import {
  type Actor,
  type Outcome,
  type PeerConn,
  type PeerConnEvent,
  type PeerConnTimings,
  type Role,
  visibleRoles,
} from '../domain/peerconn/model.js';
import {
  acceptPeerConn,
  type OperationContext,
  refundPeerConn,
  rejectPeerConn,
  releasePeerConn,
  renewPeerConn,
  resizePeerConn,
  switchDeleteProtect,
  switchDnsSync,
  updatePeerConnEnd,
} from '../domain/peerconn/operations.js';
import type { Vpc } from '../domain/vpc.js';
import type { Db, Executor, Tx } from '../store/database.js';
import { findAccount } from '../store/repositories/accounts.js';
import {
  claimDuePeerConn,
  countLiveInitiatedBy,
  duePeerConnIds,
  duePeerConnIdsTouching,
  type EndMarker,
  findPeerConn,
  insertPeerConn,
  insertPeerConnEvents,
  isPairTaken,
  listPeerConnEvents,
  listVisibleEnds,
  livePeersOfVpc,
  purgePeerConn,
  savePeerConn,
} from '../store/repositories/peer-conns.js';
import { deleteRouteRulesByNexthop } from '../store/repositories/routes.js';
import { findVpc, findVpcAnyOwner } from '../store/repositories/vpcs.js';
import { transact } from '../store/transact.js';
import type { Caller, IdempotencyInput } from './caller.js';
import { runIdempotent } from './idempotency.js';
import type { IdGenerator } from './ids.js';
import { requireVpc } from './lookups.js';

/** A connection as one of its ends sees it. */
export interface PeerConnView {
  conn: PeerConn;
  role: Role;
}

/** `peerconn-…` or `peerconn-…/acceptor`: where a list page starts. */
export const END_MARKER = /^peerconn-[0-9a-z]{12}(\/acceptor)?$/;

/** Splits a marker that matched END_MARKER (parsePageRequest checks it). */
export function parseEndMarker(marker: string | undefined): EndMarker | undefined {
  if (marker === undefined || marker === '') return undefined;
  const [peerConnId, role] = marker.split('/');
  return { peerConnId: peerConnId!, role: role === 'acceptor' ? 'acceptor' : 'initiator' };
}

export function formatEndMarker(view: PeerConnView): string {
  return view.role === 'initiator' ? view.conn.id : `${view.conn.id}/acceptor`;
}

export class PeerConnService {
  /** Called after a commit that left work due right away, so the reconciler need not wait a tick. */
  onDueWork: () => void = () => {};
  /** Called after the reconciler advanced connections (a step completed, a request timed out, one expired). */
  onAdvanced: () => void = () => {};

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly quotas: PeerConnQuotas,
    readonly timings: PeerConnTimings,
  ) {}

  async create(
    caller: Caller,
    command: CreatePeerConnCommand,
    idem?: IdempotencyInput,
  ): Promise<{ peerConnId: string }> {
    const input = checkCreateInput(command, caller);
    const now = this.clock.now();
    const result = await transact(this.db, (tx) =>
      runIdempotent(tx, { accountId: caller.accountId, operation: 'CreatePeerConn', now }, idem, async () => {
        const localVpc = await requireVpc(tx, caller, input.localVpcId);
        const peerAccountId = input.peerAccountId ?? caller.accountId;
        if (peerAccountId !== caller.accountId && !(await findAccount(tx, peerAccountId))) {
          throw noSuchObject('AccountNotFound', `account ${peerAccountId} does not exist`);
        }
        const peerVpc = await findVpc(
          tx,
          { accountId: peerAccountId, region: input.peerRegion },
          input.peerVpcId,
        );
        if (!peerVpc) {
          throw noSuchObject(
            'PeerVpcNotFound',
            `VPC ${input.peerVpcId} of account ${peerAccountId} does not exist in region ${input.peerRegion}`,
          );
        }
        // The pair and quota checks read stored rows: first bring the connections they read up to
        // `now`, as reads do, so a request that has timed out frees its VPC pair and quota at once.
        const touching = { vpcIds: [localVpc.id, peerVpc.id], initiatorAccountId: caller.accountId };
        for (const id of await duePeerConnIdsTouching(tx, now, touching))
          await this.advanceStored(tx, id, now);
        // Each side's live peers give both its connection count (a VPC with connections cannot be
        // deleted, so every peer is found) and the blocks the new peer must not overlap.
        const peersOfLocal = await this.peerVpcsOf(tx, localVpc);
        const peersOfPeer = await this.peerVpcsOf(tx, peerVpc);
        const outcome = createPeerConn(input, {
          id: this.ids.next('peerconn'),
          initiatorIfId: this.ids.next('qpif'),
          acceptorIfId: this.ids.next('qpif'),
          now,
          actor: caller,
          localVpc,
          peerVpc,
          pairTaken: await isPairTaken(tx, localVpc.id, peerVpc.id),
          live: {
            localVpc: peersOfLocal.length,
            peerVpc: peersOfPeer.length,
            initiatorAccount: await countLiveInitiatedBy(tx, caller.accountId),
          },
          peersOfLocal,
          peersOfPeer,
          quotas: this.quotas,
          timings: this.timings,
        });
        await insertPeerConn(tx, outcome.conn, this.timings);
        await this.record(tx, outcome.conn.id, outcome.events);
        return { peerConnId: outcome.conn.id };
      }),
    );
    this.onDueWork();
    return result;
  }

  async list(
    caller: Caller,
    vpcId: string | undefined,
    page: PageRequest & { endMarker?: EndMarker },
  ): Promise<Page<PeerConnView>> {
    const rows = await listVisibleEnds(this.db, caller, vpcId ? { vpcId } : {}, {
      ...(page.endMarker ? { marker: page.endMarker } : {}),
      limit: page.maxKeys + 1,
    });
    const isTruncated = rows.length > page.maxKeys;
    const now = this.clock.now();
    // A connection whose retention is over is gone, even before the reconciler purges it.
    const items = rows.slice(0, page.maxKeys).flatMap((view) => {
      const conn = this.asOf(view.conn, now);
      return conn ? [{ ...view, conn }] : [];
    });
    return {
      items,
      ...(items[0] ? { marker: page.marker ?? formatEndMarker(items[0]) } : {}),
      isTruncated,
      ...(isTruncated ? { nextMarker: formatEndMarker(rows[page.maxKeys]!) } : {}),
      maxKeys: page.maxKeys,
    };
  }

  /**
   * The caller's view: the end named by `role`, else its only end, else (both ends are its own,
   * same account and region) the initiator's, never a random one.
   */
  async get(caller: Caller, peerConnId: string, role?: string): Promise<PeerConnView> {
    const conn = this.asOf(await this.requireVisible(this.db, caller, peerConnId), this.clock.now());
    if (!conn)
      throw noSuchObject(
        'PeerConnNotFound',
        `peer connection ${peerConnId} does not exist in region ${caller.region}`,
      );
    const roles = visibleRoles(conn, caller);
    if (role !== undefined && role !== '') {
      if (role !== 'initiator' && role !== 'acceptor')
        throw badRequest('InvalidRole', 'role must be initiator or acceptor');
      if (!roles.includes(role)) {
        throw noSuchObject(
          'PeerConnEndNotFound',
          `this account has no ${role} side of ${peerConnId} in region ${caller.region}`,
        );
      }
      return { conn, role };
    }
    return { conn, role: roles[0]! };
  }

  async events(caller: Caller, peerConnId: string): Promise<PeerConnEvent[]> {
    await this.requireVisible(this.db, caller, peerConnId);
    return listPeerConnEvents(this.db, peerConnId);
  }

  update(
    caller: Caller,
    id: string,
    change: { localIfId: string; localIfName?: string; description?: string },
    idem?: IdempotencyInput,
  ) {
    return this.operate(caller, id, 'UpdatePeerConn', idem, (conn, ctx) =>
      updatePeerConnEnd(conn, ctx, change),
    );
  }

  accept(caller: Caller, id: string, idem?: IdempotencyInput) {
    return this.operate(caller, id, 'AcceptPeerConn', idem, acceptPeerConn);
  }

  reject(caller: Caller, id: string, idem?: IdempotencyInput) {
    return this.operate(caller, id, 'RejectPeerConn', idem, rejectPeerConn);
  }

  /** Releasing removes the routes whose next hop is one of the connection's interfaces. */
  release(caller: Caller, id: string, idem?: IdempotencyInput) {
    return this.operate(caller, id, 'ReleasePeerConn', idem, releasePeerConn, (tx, conn) =>
      this.dropRoutes(tx, conn),
    );
  }

  refund(caller: Caller, id: string, idem?: IdempotencyInput) {
    return this.operate(caller, id, 'RefundPeerConn', idem, refundPeerConn, (tx, conn) =>
      this.dropRoutes(tx, conn),
    );
  }

  resize(caller: Caller, id: string, newBandwidthInMbps: number, idem?: IdempotencyInput) {
    return this.operate(caller, id, 'ResizePeerConn', idem, (conn, ctx) =>
      resizePeerConn(conn, ctx, newBandwidthInMbps),
    );
  }

  renew(caller: Caller, id: string, billing: BillingInput | undefined, idem?: IdempotencyInput) {
    return this.operate(caller, id, 'RenewPeerConn', idem, (conn, ctx) => renewPeerConn(conn, ctx, billing));
  }

  switchDns(caller: Caller, id: string, role: string | undefined, open: boolean, idem?: IdempotencyInput) {
    return this.operate(caller, id, open ? 'OpenPeerConnDns' : 'ClosePeerConnDns', idem, (conn, ctx) =>
      switchDnsSync(conn, ctx, role, open),
    );
  }

  switchDeleteProtect(caller: Caller, id: string, deleteProtect: boolean, idem?: IdempotencyInput) {
    return this.operate(caller, id, 'SwitchPeerConnDeleteProtect', idem, (conn, ctx) =>
      switchDeleteProtect(conn, ctx, deleteProtect),
    );
  }

  /**
   * Advances every connection whose due time has come, each in its own transaction; answers how
   * many were handled. Safe to run from any number of loops: a row is re-read and re-checked
   * inside its transaction.
   */
  async reconcileDue(limit = 100): Promise<number> {
    const now = this.clock.now();
    const ids = await duePeerConnIds(this.db, now, limit);
    // One row that keeps failing must not hold up the others: carry on, then report it.
    let failure: unknown;
    for (const id of ids) {
      try {
        await transact(this.db, async (tx) => {
          if (await claimDuePeerConn(tx, id, now)) await this.advanceStored(tx, id, now);
        });
      } catch (error) {
        failure ??= error;
      }
    }
    if (ids.length > 0) this.onAdvanced();
    if (failure) throw failure;
    return ids.length;
  }

  /** Re-reads one stored connection and saves it as of `now`, or purges it once its retention is over. */
  private async advanceStored(tx: Tx, id: string, now: number): Promise<void> {
    const conn = await findPeerConn(tx, id);
    if (!conn) return;
    const advanced = advancePeerConn(conn, now, this.timings);
    if (advanced.purge) {
      await purgePeerConn(tx, id);
      return;
    }
    await savePeerConn(tx, advanced.conn, this.timings);
    await this.record(tx, id, advanced.events);
  }

  private async operate(
    caller: Caller,
    id: string,
    operation: string,
    idem: IdempotencyInput | undefined,
    apply: (conn: PeerConn, ctx: OperationContext) => Outcome,
    sideEffect?: (tx: Tx, conn: PeerConn) => Promise<void>,
  ): Promise<object> {
    const now = this.clock.now();
    const result = await transact(this.db, (tx) =>
      runIdempotent(tx, { accountId: caller.accountId, operation, now }, idem, async () => {
        const due = advancePeerConn(await this.requireVisible(tx, caller, id), now, this.timings);
        if (due.purge) throw noSuchObject('PeerConnNotFound', `peer connection ${id} does not exist`);
        const outcome = apply(due.conn, { actor: caller, now, timings: this.timings });
        const events = [...due.events, ...outcome.events];
        if (events.length > 0) {
          await savePeerConn(tx, outcome.conn, this.timings);
          await this.record(tx, id, events);
          if (outcome.events.length > 0 && sideEffect) await sideEffect(tx, outcome.conn);
        }
        return {};
      }),
    );
    this.onDueWork();
    return result;
  }

  /**
   * What the connection is at `now`, even when the reconciler has not caught up yet: reads never
   * show a step that is already over.
   */
  private asOf(conn: PeerConn, now: number): PeerConn | undefined {
    const advanced = advancePeerConn(conn, now, this.timings);
    return advanced.purge ? undefined : advanced.conn;
  }

  private async dropRoutes(tx: Tx, conn: PeerConn): Promise<void> {
    await deleteRouteRulesByNexthop(tx, [conn.initiator.ifId, conn.acceptor.ifId]);
  }

  private async record(db: Executor, peerConnId: string, events: PeerConnEvent[]): Promise<void> {
    await insertPeerConnEvents(db, peerConnId, events, () => this.ids.next('evt'));
  }

  /** A connection with an end the caller owns in the region it called; otherwise "not found". */
  private async requireVisible(db: Executor, caller: Actor, id: string): Promise<PeerConn> {
    const conn = await findPeerConn(db, id);
    if (!conn || visibleRoles(conn, caller).length === 0) {
      throw noSuchObject(
        'PeerConnNotFound',
        `peer connection ${id} does not exist in region ${caller.region}`,
      );
    }
    return conn;
  }

  private async peerVpcsOf(db: Executor, vpc: Vpc): Promise<Vpc[]> {
    const peers: Vpc[] = [];
    for (const { otherVpcId } of await livePeersOfVpc(db, vpc.id)) {
      const other = await findVpcAnyOwner(db, otherVpcId);
      if (other) peers.push(other);
    }
    return peers;
  }
}
