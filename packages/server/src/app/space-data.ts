import type { Clock } from '../clock.js';
import { checkFilePath, checkFileSize, contentHash } from '../domain/data/files.js';
import type { Item, ItemContent, ItemKind } from '../domain/data/items.js';
import {
  checkObjectTypeSchema,
  checkProperties,
  checkTypeName,
  keyOf,
  type ObjectType,
} from '../domain/data/object-types.js';
import { nextLocalVersion } from '../domain/data/versions.js';
import { canRead, type MarkingViewer } from '../domain/data/visibility.js';
import { badRequest, DomainError, noSuchObject, operationDenied } from '../domain/errors.js';
import { type Page, type PageRequest, toPage } from '../domain/pagination.js';
import { checkSecurity, type Security } from '../domain/peering/model.js';
import { checkPrincipalId, checkSpaceId } from '../domain/space.js';
import type { Db, Executor } from '../store/database.js';
import {
  type Conflict,
  findConflict,
  listConflicts,
  markConflictResolved,
} from '../store/repositories/conflicts.js';
import { peersOfItem } from '../store/repositories/replication.js';
import {
  appendChange,
  countItems,
  deleteObjectType,
  findItem,
  findItemByIdentity,
  findMarking,
  findObjectType,
  insertItem,
  insertMarking,
  insertObjectType,
  listItems,
  listMarkings,
  listObjectTypes,
  type Marking,
  putBlob,
  readBlob,
  setMarkingMembers,
  updateItem,
} from '../store/repositories/space-data.js';
import { transact } from '../store/transact.js';
import { type AuditRecorder, requireAdministrator } from './authorization.js';
import type { Caller } from './caller.js';
import type { IdGenerator } from './ids.js';
import { markingViewer } from './marking-viewer.js';
import type { SpaceService } from './spaces.js';

/** What a caller writes on an object or a file besides its data. */
export interface LabelsInput {
  classification?: string;
  markings?: string[];
}

export interface ItemView {
  id: string;
  spaceId: string;
  kind: ItemKind;
  typeName: string;
  key: string;
  content: ItemContent;
  version: Item['version'];
  /** This item's id on each peer connection it travelled over (R37). */
  peers: { connectionId: string; remoteId: string }[];
  createdAt: number;
  updatedAt: number;
}

const MARKING_DESCRIPTION_MAX = 256;

/**
 * Space data (objects, object types, files, markings) as local users write it. Every write
 * stores a new version (the local enrollment's counter incremented) and appends the item to the
 * space's change log in the same transaction; replication reads the log.
 */
export class SpaceDataService {
  /** Called after a local change commits, so exports start without waiting for a tick. */
  onChanged: () => void = () => {};
  /** Called after an object type is created or deleted: items parked for want of it may fit now. */
  onTypesChanged: () => void = () => {};

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly selfId: () => Promise<string>,
    private readonly spaces: Pick<SpaceService, 'requireManager'>,
    private readonly audit: AuditRecorder,
  ) {}

  // ---- object types

  async createObjectType(
    caller: Caller,
    spaceId: string,
    input: { name: string; primaryKey?: string; properties?: Record<string, string> },
  ): Promise<ObjectType> {
    const name = checkTypeName(input.name);
    const schema = checkObjectTypeSchema(input);
    return transact(this.db, async (tx) => {
      await this.spaces.requireManager(tx, caller, checkSpaceId(spaceId));
      if (await findObjectType(tx, spaceId, name))
        throw operationDenied('ObjectTypeExists', `space ${spaceId} already has an object type ${name}`);
      const type: ObjectType = { spaceId, name, ...schema, createdAt: this.clock.now() };
      await insertObjectType(tx, type);
      await this.audit(tx, {
        actor: caller.principalId,
        action: 'CreateObjectType',
        target: spaceId,
        detail: name,
      });
      return type;
    }).finally(() => this.onTypesChanged());
  }

  async listObjectTypes(caller: Caller, spaceId: string): Promise<ObjectType[]> {
    await this.spaces.requireManager(this.db, caller, checkSpaceId(spaceId));
    return listObjectTypes(this.db, spaceId);
  }

  async getObjectType(caller: Caller, spaceId: string, name: string): Promise<ObjectType> {
    await this.spaces.requireManager(this.db, caller, checkSpaceId(spaceId));
    return this.requireType(this.db, spaceId, name);
  }

  async deleteObjectType(caller: Caller, spaceId: string, name: string): Promise<void> {
    await transact(this.db, async (tx) => {
      await this.spaces.requireManager(tx, caller, checkSpaceId(spaceId));
      await this.requireType(tx, spaceId, name);
      // No count: some of the objects may carry markings the caller does not hold (docs/security.md).
      if ((await countItems(tx, spaceId, 'object', name)) > 0)
        throw operationDenied('ObjectTypeInUse', `object type ${name} still has objects; delete them first`);
      await deleteObjectType(tx, spaceId, name);
      await this.audit(tx, {
        actor: caller.principalId,
        action: 'DeleteObjectType',
        target: spaceId,
        detail: name,
      });
    });
  }

  // ---- objects

  /** Creates an object; one with the same primary key may not exist (a deleted one may). */
  async createObject(
    caller: Caller,
    spaceId: string,
    typeName: string,
    input: { properties: unknown } & LabelsInput,
  ): Promise<ItemView> {
    return this.write(caller, spaceId, async (tx, viewer) => {
      const type = await this.requireType(tx, spaceId, typeName);
      const properties = checkProperties(type, input.properties);
      const key = keyOf(type, properties);
      const existing = await findItemByIdentity(tx, { spaceId, kind: 'object', typeName, key });
      // A primary key is unique in the space, seen or not: the refusal says the key is taken
      // but, for an object the caller may not see, not by what.
      if (existing && !existing.content.deleted)
        throw operationDenied(
          'ObjectExists',
          canRead(existing.content.markings, viewer)
            ? `${typeName} ${key} already exists (${existing.id})`
            : `${typeName} ${key} already exists`,
        );
      const labels = await this.checkLabels(tx, input, viewer);
      return {
        kind: 'object',
        typeName,
        key,
        existing,
        content: { ...labels, properties, blob: null, deleted: false },
      };
    });
  }

  /** Replaces an object's properties (its primary key stays) and, when given, its labels. */
  async updateObject(
    caller: Caller,
    spaceId: string,
    objectId: string,
    input: { properties?: unknown } & LabelsInput,
  ): Promise<ItemView> {
    return this.write(caller, spaceId, async (tx, viewer) => {
      const existing = await this.requireItem(tx, spaceId, objectId, 'object', viewer);
      const type = await this.requireType(tx, spaceId, existing.typeName);
      const properties =
        input.properties === undefined
          ? existing.content.properties!
          : checkProperties(type, input.properties);
      if (keyOf(type, properties) !== existing.key)
        throw badRequest('PrimaryKeyChanged', `the primary key of ${existing.id} cannot change`);
      const labels = await this.checkLabels(tx, input, viewer, existing.content);
      return {
        kind: 'object',
        typeName: existing.typeName,
        key: existing.key,
        existing,
        content: { ...labels, properties, blob: null, deleted: false },
      };
    });
  }

  async deleteObject(caller: Caller, spaceId: string, objectId: string): Promise<void> {
    await this.write(caller, spaceId, async (tx, viewer) => {
      const existing = await this.requireItem(tx, spaceId, objectId, 'object', viewer);
      return { ...existing, existing, content: { ...existing.content, deleted: true } };
    });
  }

  async getItem(caller: Caller, spaceId: string, itemId: string, kind: ItemKind): Promise<ItemView> {
    await this.spaces.requireManager(this.db, caller, checkSpaceId(spaceId));
    const viewer = await markingViewer(this.db, caller);
    return this.view(this.db, await this.requireItem(this.db, spaceId, itemId, kind, viewer));
  }

  async listItems(
    caller: Caller,
    spaceId: string,
    kind: ItemKind,
    page: PageRequest,
    typeName?: string,
  ): Promise<Page<ItemView>> {
    await this.spaces.requireManager(this.db, caller, checkSpaceId(spaceId));
    if (typeName !== undefined) await this.requireType(this.db, spaceId, typeName);
    const viewer = await markingViewer(this.db, caller);
    // Filtered in the query, so that a page, its marker and isTruncated are about what the
    // caller may see, and nothing tells how much is hidden.
    const items = await listItems(this.db, {
      spaceId,
      kind,
      heldMarkings: [...viewer.held],
      ...(typeName !== undefined ? { typeName } : {}),
      ...(page.marker ? { fromId: page.marker } : {}),
      limit: page.maxKeys + 1,
    });
    const views = await Promise.all(items.map((item) => this.view(this.db, item)));
    return toPage(views, page, (view) => view.id);
  }

  // ---- files

  /** Writes a file at `path`, creating it or replacing its content and labels. */
  async putFile(
    caller: Caller,
    spaceId: string,
    path: string,
    content: Buffer,
    labels: LabelsInput,
  ): Promise<ItemView> {
    const key = checkFilePath(path);
    checkFileSize(content.length);
    const hash = contentHash(content);
    return this.write(caller, spaceId, async (tx, viewer) => {
      const existing = await findItemByIdentity(tx, { spaceId, kind: 'file', typeName: '', key });
      // Replacing a file the caller may not see would destroy what it cannot read: refused, as a
      // path taken, like a primary key.
      if (existing && !existing.content.deleted && !canRead(existing.content.markings, viewer))
        throw operationDenied('FileExists', `a file you may not replace is at ${key}`);
      const checked = await this.checkLabels(
        tx,
        labels,
        viewer,
        existing?.content.deleted ? undefined : existing?.content,
      );
      await putBlob(tx, hash, content);
      return {
        kind: 'file',
        typeName: '',
        key,
        existing,
        content: { ...checked, properties: null, blob: { hash, size: content.length }, deleted: false },
      };
    });
  }

  async deleteFile(caller: Caller, spaceId: string, fileId: string): Promise<void> {
    await this.write(caller, spaceId, async (tx, viewer) => {
      const existing = await this.requireItem(tx, spaceId, fileId, 'file', viewer);
      return { ...existing, existing, content: { ...existing.content, deleted: true } };
    });
  }

  async readFile(
    caller: Caller,
    spaceId: string,
    fileId: string,
  ): Promise<{ view: ItemView; content: Buffer }> {
    const view = await this.getItem(caller, spaceId, fileId, 'file');
    const content = await readBlob(this.db, view.content.blob!.hash);
    if (!content) throw new Error(`the content ${view.content.blob!.hash} of ${fileId} is missing`);
    return { view, content };
  }

  // ---- markings (R24)

  async createMarking(caller: Caller, input: { name: string; description?: string }): Promise<Marking> {
    requireAdministrator(caller);
    const [name] = checkSecurity({ markings: [input.name] }).markings;
    const description = (input.description ?? '').trim();
    if (description.length > MARKING_DESCRIPTION_MAX)
      throw badRequest(
        'InvalidDescription',
        `a description has at most ${MARKING_DESCRIPTION_MAX} characters`,
      );
    return transact(this.db, async (tx) => {
      if (await findMarking(tx, name!))
        throw operationDenied('MarkingExists', `marking ${name} already exists`);
      const marking: Marking = {
        name: name!,
        description,
        origin: 'local',
        members: [],
        createdAt: this.clock.now(),
      };
      await insertMarking(tx, marking);
      await this.audit(tx, {
        actor: caller.principalId,
        action: 'CreateMarking',
        target: name!,
        detail: description,
      });
      return marking;
    });
  }

  /**
   * Administrators, who manage markings, see them all with their members; anyone else only the
   * markings it holds, with itself as the only member shown (who else holds one is not theirs to
   * know).
   */
  async listMarkings(caller: Caller): Promise<Marking[]> {
    const markings = await listMarkings(this.db);
    if (caller.isAdmin) return markings;
    return markings
      .filter((marking) => marking.members.includes(caller.principalId))
      .map((marking) => ({ ...marking, members: [caller.principalId] }));
  }

  /** Only enrollment administrators grant access to a marking (R24). */
  async setMarkingMembers(caller: Caller, name: string, members: string[]): Promise<Marking> {
    requireAdministrator(caller);
    return transact(this.db, async (tx) => {
      const marking = await findMarking(tx, name);
      if (!marking) throw noSuchObject('NoSuchMarking', `marking ${name} does not exist`);
      const sorted = [...new Set(members.map(checkPrincipalId))].sort();
      await setMarkingMembers(tx, name, sorted);
      await this.audit(tx, {
        actor: caller.principalId,
        action: 'SetMarkingMembers',
        target: name,
        detail: sorted.join(','),
      });
      return { ...marking, members: sorted };
    });
  }

  // ---- conflicts (R44)

  async listConflicts(
    caller: Caller,
    spaceId: string,
    query: { connectionId?: string; itemId?: string; open?: boolean },
    page: PageRequest,
  ): Promise<Page<Conflict>> {
    await this.spaces.requireManager(this.db, caller, checkSpaceId(spaceId));
    const viewer = await markingViewer(this.db, caller);
    const rows = await listConflicts(this.db, {
      spaceId,
      ...query,
      heldMarkings: [...viewer.held],
      ...(page.marker ? { fromId: page.marker } : {}),
      limit: page.maxKeys + 1,
    });
    return toPage(rows, page, (conflict) => conflict.id);
  }

  /**
   * A user settles a conflict by choosing one of its two values: the choice becomes a new local
   * version on top of what is stored now, so it wins everywhere and travels like any edit.
   */
  async resolveConflict(
    caller: Caller,
    spaceId: string,
    conflictId: string,
    choose: 'local' | 'remote',
  ): Promise<{ conflict: Conflict; item: ItemView }> {
    if (choose !== 'local' && choose !== 'remote')
      throw badRequest('InvalidChoice', 'choose "local" or "remote"');
    let resolved: Conflict | undefined;
    const item = await this.write(caller, spaceId, async (tx, viewer) => {
      const conflict = await findConflict(tx, conflictId);
      const existing = conflict && (await findItem(tx, conflict.itemId));
      // A conflict shows both values of its item: hidden unless the caller may read all three.
      const readable =
        conflict &&
        [conflict.local.content, conflict.remote.content, ...(existing ? [existing.content] : [])].every(
          (content) => canRead(content.markings, viewer),
        );
      if (!conflict || conflict.spaceId !== spaceId || !readable)
        throw noSuchObject('NoSuchConflict', `conflict ${conflictId} does not exist in space ${spaceId}`);
      if (!existing) throw noSuchObject('NoSuchItem', `the item of conflict ${conflictId} no longer exists`);
      const resolution = { at: this.clock.now(), by: caller.principalId, chose: choose };
      await markConflictResolved(tx, conflictId, resolution);
      resolved = { ...conflict, resolution };
      return { ...existing, existing, content: conflict[choose].content };
    });
    return { conflict: resolved!, item };
  }

  // ---- internals

  /**
   * Runs `decide` in a transaction after checking the caller manages the space, then stores the
   * content it answers as a new local version and logs the change.
   */
  private async write(
    caller: Caller,
    spaceId: string,
    decide: (
      tx: Executor,
      viewer: MarkingViewer,
    ) => Promise<{
      kind: ItemKind;
      typeName: string;
      key: string;
      existing: Item | undefined;
      content: ItemContent;
    }>,
  ): Promise<ItemView> {
    checkSpaceId(spaceId);
    const self = await this.selfId();
    const view = await transact(this.db, async (tx) => {
      await this.spaces.requireManager(tx, caller, spaceId);
      const { kind, typeName, key, existing, content } = await decide(tx, await markingViewer(tx, caller));
      const now = this.clock.now();
      const item: Item = {
        id: existing?.id ?? this.ids.next(kind === 'object' ? 'obj' : 'fil'),
        spaceId,
        kind,
        typeName,
        key,
        content,
        version: nextLocalVersion(existing?.version, self, now),
        createdAt: existing?.createdAt ?? now,
        updatedAt: now,
      };
      if (existing) await updateItem(tx, item);
      else await insertItem(tx, item);
      await appendChange(tx, { spaceId, itemId: item.id, kind, originConnectionId: null, at: now });
      return this.view(tx, item);
    });
    this.onChanged();
    return view;
  }

  private async view(db: Executor, item: Item): Promise<ItemView> {
    return { ...item, peers: await peersOfItem(db, item.id) };
  }

  private async requireType(db: Executor, spaceId: string, name: string): Promise<ObjectType> {
    const type = await findObjectType(db, spaceId, name);
    if (!type) throw noSuchObject('NoSuchObjectType', `space ${spaceId} has no object type ${name}`);
    return type;
  }

  /**
   * The live item, or 404 as for one that does not exist when `viewer` may not read it (R25): a
   * 403 would tell that the id is there.
   */
  private async requireItem(
    db: Executor,
    spaceId: string,
    id: string,
    kind: ItemKind,
    viewer: MarkingViewer,
  ): Promise<Item> {
    const item = await findItem(db, id);
    if (
      !item ||
      item.spaceId !== spaceId ||
      item.kind !== kind ||
      item.content.deleted ||
      !canRead(item.content.markings, viewer)
    ) {
      const what = kind === 'object' ? 'object' : 'file';
      throw noSuchObject(
        kind === 'object' ? 'NoSuchObject' : 'NoSuchFile',
        `${what} ${id} does not exist in space ${spaceId}`,
      );
    }
    return item;
  }

  /**
   * Labels as given, or as they were when not given; every marking must exist (R24) and be held
   * by the caller: labelling with a marking one may not see is refused just like an unknown
   * one, so the refusal does not tell which names exist.
   */
  private async checkLabels(
    db: Executor,
    input: LabelsInput,
    viewer: MarkingViewer,
    current?: ItemContent,
  ): Promise<Pick<ItemContent, 'classification' | 'markings'>> {
    const security: Security = checkSecurity({
      classification: input.classification ?? current?.classification ?? 'UNCLASSIFIED',
      markings: input.markings ?? current?.markings ?? [],
    });
    for (const marking of security.markings) {
      if (!viewer.held.has(marking) || !(await findMarking(db, marking)))
        throw new DomainError(
          'BadRequest',
          'UnknownMarking',
          `marking ${marking} does not exist or you do not hold it; an administrator creates markings and grants them`,
        );
    }
    return { classification: security.classification, markings: security.markings };
  }
}
