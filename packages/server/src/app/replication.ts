import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../clock.js';
import { checkFilePath, contentHash } from '../domain/data/files.js';
import {
  type Item,
  type ItemContent,
  type ItemKind,
  reconcileIncoming,
  type VersionedContent,
} from '../domain/data/items.js';
import {
  checkMappingProperties,
  exportedSchema,
  exportProperties,
  importProblem,
  mirrorMapping,
  type TypeMapping,
} from '../domain/data/mapping.js';
import { checkProperties, keyOf, type ObjectTypeSchema } from '../domain/data/object-types.js';
import { securityRefusal } from '../domain/data/security.js';
import { checkVersion, compareVectors } from '../domain/data/versions.js';
import type { Chunk, WireItem } from '../domain/data/wire.js';
import { DomainError, noSuchObject } from '../domain/errors.js';
import {
  CLASSIFICATIONS,
  DATA_TYPES,
  type DataType,
  type PeerConnection,
  statusOf,
} from '../domain/peering/model.js';
import type { MessageBodies } from '../federation/messages.js';
import type { Receiver } from '../federation/receiver.js';
import type { Db, Executor } from '../store/database.js';
import {
  type Conflict,
  countOpenConflicts,
  findConflict,
  insertConflict,
} from '../store/repositories/conflicts.js';
import { listRelayChannels } from '../store/repositories/network.js';
import {
  findPeerConnection,
  findPeerConnectionByPeering,
  listActivePeerConnections,
} from '../store/repositories/pm-connections.js';
import {
  connectionsWithParked,
  deleteTypeMapping,
  ensureJob,
  findJob,
  findPeeredItemId,
  type JobDirection,
  type JobRow,
  linkPeeredItem,
  listParked,
  listTypeMappings,
  parkedSummary,
  parkItem,
  putTypeMapping,
  remoteIdOf,
  saveJob,
  unparkItem,
} from '../store/repositories/replication.js';
import {
  appendChange,
  backlogAfter,
  changesAfter,
  findItem,
  findItemByIdentity,
  findMarking,
  findObjectType,
  headSeq,
  insertItem,
  insertMarking,
  putBlob,
  readBlob,
  updateItem,
} from '../store/repositories/space-data.js';
import { transact } from '../store/transact.js';
import type { AuditRecorder } from './authorization.js';
import type { Caller } from './caller.js';
import type { IdGenerator } from './ids.js';
import type { Outbox } from './outbox.js';
import type { SpaceService } from './spaces.js';

/** At most this many changes, and about this many bytes, per chunk (R46). */
export const CHUNK_ITEMS = 500;
export const CHUNK_BYTES = 1024 * 1024;
/** Chunks one export job may write per tick, so one busy job does not starve the others. */
const CHUNKS_PER_TICK = 20;
/** Parked items are retried this often even when nothing told us they might fit now. */
const PARKED_RETRY_MS = 30_000;

export interface JobView {
  dataType: DataType;
  direction: JobDirection;
  health: 'healthy' | 'paused' | 'unhealthy';
  healthReason: string | null;
  epoch: number;
  /** Export: the last change examined (sent, withheld or not sent back); import: the last change applied. */
  watermark: number;
  /** Export: where the last chunk sent ended; the importer acknowledges up to here. */
  sentSeq?: number;
  /** Export: the space's latest change of this type. */
  head?: number;
  /** Export: the last change the importer reported applied (null when acknowledgements cannot travel back). */
  acknowledged?: { seq: number; at: number | null } | null;
  /** Export: changes not sent yet, and how long the oldest has waited. */
  pendingChanges?: number;
  lagMs?: number;
  lastTransferAt: number | null;
  lastItems: number;
  itemsTotal: number;
  chunksTotal: number;
  /** Export: changes withheld by the connection's security; import: items refused on receipt (R23). */
  withheld: number;
  /** Import: items waiting for their object type to match (R30). */
  parked?: { typeName: string; count: number; reason: string }[];
  openConflicts?: number;
  lastError: string | null;
}

interface PeerChecks {
  /** Why data may not move over the connection now (empty when it may). */
  mayMoveData(db: Executor, connection: PeerConnection): Promise<string[]>;
}

const isExport = (direction: string | undefined) => direction === 'export' || direction === 'both';
const isImport = (direction: string | undefined) => direction === 'import' || direction === 'both';
const kindOf = (dataType: DataType): ItemKind => (dataType === 'objects' ? 'object' : 'file');

/**
 * Replication of space data over active peer connections (Peer Manager §3, R22–R48): one job per
 * (connection, data type, direction). Exporters read the space's change log past their watermark
 * and write chunks to the outbox in the same transaction that advances the watermark; the outbox
 * carries them over MPX or the relay. Importers apply a chunk, its items' versions and their
 * watermark in the receiving transaction (with the inbox entry), so a repeated or replayed chunk
 * changes nothing and a crash loses nothing.
 */
export class ReplicationService {
  /** Called when export work may be waiting (a resend asked, a mapping changed). */
  onWork: () => void = () => {};
  private parkedDirty = true;
  private lastParkedRetry = 0;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly outbox: Outbox,
    private readonly peers: PeerChecks,
    private readonly spaces: Pick<SpaceService, 'requireManager'>,
    private readonly audit: AuditRecorder,
    private readonly log: FastifyBaseLogger,
  ) {}

  registerHandlers(receiver: Receiver): void {
    receiver.on('data.chunk', (tx, from, body) => this.onChunk(tx, from, body));
    receiver.on('data.ack', (tx, from, body) => this.onAck(tx, from, body));
    receiver.on('data.resend', (tx, from, body) => this.onResend(tx, from, body));
    receiver.on('data.mapping', (tx, from, body) => this.onMapping(tx, from, body));
  }

  /** New object types may fit parked items: retry them on the next tick. */
  typesChanged(): void {
    this.parkedDirty = true;
    this.onWork();
  }

  // ---- jobs (R50)

  async jobs(caller: Caller, connectionId: string): Promise<JobView[]> {
    const connection = await this.requireManaged(caller, connectionId);
    const blocked = await this.peers.mayMoveData(this.db, connection);
    const views: JobView[] = [];
    for (const dataType of DATA_TYPES) {
      const direction = connection.dataTypes[dataType];
      if (isExport(direction)) views.push(await this.exportView(connection, dataType, blocked));
      if (isImport(direction)) views.push(await this.importView(connection, dataType, blocked));
    }
    return views;
  }

  private async exportView(
    connection: PeerConnection,
    dataType: DataType,
    blocked: string[],
  ): Promise<JobView> {
    const kind = kindOf(dataType);
    const job =
      (await findJob(this.db, { connectionId: connection.id, dataType, direction: 'export' })) ?? emptyJob();
    const head = await headSeq(this.db, connection.spaceId, kind);
    const backlog = await backlogAfter(this.db, {
      spaceId: connection.spaceId,
      kind,
      afterSeq: job.watermark,
    });
    const acks = await this.acknowledgementsTravel(this.db, connection, 'receive');
    const lagMs = backlog.oldestAt === null ? 0 : Math.max(0, this.clock.now() - backlog.oldestAt);
    return {
      dataType,
      direction: 'export',
      ...health(blocked, job.lastError),
      epoch: job.epoch,
      watermark: job.watermark,
      sentSeq: job.sentSeq,
      head,
      acknowledged: acks ? { seq: job.acked, at: job.ackedAt } : null,
      pendingChanges: backlog.changes,
      lagMs,
      lastTransferAt: job.lastTransferAt,
      lastItems: job.lastItems,
      itemsTotal: job.itemsTotal,
      chunksTotal: job.chunksTotal,
      withheld: job.withheld,
      lastError: job.lastError,
    };
  }

  private async importView(
    connection: PeerConnection,
    dataType: DataType,
    blocked: string[],
  ): Promise<JobView> {
    const job =
      (await findJob(this.db, { connectionId: connection.id, dataType, direction: 'import' })) ?? emptyJob();
    const parked = dataType === 'objects' ? await parkedSummary(this.db, connection.id) : [];
    const problems = [
      ...(job.lastError ? [job.lastError] : []),
      ...parked.map((p) => `${p.count} ${p.typeName} object${p.count > 1 ? 's' : ''} parked: ${p.reason}`),
    ];
    return {
      dataType,
      direction: 'import',
      ...health(blocked, problems.join('; ') || null),
      epoch: job.epoch,
      watermark: job.watermark,
      lastTransferAt: job.lastTransferAt,
      lastItems: job.lastItems,
      itemsTotal: job.itemsTotal,
      chunksTotal: job.chunksTotal,
      withheld: job.withheld,
      parked,
      openConflicts: await countOpenConflicts(this.db, connection.id),
      lastError: job.lastError,
    };
  }

  // ---- type mappings (R28–R31)

  async listMappings(caller: Caller, connectionId: string): Promise<TypeMapping[]> {
    await this.requireManaged(caller, connectionId);
    return listTypeMappings(this.db, connectionId);
  }

  /** Stores the mapping on both sides; exports start again under it at once (R31). */
  async setMapping(
    caller: Caller,
    connectionId: string,
    input: { localType: string; remoteType: string; properties: Record<string, string> },
  ): Promise<TypeMapping> {
    const mapping = await transact(this.db, async (tx) => {
      const connection = await this.requireManaged(caller, connectionId, tx);
      const local = await findObjectType(tx, connection.spaceId, input.localType);
      if (!local)
        throw noSuchObject(
          'NoSuchObjectType',
          `space ${connection.spaceId} has no object type ${input.localType}`,
        );
      checkMappingProperties(local, input.properties);
      if (!/^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(input.remoteType))
        throw new DomainError(
          'BadRequest',
          'InvalidTypeMapping',
          `"${input.remoteType}" is not an object type name`,
        );
      const mapping: TypeMapping = {
        connectionId,
        localType: local.name,
        remoteType: input.remoteType,
        properties: Object.fromEntries(Object.entries(input.properties).sort()),
        createdAt: this.clock.now(),
      };
      await putTypeMapping(tx, mapping);
      await this.outbox.enqueue(tx, connection.remoteEnrollmentId, 'data.mapping', {
        peeringId: connection.peeringId,
        senderType: mapping.localType,
        receiverType: mapping.remoteType,
        properties: mapping.properties,
      });
      await this.restartExport(tx, connection.id, 'objects');
      await this.audit(tx, {
        actor: caller.principalId,
        action: 'SetTypeMapping',
        target: connectionId,
        detail: `${mapping.localType} -> ${mapping.remoteType}`,
      });
      return mapping;
    });
    this.typesChanged();
    return mapping;
  }

  async deleteMapping(caller: Caller, connectionId: string, localType: string): Promise<void> {
    await transact(this.db, async (tx) => {
      const connection = await this.requireManaged(caller, connectionId, tx);
      if (!(await deleteTypeMapping(tx, connectionId, localType)))
        throw noSuchObject(
          'NoSuchTypeMapping',
          `peer connection ${connectionId} maps no local type ${localType}`,
        );
      await this.outbox.enqueue(tx, connection.remoteEnrollmentId, 'data.mapping', {
        peeringId: connection.peeringId,
        senderType: localType,
        receiverType: '',
        properties: null,
      });
      await this.restartExport(tx, connection.id, 'objects');
      await this.audit(tx, {
        actor: caller.principalId,
        action: 'DeleteTypeMapping',
        target: connectionId,
        detail: localType,
      });
    });
    this.typesChanged();
  }

  // ---- export

  /** Reconciler task: writes due chunks for every export job that may move data. */
  async exportDue(): Promise<number> {
    let chunks = 0;
    for (const connection of await listActivePeerConnections(this.db)) {
      const exported = DATA_TYPES.filter((type) => isExport(connection.dataTypes[type]));
      if (exported.length === 0) continue;
      if ((await this.peers.mayMoveData(this.db, connection)).length > 0) continue;
      for (const dataType of exported) {
        for (let i = 0; i < CHUNKS_PER_TICK; i++) {
          const wrote = await this.exportChunk(connection.id, dataType).catch((error: unknown) => {
            this.log.error({ err: error, connection: connection.id, dataType }, 'export failed; will retry');
            return false;
          });
          if (!wrote) break;
          chunks++;
          // Requests waiting on this server go between chunks (see Receiver.accept).
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
    }
    return chunks + (await this.retryParked());
  }

  /** Writes the next chunk of one job; answers whether the watermark moved. */
  private async exportChunk(connectionId: string, dataType: DataType): Promise<boolean> {
    return transact(this.db, async (tx) => {
      // Re-read under the transaction: the connection may have changed since the tick began.
      const connection = await findPeerConnection(tx, connectionId);
      if (!connection || statusOf(connection) !== 'active' || !isExport(connection.dataTypes[dataType]))
        return false;
      let job = await ensureJob(tx, { connectionId, dataType, direction: 'export' });
      const security = JSON.stringify(connection.security);
      if (job.security !== null && job.security !== security) {
        // R22 under a new security: what was withheld may pass now, what passed may not.
        job = await this.restartExport(tx, connectionId, dataType, job);
      }
      const kind = kindOf(dataType);
      const rows = await changesAfter(tx, {
        spaceId: connection.spaceId,
        kind,
        afterSeq: job.watermark,
        limit: CHUNK_ITEMS,
      });
      if (rows.length === 0) {
        if (job.security === null) await saveJob(tx, job, { ...job, security });
        return false;
      }
      const mappings = new Map((await listTypeMappings(tx, connectionId)).map((m) => [m.localType, m]));
      const items: WireItem[] = [];
      const schemas: Record<string, ObjectTypeSchema> = {};
      let bytes = 0;
      let toSeq = job.watermark;
      let withheld = 0;
      for (const row of rows) {
        if (items.length > 0 && bytes >= CHUNK_BYTES) break;
        toSeq = row.seq;
        // R32/R38: what is exactly what this connection sent is not sent back to it.
        if (row.originConnectionId === connectionId) continue;
        if (securityRefusal(row.item.content, connection.security)) {
          withheld++;
          continue;
        }
        const wire = await this.toWire(tx, connection, row.seq, row.conflictId, row.item, mappings, schemas);
        if (!wire) continue;
        items.push(wire);
        bytes += JSON.stringify(wire).length;
      }
      const now = this.clock.now();
      if (items.length > 0) {
        await this.outbox.enqueue(tx, connection.remoteEnrollmentId, 'data.chunk', {
          peeringId: connection.peeringId,
          dataType,
          epoch: job.epoch,
          fromSeq: job.sentSeq,
          toSeq,
          schemas,
          items,
        });
      }
      const saved = await saveJob(tx, job, {
        ...job,
        watermark: toSeq,
        security,
        withheld: job.withheld + withheld,
        ...(items.length > 0
          ? {
              sentSeq: toSeq,
              lastTransferAt: now,
              lastItems: items.length,
              itemsTotal: job.itemsTotal + items.length,
              chunksTotal: job.chunksTotal + 1,
            }
          : {}),
        lastError: null,
      });
      // Another replica exported this job meanwhile: roll back, so nothing is sent twice.
      if (!saved)
        throw new DomainError('OperationDenied', 'ExportRaced', 'another replica exported this job');
      return true;
    }).catch((error: unknown) => {
      if (error instanceof DomainError && error.reason === 'ExportRaced') return false;
      throw error;
    });
  }

  /** One item in the receiver's names, or undefined when its type cannot be exported. */
  private async toWire(
    tx: Executor,
    connection: PeerConnection,
    seq: number,
    conflictId: string | null,
    item: Item,
    mappings: Map<string, TypeMapping>,
    schemas: Record<string, ObjectTypeSchema>,
  ): Promise<WireItem | undefined> {
    const yourRef = await remoteIdOf(tx, connection.id, item.id);
    const settled = conflictId ? await findConflict(tx, conflictId) : undefined;
    const base: Omit<WireItem, 'type' | 'properties' | 'blob'> = {
      seq,
      ref: item.id,
      ...(yourRef ? { yourRef } : {}),
      kind: item.kind,
      key: item.key,
      classification: item.content.classification,
      markings: item.content.markings,
      deleted: item.content.deleted,
      version: item.version,
    };
    if (item.kind === 'file') {
      if (settled) base.conflict = { versions: [settled.local, settled.remote], reason: settled.reason };
      const content = item.content.deleted ? undefined : await readBlob(tx, item.content.blob!.hash);
      return {
        ...base,
        type: '',
        properties: null,
        blob: item.content.blob,
        ...(content ? { content: content.toString('base64') } : {}),
      };
    }
    const type = await findObjectType(tx, connection.spaceId, item.typeName);
    if (!type) return undefined;
    const mapping = mappings.get(type.name);
    const typeName = mapping?.remoteType ?? type.name;
    schemas[typeName] ??= exportedSchema(type, mapping);
    if (settled) {
      // In the receiver's names, like the item itself.
      const translate = (v: VersionedContent): VersionedContent => ({
        ...v,
        content: {
          ...v.content,
          properties: v.content.properties && exportProperties(type, mapping, v.content.properties),
        },
      });
      base.conflict = {
        versions: [translate(settled.local), translate(settled.remote)],
        reason: settled.reason,
      };
    }
    return {
      ...base,
      type: typeName,
      properties: item.content.properties && exportProperties(type, mapping, item.content.properties),
      blob: null,
    };
  }

  /** Starts a new epoch: everything is sent again (the importer ignores what it already has). */
  private async restartExport(
    tx: Executor,
    connectionId: string,
    dataType: DataType,
    current?: JobRow,
  ): Promise<JobRow> {
    const job = current ?? (await ensureJob(tx, { connectionId, dataType, direction: 'export' }));
    const next = {
      ...job,
      epoch: job.epoch + 1,
      watermark: 0,
      sentSeq: 0,
      acked: 0,
      ackedAt: null,
      security: null,
    };
    await saveJob(tx, job, next);
    setImmediate(() => this.onWork());
    return next;
  }

  // ---- import

  private async onChunk(tx: Executor, from: string, chunk: Chunk): Promise<string> {
    const connection = await this.connectionOf(tx, from, chunk.peeringId);
    if (!connection) return 'ignored: no such peer connection';
    if (connection.state !== 'active') return `ignored: the connection is ${connection.state}`;
    if (
      !(DATA_TYPES as readonly string[]).includes(chunk.dataType) ||
      !isImport(connection.dataTypes[chunk.dataType])
    )
      return `ignored: ${chunk.dataType} are not imported over this connection`;
    if (!isChunkShaped(chunk))
      throw new DomainError(
        'BadRequest',
        'InvalidChunk',
        'the chunk is not a list of items with a sequence range',
      );
    const job = await ensureJob(tx, {
      connectionId: connection.id,
      dataType: chunk.dataType,
      direction: 'import',
    });
    if (chunk.epoch < job.epoch) return `ignored: epoch ${chunk.epoch} is over`;
    const expectedFrom = chunk.epoch === job.epoch ? job.watermark : 0;
    if (chunk.epoch === job.epoch && chunk.toSeq <= job.watermark) return 'duplicate: already applied';
    if (chunk.fromSeq > expectedFrom) {
      // Something was lost on the way (never with the outbox, but a restored importer may be behind).
      await this.outbox.enqueue(tx, from, 'data.resend', {
        peeringId: chunk.peeringId,
        dataType: chunk.dataType,
        epoch: chunk.epoch,
        fromSeq: expectedFrom,
      });
      return `gap: asked to send again from ${expectedFrom}`;
    }
    let applied = 0;
    let refused = 0;
    for (const item of chunk.items) {
      const outcome = await this.applyItem(tx, connection, chunk.schemas[item.type], item).catch(
        (error: unknown) => {
          // One malformed item (a bad path, a bad value) is refused alone; the chunk goes on.
          if (error instanceof DomainError) return 'refused' as const;
          throw error;
        },
      );
      if (outcome === 'refused') refused++;
      else if (outcome === 'applied') applied++;
    }
    await saveJob(tx, job, {
      ...job,
      epoch: chunk.epoch,
      watermark: chunk.toSeq,
      lastTransferAt: this.clock.now(),
      lastItems: chunk.items.length,
      itemsTotal: job.itemsTotal + chunk.items.length,
      chunksTotal: job.chunksTotal + 1,
      withheld: job.withheld + refused,
      lastError: null,
    });
    if (await this.acknowledgementsTravel(tx, connection, 'send')) {
      await this.outbox.enqueue(tx, from, 'data.ack', {
        peeringId: chunk.peeringId,
        dataType: chunk.dataType,
        epoch: chunk.epoch,
        appliedSeq: chunk.toSeq,
      });
    }
    return `applied ${applied} of ${chunk.items.length} items${refused ? `, refused ${refused}` : ''}`;
  }

  /**
   * Applies one incoming item: security again (R23), its type (or parks it, R30), markings by name
   * (R24), identity (R37), then its version against the local one (R41–R45).
   */
  private async applyItem(
    tx: Executor,
    connection: PeerConnection,
    schema: ObjectTypeSchema | undefined,
    wire: WireItem,
  ): Promise<'applied' | 'unchanged' | 'parked' | 'refused'> {
    const version = checkVersion(wire.version);
    if (!version || !(CLASSIFICATIONS as readonly string[]).includes(wire.classification)) return 'refused';
    const refusal = securityRefusal(wire, connection.security);
    if (refusal) {
      this.log.warn(
        { connection: connection.id, item: wire.ref, refusal },
        'incoming item refused by security',
      );
      return 'refused';
    }
    const spaceId = connection.spaceId;
    let properties: ItemContent['properties'] = null;
    let key = wire.key;
    if (wire.kind === 'object') {
      const local = await findObjectType(tx, spaceId, wire.type);
      let problem = importProblem(schema ?? { primaryKey: '', properties: {} }, local, wire.type);
      if (!problem && local && !wire.deleted) {
        try {
          properties = checkProperties(local, wire.properties ?? {});
          key = keyOf(local, properties);
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
          problem = error.message;
        }
      }
      if (problem) {
        await parkItem(tx, {
          connectionId: connection.id,
          remoteId: wire.ref,
          typeName: wire.type,
          payload: JSON.stringify({ schema, wire }),
          reason: problem,
          at: this.clock.now(),
        });
        return 'parked';
      }
    } else if (wire.kind === 'file') {
      key = checkFilePath(wire.key);
      if (!wire.deleted) {
        const content = Buffer.from(wire.content ?? '', 'base64');
        if (!wire.blob || contentHash(content) !== wire.blob.hash || content.length !== wire.blob.size)
          return 'refused';
        await putBlob(tx, wire.blob.hash, content);
      }
    } else {
      return 'refused';
    }
    for (const marking of wire.markings) {
      if (!(await findMarking(tx, marking)))
        await insertMarking(tx, {
          name: marking,
          description: `arrived over peer connection ${connection.id}`,
          origin: `peer:${connection.id}`,
          members: [],
          createdAt: this.clock.now(),
        });
    }

    const typeName = wire.kind === 'object' ? wire.type : '';
    const local = await this.localCounterpart(tx, connection, wire, {
      spaceId,
      kind: wire.kind,
      typeName,
      key,
    });
    if (properties && local?.content.properties && schema) {
      // Properties the mapping does not carry keep their local values (R28).
      const kept = Object.entries(local.content.properties).filter(([name]) => !(name in schema.properties));
      properties = Object.fromEntries(
        [...kept, ...Object.entries(properties)].sort(([a], [b]) => (a < b ? -1 : 1)),
      );
    }
    const incoming = {
      content: {
        properties: wire.deleted ? (local?.content.properties ?? null) : properties,
        blob: wire.blob,
        classification: wire.classification,
        markings: [...wire.markings].sort(),
        deleted: wire.deleted,
      },
      version,
    };
    const reconciled = reconcileIncoming(
      local && { content: local.content, version: local.version },
      incoming,
    );
    const now = this.clock.now();
    const itemId = local?.id ?? this.ids.next(wire.kind === 'object' ? 'obj' : 'fil');
    const conflict = local && this.conflictOf(reconciled, local, incoming, wire.conflict);
    const conflictRecord = conflict ? this.ids.next('cfl') : undefined;
    if (conflict) {
      await insertConflict(tx, {
        id: conflictRecord!,
        spaceId,
        itemId,
        connectionId: connection.id,
        ...conflict,
        detectedAt: now,
        resolution: null,
      });
    }
    if (reconciled.next) {
      const item: Item = {
        id: itemId,
        spaceId,
        kind: wire.kind,
        typeName,
        key,
        content: reconciled.next.content,
        version: reconciled.next.version,
        createdAt: local?.createdAt ?? now,
        updatedAt: now,
      };
      if (local) await updateItem(tx, item);
      else await insertItem(tx, item);
      await appendChange(tx, {
        spaceId,
        itemId,
        kind: wire.kind,
        originConnectionId: reconciled.adopted ? connection.id : null,
        ...(conflictRecord ? { conflictId: conflictRecord } : {}),
        at: now,
      });
    }
    await linkPeeredItem(tx, connection.id, wire.ref, itemId);
    await unparkItem(tx, connection.id, wire.ref);
    return reconciled.next ? 'applied' : 'unchanged';
  }

  /**
   * The conflict an incoming version makes known (R44), seen from this side: either the two
   * versions are concurrent here, or the sender settled a conflict one of whose versions was this
   * side's (it then arrives as newer, and would otherwise lose our version without a trace).
   */
  private conflictOf(
    reconciled: ReturnType<typeof reconcileIncoming>,
    local: Item,
    incoming: VersionedContent,
    settled: WireItem['conflict'],
  ): Pick<Conflict, 'local' | 'remote' | 'winner' | 'reason'> | undefined {
    const mine = { content: local.content, version: local.version };
    if (reconciled.conflict) {
      const winner = reconciled.conflict.winner;
      return {
        local: mine,
        remote: incoming,
        winner,
        reason: conflictReason(winner === 'local' ? mine : incoming),
      };
    }
    if (!settled || !reconciled.adopted) return undefined;
    const versions = settled.versions;
    const ours = versions.findIndex((v) =>
      ['identical', 'older'].includes(compareVectors(v.version.vv, local.version.vv)),
    );
    if (ours < 0) return undefined;
    const theirs = versions[1 - ours]!;
    const won = versions.find(
      (v) => v.version.hlc === incoming.version.hlc && v.version.writer === incoming.version.writer,
    );
    if (!won) return undefined;
    return {
      local: mine,
      remote: theirs,
      winner: won === theirs ? 'remote' : 'local',
      reason: conflictReason(won),
    };
  }

  /** The local item an incoming one is: by the id translation, the id the sender knows, or its identity. */
  private async localCounterpart(
    tx: Executor,
    connection: PeerConnection,
    wire: WireItem,
    identity: { spaceId: string; kind: ItemKind; typeName: string; key: string },
  ): Promise<Item | undefined> {
    for (const id of [await findPeeredItemId(tx, connection.id, wire.ref), wire.yourRef]) {
      if (!id) continue;
      const item = await findItem(tx, id);
      if (
        item &&
        item.spaceId === identity.spaceId &&
        item.kind === identity.kind &&
        item.key === identity.key
      )
        return item;
    }
    return findItemByIdentity(tx, identity);
  }

  /** Reconciler part: applies parked items again once their types may have changed. */
  private async retryParked(): Promise<number> {
    const now = this.clock.now();
    if (!this.parkedDirty && now - this.lastParkedRetry < PARKED_RETRY_MS) return 0;
    this.parkedDirty = false;
    this.lastParkedRetry = now;
    let applied = 0;
    for (const connectionId of await connectionsWithParked(this.db)) {
      for (const parked of await listParked(this.db, connectionId, CHUNK_ITEMS)) {
        const outcome = await transact(this.db, async (tx) => {
          const connection = await findPeerConnection(tx, connectionId);
          if (connection?.state !== 'active') {
            // The connection is gone: what waited for it will never apply.
            await unparkItem(tx, connectionId, parked.remoteId);
            return 'unchanged';
          }
          const { schema, wire } = JSON.parse(parked.payload) as {
            schema?: ObjectTypeSchema;
            wire: WireItem;
          };
          const result = await this.applyItem(tx, connection, schema, wire);
          if (result === 'refused') await unparkItem(tx, connectionId, parked.remoteId);
          return result;
        });
        if (outcome === 'applied') applied++;
      }
    }
    if (applied > 0) this.onWork();
    return applied;
  }

  // ---- acknowledgements, resends, mappings from the other side

  /** The export job a message from the importer is about, or why there is none. */
  private async exportJobFor(
    tx: Executor,
    from: string,
    body: { peeringId: string; dataType: DataType },
  ): Promise<{ connection: PeerConnection; job: JobRow } | string> {
    const connection = await this.connectionOf(tx, from, body.peeringId);
    if (!connection) return 'ignored: no such peer connection';
    const job = await findJob(tx, {
      connectionId: connection.id,
      dataType: body.dataType,
      direction: 'export',
    });
    return job ? { connection, job } : 'ignored: nothing was exported';
  }

  private async onAck(tx: Executor, from: string, body: MessageBodies['data.ack']): Promise<string> {
    const found = await this.exportJobFor(tx, from, body);
    if (typeof found === 'string') return found;
    const { job } = found;
    if (job.epoch !== body.epoch) return 'ignored: another epoch';
    if (body.appliedSeq <= job.acked) return 'ignored: already acknowledged';
    await saveJob(tx, job, { ...job, acked: body.appliedSeq, ackedAt: this.clock.now() });
    return `acknowledged ${body.appliedSeq}`;
  }

  private async onResend(tx: Executor, from: string, body: MessageBodies['data.resend']): Promise<string> {
    const found = await this.exportJobFor(tx, from, body);
    if (typeof found === 'string') return found;
    const { connection, job } = found;
    if (job.epoch === body.epoch && body.fromSeq < job.sentSeq) {
      await saveJob(tx, job, { ...job, watermark: body.fromSeq, sentSeq: body.fromSeq });
      setImmediate(() => this.onWork());
      return `sending again from ${body.fromSeq}`;
    }
    if (job.epoch !== body.epoch) {
      await this.restartExport(tx, connection.id, body.dataType, job);
      return 'sending everything again';
    }
    return 'ignored: nothing to send again';
  }

  private async onMapping(tx: Executor, from: string, body: MessageBodies['data.mapping']): Promise<string> {
    const connection = await this.connectionOf(tx, from, body.peeringId);
    if (!connection) return 'ignored: no such peer connection';
    if (body.properties === null) {
      for (const mapping of await listTypeMappings(tx, connection.id))
        if (mapping.remoteType === body.senderType)
          await deleteTypeMapping(tx, connection.id, mapping.localType);
    } else {
      const mirrored = mirrorMapping({
        localType: body.senderType,
        remoteType: body.receiverType,
        properties: body.properties,
      });
      await putTypeMapping(tx, { connectionId: connection.id, ...mirrored, createdAt: this.clock.now() });
    }
    await this.restartExport(tx, connection.id, 'objects');
    this.parkedDirty = true;
    return 'mapping stored';
  }

  // ---- helpers

  private async connectionOf(
    tx: Executor,
    from: string,
    peeringId: string,
  ): Promise<PeerConnection | undefined> {
    const connection = await findPeerConnectionByPeering(tx, peeringId);
    return connection?.remoteEnrollmentId === from ? connection : undefined;
  }

  /**
   * R48: over the relay, acknowledgements go back only when a channel runs the other way: from
   * the importer's side (`send`) an export channel to the exporter, seen from the exporter's side
   * (`receive`) an import channel from the importer.
   */
  private async acknowledgementsTravel(
    db: Executor,
    connection: PeerConnection,
    side: 'send' | 'receive',
  ): Promise<boolean> {
    if (connection.transport === 'mpx') return true;
    const back = await listRelayChannels(db, {
      remoteEnrollmentId: connection.remoteEnrollmentId,
      direction: side === 'send' ? 'export' : 'import',
    });
    return back.length > 0;
  }

  private async requireManaged(
    caller: Caller,
    connectionId: string,
    db: Executor = this.db,
  ): Promise<PeerConnection> {
    const connection = await findPeerConnection(db, connectionId);
    if (!connection)
      throw noSuchObject('NoSuchPeerConnection', `peer connection ${connectionId} does not exist`);
    await this.spaces.requireManager(db, caller, connection.spaceId);
    return connection;
  }
}

function conflictReason(winner: VersionedContent): string {
  return `concurrent edits (neither version includes the other); the version by ${winner.version.writer} was made later (hybrid time ${winner.version.hlc}), and the later one wins on every side`;
}

function isChunkShaped(chunk: Chunk): boolean {
  const seq = (n: unknown) => Number.isSafeInteger(n) && (n as number) >= 0;
  return (
    seq(chunk.epoch) &&
    seq(chunk.fromSeq) &&
    seq(chunk.toSeq) &&
    chunk.toSeq > chunk.fromSeq &&
    typeof chunk.schemas === 'object' &&
    chunk.schemas !== null &&
    Array.isArray(chunk.items) &&
    chunk.items.every(
      (item) =>
        typeof item === 'object' &&
        item !== null &&
        typeof item.ref === 'string' &&
        typeof item.key === 'string' &&
        typeof item.type === 'string' &&
        Array.isArray(item.markings) &&
        item.markings.every((m: unknown) => typeof m === 'string'),
    )
  );
}

function emptyJob(): JobRow {
  return {
    key: { connectionId: '', dataType: '', direction: 'export' },
    epoch: 0,
    watermark: 0,
    sentSeq: 0,
    acked: 0,
    ackedAt: null,
    lastTransferAt: null,
    lastItems: 0,
    itemsTotal: 0,
    chunksTotal: 0,
    withheld: 0,
    lastError: null,
    security: null,
  };
}

function health(blocked: string[], problem: string | null): Pick<JobView, 'health' | 'healthReason'> {
  if (blocked.length > 0) return { health: 'paused', healthReason: blocked.join('; ') };
  if (problem) return { health: 'unhealthy', healthReason: problem };
  return { health: 'healthy', healthReason: null };
}
