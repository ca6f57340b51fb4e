import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../clock.js';
import { DomainError } from '../domain/errors.js';
import type { Db } from '../store/database.js';
import { insertAccount } from '../store/repositories/accounts.js';
import type { AuditEvent } from '../store/repositories/audit.js';
import { openTestDatabase } from '../testing/database.js';
import { tempDataDir } from '../testing/harness.js';
import type { Caller } from './caller.js';
import { IdGenerator } from './ids.js';
import { SpaceService } from './spaces.js';

const clock: Clock = { now: () => Date.UTC(2024, 0, 2) };
const caller = (principalId: string, isAdmin = false): Caller => ({
  accountId: principalId,
  principalId,
  region: 'bj',
  isAdmin,
});
const ADMIN = caller('a'.repeat(32), true);
const MANAGER = caller('b'.repeat(32));

let db: Db;
let spaces: SpaceService;
let audited: Omit<AuditEvent, 'id' | 'at'>[];
beforeEach(async () => {
  db = await openTestDatabase(tempDataDir());
  for (const who of [ADMIN, MANAGER])
    await insertAccount(db, { id: who.principalId, name: 'x', isAdmin: who.isAdmin, createdAt: 0 });
  audited = [];
  spaces = new SpaceService(db, clock, new IdGenerator(), async (_db, event) => {
    audited.push(event);
  });
});
afterEach(() => db.destroy());

async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof DomainError)) throw new Error(`expected a DomainError, got ${String(error)}`);
  return error;
}

describe('requireManager (R10: what peering a space takes)', () => {
  it('answers the space to its managers', async () => {
    const space = await spaces.create(ADMIN, { name: 'Flight data', managers: [MANAGER.principalId] });
    expect(await spaces.requireManager(db, MANAGER, space.id)).toEqual(space);
    expect(await spaces.managedSpaceIds(db, MANAGER)).toEqual([space.id]);
  });

  it('refuses an administrator who is not among the managers, until they add themself', async () => {
    const space = await spaces.create(ADMIN, { name: 'Flight data', managers: [MANAGER.principalId] });
    await spaces.removeManager(MANAGER, space.id, ADMIN.principalId);
    const refused = await refusal(spaces.requireManager(db, ADMIN, space.id));
    expect([refused.kind, refused.reason]).toEqual(['AccessDenied', 'NotSpaceManager']);
    expect(refused.message).toContain(`space ${space.id} ("Flight data")`);
    // Reading the space is an administrator's right; peering it is not.
    expect((await spaces.get(ADMIN, space.id)).id).toBe(space.id);
    expect(await spaces.managedSpaceIds(db, ADMIN)).toEqual([]);

    await spaces.addManager(ADMIN, space.id, ADMIN.principalId);
    expect((await spaces.requireManager(db, ADMIN, space.id)).managers).toContain(ADMIN.principalId);
  });

  it('answers 404 NoSuchSpace for an unknown space and 400 for a malformed id', async () => {
    expect((await refusal(spaces.requireManager(db, MANAGER, 'spc-000000000000'))).reason).toBe(
      'NoSuchSpace',
    );
    expect((await refusal(spaces.requireManager(db, MANAGER, 'nope'))).reason).toBe('InvalidSpaceId');
  });
});

describe('audit', () => {
  it('records actions in the transaction that makes them, with the acting principal', async () => {
    const space = await spaces.create(ADMIN, { name: 'Audited' });
    await spaces.addManager(ADMIN, space.id, MANAGER.principalId);
    await spaces.update(MANAGER, space.id, { description: 'new' });
    expect(audited.map((e) => [e.actor, e.action, e.target])).toEqual([
      [ADMIN.principalId, 'CreateSpace', space.id],
      [ADMIN.principalId, 'AddSpaceManager', space.id],
      [MANAGER.principalId, 'UpdateSpace', space.id],
    ]);
  });
});
