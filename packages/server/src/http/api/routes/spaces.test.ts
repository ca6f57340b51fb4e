import { type Credentials, PeerlinkApiError } from '@peerlink/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../testing/harness.js';
import { signedRequest } from '../../../testing/signed-request.js';

type Tenant = Awaited<ReturnType<TestServer['newAccount']>>;

let t: TestServer;
let admin: ReturnType<TestServer['clients']>;
let alice: Tenant;
let bob: Tenant;
beforeAll(async () => {
  t = await startTestServer();
  admin = t.clients({ ak: t.admin.accessKeyId, sk: t.admin.secretAccessKey });
  alice = await t.newAccount();
  bob = await t.newAccount();
});
afterAll(() => t.close());

async function problem(call: () => Promise<unknown>): Promise<PeerlinkApiError> {
  const error = await call().then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof PeerlinkApiError))
    throw new Error(`expected a PeerlinkApiError, got ${String(error)}`);
  return error;
}

const refusedWith = async (call: () => Promise<unknown>) => {
  const error = await problem(call);
  return [error.statusCode, error.code, error.reason];
};

let names = 0;
const uniqueName = (prefix = 'space') => `${prefix} ${++names}`;

/** A space the administrator made, managed by the administrator and `managers`. */
const newSpace = (managers: Tenant[] = []) =>
  admin.peerlink.createSpace({ name: uniqueName(), managers: managers.map((m) => m.accountId) });

describe('creating a space', () => {
  it('is for administrators: the creator and the named managers manage it', async () => {
    const space = await admin.peerlink.createSpace({
      name: '  Flight data  ',
      description: 'tracks and schedules',
      managers: [alice.accountId, alice.accountId],
    });
    expect(space).toMatchObject({
      spaceId: expect.stringMatching(/^spc-[0-9a-z]{12}$/),
      name: 'Flight data',
      description: 'tracks and schedules',
      managers: [t.admin.accountId, alice.accountId].sort(),
    });
    expect(new Date(space.createdAt).toISOString()).toBe(space.createdAt);
    expect(await alice.peerlink.getSpace(space.spaceId)).toEqual(space);
  });

  it('is refused to an ordinary account (403)', async () => {
    expect(await refusedWith(() => alice.peerlink.createSpace({ name: uniqueName() }))).toEqual([
      403,
      'AccessDenied',
      'AdministratorOnly',
    ]);
  });

  it('refuses a name another space has (409), bad names, and managers that do not exist', async () => {
    const taken = await newSpace();
    expect(await refusedWith(() => admin.peerlink.createSpace({ name: taken.name }))).toEqual([
      409,
      'OperationDenied',
      'SpaceNameTaken',
    ]);
    for (const name of ['   ', 'x'.repeat(65), 'tab\there']) {
      expect(await refusedWith(() => admin.peerlink.createSpace({ name }))).toEqual([
        400,
        'BadRequest',
        'InvalidSpaceName',
      ]);
    }
    expect(
      await refusedWith(() => admin.peerlink.createSpace({ name: uniqueName(), managers: ['alice'] })),
    ).toEqual([400, 'BadRequest', 'InvalidPrincipalId']);
    const nobody = '0'.repeat(32);
    const missing = await problem(() =>
      admin.peerlink.createSpace({ name: uniqueName(), managers: [nobody] }),
    );
    expect([missing.statusCode, missing.reason]).toEqual([404, 'NoSuchPrincipal']);
    expect(missing.message).toContain(nobody);
  });

  it('refuses bodies of the wrong shape with 400, never 500', async () => {
    const credentials: Credentials = { ak: t.admin.accessKeyId, sk: t.admin.secretAccessKey };
    for (const body of [
      '{}',
      '{"name": 5}',
      '{"name": "x", "managers": "abc"}',
      '[]',
      '{"name": "a\\u0000b"}',
    ]) {
      const answer = await signedRequest({
        endpoint: t.endpoint(),
        credentials,
        method: 'POST',
        path: '/api/v1/spaces',
        body,
        headers: { 'content-type': 'application/json' },
      });
      expect([answer.status, JSON.parse(answer.text).code], body).toEqual([400, 'InappropriateJSON']);
      expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });
});

describe('who may see and change a space', () => {
  it('lets its managers and administrators read and edit it, and no one else', async () => {
    const space = await newSpace([alice]);
    const renamed = await alice.peerlink.updateSpace(space.spaceId, { name: uniqueName('renamed') });
    expect(renamed).toMatchObject({ spaceId: space.spaceId, description: '' });
    expect(
      (await admin.peerlink.updateSpace(space.spaceId, { description: 'by the admin' })).description,
    ).toBe('by the admin');

    const denied = await problem(() => bob.peerlink.getSpace(space.spaceId));
    expect([denied.statusCode, denied.code, denied.reason]).toEqual([403, 'AccessDenied', 'NotSpaceManager']);
    expect(denied.message).toContain(space.spaceId);
    expect(denied.message).toContain(renamed.name);
    expect(denied.message).toMatch(/must manage/);
    for (const call of [
      () => bob.peerlink.updateSpace(space.spaceId, { name: uniqueName() }),
      () => bob.peerlink.addSpaceManager(space.spaceId, bob.accountId),
      () => bob.peerlink.removeSpaceManager(space.spaceId, alice.accountId),
    ]) {
      expect(await refusedWith(call)).toEqual([403, 'AccessDenied', 'NotSpaceManager']);
    }
  });

  it("keeps a manager of one space out of another's", async () => {
    const mine = await newSpace([alice]);
    const theirs = await newSpace([bob]);
    expect((await alice.peerlink.getSpace(mine.spaceId)).spaceId).toBe(mine.spaceId);
    expect(await refusedWith(() => alice.peerlink.getSpace(theirs.spaceId))).toEqual([
      403,
      'AccessDenied',
      'NotSpaceManager',
    ]);
    expect(await refusedWith(() => alice.peerlink.addSpaceManager(theirs.spaceId, alice.accountId))).toEqual([
      403,
      'AccessDenied',
      'NotSpaceManager',
    ]);
  });

  it('lists every space to administrators and only their own to others', async () => {
    const carol = await t.newAccount();
    const first = await newSpace([carol]);
    const second = await newSpace([carol]);
    const other = await newSpace();
    const listed = (await carol.peerlink.listSpaces()).spaces.map((s) => s.spaceId);
    expect(listed).toEqual([first.spaceId, second.spaceId]);
    expect((await (await t.newAccount()).peerlink.listSpaces()).spaces).toEqual([]);

    const all: string[] = [];
    let marker: string | undefined;
    do {
      const page = await admin.peerlink.listSpaces({ maxKeys: 2, ...(marker ? { marker } : {}) });
      expect(page.spaces.length).toBeLessThanOrEqual(2);
      all.push(...page.spaces.map((s) => s.spaceId));
      marker = page.isTruncated ? page.nextMarker : undefined;
    } while (marker);
    expect(all).toEqual(expect.arrayContaining([first.spaceId, second.spaceId, other.spaceId]));
    expect(all).toEqual([...all].sort());
    expect(new Set(all).size).toBe(all.length);
  });

  it('answers 404 for an unknown space and 400 for what is not a space id', async () => {
    for (const call of [
      () => admin.peerlink.getSpace('spc-000000000000'),
      () => alice.peerlink.updateSpace('spc-000000000000', { description: 'x' }),
      () => admin.peerlink.deleteSpace('spc-000000000000'),
      () => admin.peerlink.addSpaceManager('spc-000000000000', alice.accountId),
    ]) {
      expect(await refusedWith(call)).toEqual([404, 'NoSuchObject', 'NoSuchSpace']);
    }
    for (const id of ['spc-x', 'vpc-000000000000', 'SPC-000000000000']) {
      expect(await refusedWith(() => admin.peerlink.getSpace(id))).toEqual([
        400,
        'BadRequest',
        'InvalidSpaceId',
      ]);
    }
    expect(await refusedWith(() => admin.peerlink.listSpaces({ marker: 'nope' }))).toEqual([
      400,
      'BadRequest',
      'InvalidMarker',
    ]);
  });

  it('refuses renaming to a name another space has (409)', async () => {
    const one = await newSpace([alice]);
    const two = await newSpace();
    expect(await refusedWith(() => alice.peerlink.updateSpace(one.spaceId, { name: two.name }))).toEqual([
      409,
      'OperationDenied',
      'SpaceNameTaken',
    ]);
    // Keeping its own name is no conflict.
    expect((await alice.peerlink.updateSpace(one.spaceId, { name: one.name })).name).toBe(one.name);
  });
});

describe('managers', () => {
  it('are added and removed by managers, and a space keeps its last one', async () => {
    const space = await alice.peerlink.getSpace((await newSpace([alice])).spaceId);
    const withBob = await alice.peerlink.addSpaceManager(space.spaceId, bob.accountId);
    expect(withBob.managers).toEqual([t.admin.accountId, alice.accountId, bob.accountId].sort());
    // Adding again changes nothing.
    expect(await alice.peerlink.addSpaceManager(space.spaceId, bob.accountId)).toEqual(withBob);
    expect((await bob.peerlink.getSpace(space.spaceId)).spaceId).toBe(space.spaceId);

    await bob.peerlink.removeSpaceManager(space.spaceId, alice.accountId);
    expect(await refusedWith(() => alice.peerlink.getSpace(space.spaceId))).toEqual([
      403,
      'AccessDenied',
      'NotSpaceManager',
    ]);
    const onlyBob = await bob.peerlink.removeSpaceManager(space.spaceId, t.admin.accountId);
    expect(onlyBob.managers).toEqual([bob.accountId]);

    const last = await problem(() => bob.peerlink.removeSpaceManager(space.spaceId, bob.accountId));
    expect([last.statusCode, last.code, last.reason]).toEqual([409, 'OperationDenied', 'LastSpaceManager']);
    expect((await bob.peerlink.getSpace(space.spaceId)).managers).toEqual([bob.accountId]);
  });

  it('lets an administrator who is not a manager add themself', async () => {
    const space = await newSpace([alice]);
    const withoutAdmin = await alice.peerlink.removeSpaceManager(space.spaceId, t.admin.accountId);
    expect(withoutAdmin.managers).toEqual([alice.accountId]);
    // Administrators still see and edit the space, and can make themselves a manager.
    expect((await admin.peerlink.getSpace(space.spaceId)).managers).toEqual([alice.accountId]);
    const withAdmin = await admin.peerlink.addSpaceManager(space.spaceId, t.admin.accountId);
    expect(withAdmin.managers).toContain(t.admin.accountId);
  });

  it('refuses unknown principals and managers, and ids that are neither accounts nor users', async () => {
    const space = await newSpace([alice]);
    expect(await refusedWith(() => alice.peerlink.addSpaceManager(space.spaceId, 'f'.repeat(32)))).toEqual([
      404,
      'NoSuchObject',
      'NoSuchPrincipal',
    ]);
    expect(
      await refusedWith(() => alice.peerlink.addSpaceManager(space.spaceId, 'usr-000000000000')),
    ).toEqual([404, 'NoSuchObject', 'NoSuchPrincipal']);
    expect(await refusedWith(() => alice.peerlink.removeSpaceManager(space.spaceId, bob.accountId))).toEqual([
      404,
      'NoSuchObject',
      'NoSuchSpaceManager',
    ]);
    for (const principal of ['bob', 'F'.repeat(32), 'usr-x']) {
      expect(await refusedWith(() => alice.peerlink.addSpaceManager(space.spaceId, principal))).toEqual([
        400,
        'BadRequest',
        'InvalidPrincipalId',
      ]);
    }
  });
});

describe('deleting a space', () => {
  it('is for administrators, even over a manager, and answers 404 afterwards', async () => {
    const space = await newSpace([alice]);
    expect(await refusedWith(() => alice.peerlink.deleteSpace(space.spaceId))).toEqual([
      403,
      'AccessDenied',
      'AdministratorOnly',
    ]);
    await admin.peerlink.deleteSpace(space.spaceId);
    expect(await refusedWith(() => alice.peerlink.getSpace(space.spaceId))).toEqual([
      404,
      'NoSuchObject',
      'NoSuchSpace',
    ]);
    expect((await alice.peerlink.listSpaces()).spaces.map((s) => s.spaceId)).not.toContain(space.spaceId);
    // Its name is free again.
    expect((await admin.peerlink.createSpace({ name: space.name })).name).toBe(space.name);
  });
});

describe('audit', () => {
  it('records every change to a space with who made it', async () => {
    const space = await newSpace([alice]);
    const renamed = uniqueName('audited');
    await alice.peerlink.updateSpace(space.spaceId, { name: renamed });
    await alice.peerlink.addSpaceManager(space.spaceId, bob.accountId);
    await bob.peerlink.removeSpaceManager(space.spaceId, alice.accountId);
    await admin.peerlink.deleteSpace(space.spaceId);
    const { events } = await admin.peerlink.listAuditEvents({ maxKeys: 5 });
    expect(events.map((e) => [e.actor, e.action, e.target, e.detail])).toEqual([
      [t.admin.accountId, 'DeleteSpace', space.spaceId, renamed],
      [bob.accountId, 'RemoveSpaceManager', space.spaceId, alice.accountId],
      [alice.accountId, 'AddSpaceManager', space.spaceId, bob.accountId],
      [alice.accountId, 'UpdateSpace', space.spaceId, `name: ${space.name} -> ${renamed}`],
      [t.admin.accountId, 'CreateSpace', space.spaceId, expect.stringContaining(alice.accountId)],
    ]);
  });

  it('records nothing for a refused or empty change', async () => {
    const space = await newSpace([alice]);
    const before = (await admin.peerlink.listAuditEvents({ maxKeys: 1 })).events[0]!.id;
    await alice.peerlink.updateSpace(space.spaceId, {});
    await alice.peerlink.addSpaceManager(space.spaceId, alice.accountId);
    await problem(() => bob.peerlink.updateSpace(space.spaceId, { name: uniqueName() }));
    expect((await admin.peerlink.listAuditEvents({ maxKeys: 1 })).events[0]!.id).toBe(before);
  });
});
