import type { Clock } from '../clock.js';
import { DomainError, noSuchObject, operationDenied } from '../domain/errors.js';
import { checkDescription } from '../domain/names.js';
import { type Page, type PageRequest, toPage } from '../domain/pagination.js';
import {
  checkPrincipalId,
  checkSpaceId,
  checkSpaceName,
  initialManagers,
  type Space,
} from '../domain/space.js';
import { isUserId } from '../domain/users.js';
import type { Db, Executor } from '../store/database.js';
import { findAccount } from '../store/repositories/accounts.js';
import { countLivePeerConnectionsOfSpace } from '../store/repositories/pm-connections.js';
import {
  deleteSpace,
  deleteSpaceManager,
  findSpace,
  findSpaceIdByName,
  insertSpace,
  insertSpaceManager,
  listManagedSpaceIds,
  listSpaces,
  updateSpace,
} from '../store/repositories/spaces.js';
import { findUser } from '../store/repositories/users.js';
import { transact } from '../store/transact.js';
import { type AuditRecorder, requireAdministrator } from './authorization.js';
import type { Caller } from './caller.js';
import type { IdGenerator } from './ids.js';

/**
 * Whether something still uses the space, so that deleting it would leave that thing without one:
 * a peer request or peer connection that is not over (requested, approved or active).
 */
export async function spaceInUse(db: Executor, spaceId: string): Promise<boolean> {
  return (await countLivePeerConnectionsOfSpace(db, spaceId)) > 0;
}

/**
 * Spaces and their managers. Administrators create and delete spaces; a space's managers (and
 * administrators) edit it and its manager list. Administrators are not managers by office (R10):
 * peering a space takes being one of its managers, which an administrator can make themself.
 */
export class SpaceService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly audit: AuditRecorder,
  ) {}

  /** The creator and everyone in `managers` manage the new space. */
  async create(
    caller: Caller,
    input: { name: string; description?: string; managers?: string[] },
  ): Promise<Space> {
    requireAdministrator(caller);
    const name = checkSpaceName(input.name);
    const description = checkDescription(input.description);
    const managers = initialManagers(caller.principalId, input.managers);
    return transact(this.db, async (tx) => {
      await refuseTakenName(tx, name);
      for (const manager of managers) if (manager !== caller.principalId) await requirePrincipal(tx, manager);
      const space: Space = {
        id: this.ids.next('spc'),
        name,
        description,
        managers,
        createdAt: this.clock.now(),
      };
      await insertSpace(tx, space);
      await this.audit(tx, {
        actor: caller.principalId,
        action: 'CreateSpace',
        target: space.id,
        detail: `${name} (managers: ${managers.join(', ')})`,
      });
      return space;
    });
  }

  /** Administrators see every space; anyone else the spaces they manage. */
  async list(caller: Caller, page: PageRequest): Promise<Page<Space>> {
    const rows = await listSpaces(this.db, page, caller.isAdmin ? undefined : caller.principalId);
    return toPage(rows, page, (space) => space.id);
  }

  async get(caller: Caller, spaceId: string): Promise<Space> {
    return findAccessible(this.db, caller, spaceId, { administrators: true });
  }

  async update(
    caller: Caller,
    spaceId: string,
    input: { name?: string; description?: string },
  ): Promise<Space> {
    const name = input.name === undefined ? undefined : checkSpaceName(input.name);
    const description = input.description === undefined ? undefined : checkDescription(input.description);
    return transact(this.db, async (tx) => {
      const space = await findAccessible(tx, caller, spaceId, { administrators: true });
      const updated = { ...space, name: name ?? space.name, description: description ?? space.description };
      const changes = [
        updated.name !== space.name ? `name: ${space.name} -> ${updated.name}` : undefined,
        updated.description !== space.description ? 'description' : undefined,
      ].filter((change) => change !== undefined);
      if (changes.length === 0) return space;
      if (updated.name !== space.name) await refuseTakenName(tx, updated.name);
      await updateSpace(tx, space.id, { name: updated.name, description: updated.description });
      await this.audit(tx, {
        actor: caller.principalId,
        action: 'UpdateSpace',
        target: space.id,
        detail: changes.join('; '),
      });
      return updated;
    });
  }

  /** Adding a manager twice changes nothing. */
  async addManager(caller: Caller, spaceId: string, principalId: string): Promise<Space> {
    checkPrincipalId(principalId);
    return transact(this.db, async (tx) => {
      const space = await findAccessible(tx, caller, spaceId, { administrators: true });
      if (space.managers.includes(principalId)) return space;
      if (principalId !== caller.principalId) await requirePrincipal(tx, principalId);
      await insertSpaceManager(tx, space.id, principalId);
      await this.audit(tx, {
        actor: caller.principalId,
        action: 'AddSpaceManager',
        target: space.id,
        detail: principalId,
      });
      return { ...space, managers: [...space.managers, principalId].sort() };
    });
  }

  /** A space keeps at least one manager, so that someone can still peer it. */
  async removeManager(caller: Caller, spaceId: string, principalId: string): Promise<Space> {
    checkPrincipalId(principalId);
    return transact(this.db, async (tx) => {
      const space = await findAccessible(tx, caller, spaceId, { administrators: true });
      if (!space.managers.includes(principalId))
        throw noSuchObject('NoSuchSpaceManager', `${principalId} does not manage space ${space.id}`);
      if (space.managers.length === 1) {
        throw operationDenied(
          'LastSpaceManager',
          `${principalId} is the last manager of space ${space.id}; add another manager first`,
        );
      }
      await deleteSpaceManager(tx, space.id, principalId);
      await this.audit(tx, {
        actor: caller.principalId,
        action: 'RemoveSpaceManager',
        target: space.id,
        detail: principalId,
      });
      return { ...space, managers: space.managers.filter((manager) => manager !== principalId) };
    });
  }

  async delete(caller: Caller, spaceId: string): Promise<void> {
    requireAdministrator(caller);
    checkSpaceId(spaceId);
    await transact(this.db, async (tx) => {
      const space = await findSpace(tx, spaceId);
      if (!space) throw noSuchSpace(spaceId);
      if (await spaceInUse(tx, spaceId))
        throw operationDenied('SpaceInUse', `space ${spaceId} is still in use; remove what uses it first`);
      await deleteSpace(tx, spaceId);
      await this.audit(tx, {
        actor: caller.principalId,
        action: 'DeleteSpace',
        target: spaceId,
        detail: space.name,
      });
    });
  }

  /**
   * The space, when `caller` manages it: what peering a space takes (R10). Administrators are
   * refused like anyone else unless they are among its managers.
   */
  async requireManager(db: Executor, caller: Caller, spaceId: string): Promise<Space> {
    return findAccessible(db, caller, spaceId, { administrators: false });
  }

  /** The ids of the spaces `caller` manages, in id order. */
  async managedSpaceIds(db: Executor, caller: Caller): Promise<string[]> {
    return listManagedSpaceIds(db, caller.principalId);
  }
}

const noSuchSpace = (spaceId: string) => noSuchObject('NoSuchSpace', `space ${spaceId} does not exist`);

async function findAccessible(
  db: Executor,
  caller: Caller,
  spaceId: string,
  { administrators }: { administrators: boolean },
): Promise<Space> {
  const space = await findSpace(db, checkSpaceId(spaceId));
  if (!space) throw noSuchSpace(spaceId);
  if (space.managers.includes(caller.principalId) || (administrators && caller.isAdmin)) return space;
  throw new DomainError(
    'AccessDenied',
    'NotSpaceManager',
    `you must manage space ${space.id} ("${space.name}") to do this${administrators ? ' (or be an enrollment administrator)' : ''}; a manager of the space can add you`,
  );
}

async function refuseTakenName(db: Executor, name: string): Promise<void> {
  const holder = await findSpaceIdByName(db, name);
  if (holder) throw operationDenied('SpaceNameTaken', `space ${holder} is already named "${name}"`);
}

/** A manager must be someone who can sign in: an existing account or user. */
async function requirePrincipal(db: Executor, principalId: string): Promise<void> {
  const exists = isUserId(principalId) ? await findUser(db, principalId) : await findAccount(db, principalId);
  if (!exists) throw noSuchObject('NoSuchPrincipal', `no account or user ${principalId} exists`);
}
