import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SpaceObject } from '@peerlink/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addPolicies,
  carryRelayFiles,
  connectMpx,
  connectRelay,
  type Enrollment,
  eventually,
  relayDirs,
  startEnrollment,
} from '../../../testing/enrollments.js';
import { activePeering, type Peering } from '../../../testing/peerings.js';

/**
 * Space data flowing over an active MPX peer connection between two servers (Peer Manager §3):
 * objects and files both ways, security on send and receipt, markings by name, version vectors
 * and conflicts, type mappings, parked items, and the replication jobs that show it all.
 */
describe('data peering between two servers over MPX', () => {
  let a: Enrollment;
  let b: Enrollment;
  let peering: Peering;

  const PERSON = {
    name: 'Person',
    primaryKey: 'id',
    properties: { id: 'string', name: 'string', age: 'integer' },
  };

  beforeAll(async () => {
    [a, b] = await Promise.all([startEnrollment('Alpha'), startEnrollment('Bravo')]);
    await addPolicies(a, b);
    await connectMpx(a, b);
    for (const side of [a, b]) {
      await side.spaceData.createObjectType(side.spaceId, PERSON);
      await side.spaceData.createMarking({ name: 'Operational' });
      // The administrator manages the spaces; reading and labelling marked data needs membership.
      await side.spaceData.setMarkingMembers('Operational', [side.server.admin.accountId]);
    }
    await a.spaceData.createMarking({ name: 'Restricted' });
    await a.spaceData.setMarkingMembers('Restricted', [a.server.admin.accountId]);
    peering = await activePeering(
      a,
      b,
      { objects: 'both', files: 'both' },
      { classification: 'SECRET', markings: ['Operational'] },
    );
  });

  const problemOf = (call: () => Promise<unknown>) =>
    call().then(
      () => undefined,
      (e: { statusCode?: number }) => e,
    );

  afterAll(async () => {
    await Promise.all([a, b].filter(Boolean).map((side) => side.server.close()));
  });

  const objectsOf = (side: Enrollment, type = 'Person') =>
    side.spaceData.listAllObjects(side.spaceId, { type });
  const byKey = async (side: Enrollment, key: string, type = 'Person') =>
    (await objectsOf(side, type)).find((object) => object.key === key);
  const arrives = (
    side: Enrollment,
    key: string,
    done: (o: SpaceObject | undefined) => boolean,
    type = 'Person',
  ) => eventually(() => byKey(side, key, type), done);

  it('sends objects created on either side to the other, with the id translation kept (R37)', async () => {
    const ada = await a.spaceData.createObject(a.spaceId, {
      type: 'Person',
      properties: { id: 'p1', name: 'Ada', age: 36 },
    });
    const onB = await arrives(b, 'p1', (o) => o !== undefined);
    expect(onB!.properties).toEqual({ id: 'p1', name: 'Ada', age: 36 });
    expect(onB!.objectId).not.toBe(ada.objectId);
    expect(onB!.peers).toEqual([{ connectionId: peering.bConnectionId, remoteId: ada.objectId }]);

    const grace = await b.spaceData.createObject(b.spaceId, {
      type: 'Person',
      properties: { id: 'p2', name: 'Grace', age: 45 },
    });
    const onA = await arrives(a, 'p2', (o) => o !== undefined);
    expect(onA!.properties).toEqual({ id: 'p2', name: 'Grace', age: 45 });
    // Once the reverse translation is known, A's copy names B's object as its remote twin.
    expect(onA!.peers).toEqual([{ connectionId: peering.aConnectionId, remoteId: grace.objectId }]);
    // An imported change is not echoed back: A's object keeps the version A made.
    const adaOnA = await a.spaceData.getObject(a.spaceId, ada.objectId);
    expect(adaOnA.version).toEqual(ada.version);
  });

  it('carries updates and deletes, and a bidirectional edit converges', async () => {
    const ada = (await byKey(a, 'p1'))!;
    await a.spaceData.updateObject(a.spaceId, ada.objectId, {
      properties: { id: 'p1', name: 'Ada L.', age: 37 },
    });
    const updated = await arrives(b, 'p1', (o) => o?.properties.name === 'Ada L.');
    // B edits what it received; A gets B's edit on top of its own.
    await b.spaceData.updateObject(b.spaceId, updated!.objectId, {
      properties: { id: 'p1', name: 'Ada Lovelace', age: 37 },
    });
    const back = await arrives(a, 'p1', (o) => o?.properties.name === 'Ada Lovelace');
    expect(back!.version.vv).toEqual({ [a.enrollmentId]: 2, [b.enrollmentId]: 1 });

    await b.spaceData.deleteObject(b.spaceId, (await byKey(b, 'p2'))!.objectId);
    await arrives(a, 'p2', (o) => o === undefined);
  });

  it('sends files and their bytes', async () => {
    const bytes = Buffer.from([0, 255, 1, 254, 128, 10, 13]);
    const file = await a.spaceData.putFile(a.spaceId, { path: 'maps/area.bin', content: bytes });
    const onB = await eventually(
      async () => (await b.spaceData.listAllFiles(b.spaceId)).find((f) => f.path === 'maps/area.bin'),
      (f) => f !== undefined,
    );
    expect(onB!.sha256).toBe(file.sha256);
    expect(Buffer.from(await b.spaceData.readFile(b.spaceId, onB!.fileId))).toEqual(bytes);
  });

  it('never sends what the connection security does not allow, and maps markings by name (R22–R24)', async () => {
    await a.spaceData.createObject(a.spaceId, {
      type: 'Person',
      properties: { id: 'secret', name: 'Hidden', age: 1 },
      markings: ['Restricted'],
    });
    await a.spaceData.createObject(a.spaceId, {
      type: 'Person',
      properties: { id: 'topsecret', name: 'Above', age: 1 },
      classification: 'TOP SECRET',
    });
    await a.spaceData.createObject(a.spaceId, {
      type: 'Person',
      properties: { id: 'ops', name: 'Allowed', age: 2 },
      classification: 'SECRET',
      markings: ['Operational'],
    });
    const allowed = await arrives(b, 'ops', (o) => o !== undefined);
    expect(allowed).toMatchObject({ classification: 'SECRET', markings: ['Operational'] });
    // The changes before and after it were looked at and withheld: they are not coming.
    const jobs = await a.spaceData.listJobs(peering.aConnectionId);
    const exportJob = jobs.find((job) => job.dataType === 'objects' && job.direction === 'export')!;
    expect(exportJob.withheld).toBeGreaterThanOrEqual(2);
    expect(await byKey(b, 'secret')).toBeUndefined();
    expect(await byKey(b, 'topsecret')).toBeUndefined();
    expect((await b.spaceData.listMarkings()).markings.map((m) => m.name)).not.toContain('Restricted');
  });

  it('sends what a wider security now allows, and creates unknown incoming markings with no members (R22, R24)', async () => {
    // Labelled before the connection allows its marking: withheld.
    await a.spaceData.createMarking({ name: 'Exercise' });
    await a.spaceData.setMarkingMembers('Exercise', [a.server.admin.accountId]);
    await a.spaceData.createObject(a.spaceId, {
      type: 'Person',
      properties: { id: 'drill', name: 'Drill', age: 3 },
      markings: ['Exercise'],
    });
    await a.spaceData.createObject(a.spaceId, {
      type: 'Person',
      properties: { id: 'after-drill', name: 'After', age: 4 },
    });
    await arrives(b, 'after-drill', (o) => o !== undefined);
    expect(await byKey(b, 'drill')).toBeUndefined();

    // The security change needs B's approval (R20); once in force, A checks everything again.
    const change = await a.pm.proposeChange(peering.aConnectionId, {
      security: { markings: ['Operational', 'Exercise'] },
    });
    expect(change.state).toBe('pending');
    const pending = (
      await eventually(
        async () =>
          (
            await b.pm.listPendingChanges()
          ).changeRequests.filter((c) => c.connectionId === peering.bConnectionId && c.state === 'pending'),
        (changes) => changes.length > 0,
      )
    )[0]!;
    await b.pm.approveChange(peering.bConnectionId, pending.changeId);
    // The marking arrives with the object, created here with no members: nobody sees the object
    // until an administrator grants the marking (R24, R25).
    const marking = await eventually(
      async () => (await b.spaceData.listMarkings()).markings.find((m) => m.name === 'Exercise'),
      (m) => m !== undefined,
    );
    expect(marking).toMatchObject({ members: [], origin: `peer:${peering.bConnectionId}` });
    expect(await byKey(b, 'drill')).toBeUndefined();
    await b.spaceData.setMarkingMembers('Exercise', [b.server.admin.accountId]);
    const drill = await arrives(b, 'drill', (o) => o !== undefined);
    expect(drill!.markings).toEqual(['Exercise']);
  });

  it('records concurrent edits made while disabled as a conflict, converges, and lets a user re-resolve', async () => {
    const person = await a.spaceData.createObject(a.spaceId, {
      type: 'Person',
      properties: { id: 'c1', name: 'Start', age: 1 },
      // Marked, so that the next test can show the conflict hidden from those who lack it.
      markings: ['Operational'],
    });
    const twin = (await arrives(b, 'c1', (o) => o !== undefined))!;
    await a.pm.disable(peering.aConnectionId);
    await eventually(
      () => b.pm.getPeerConnection(peering.bConnectionId),
      (c) => c.status === 'disabled',
    );
    await a.spaceData.updateObject(a.spaceId, person.objectId, {
      properties: { id: 'c1', name: 'From A', age: 2 },
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    await b.spaceData.updateObject(b.spaceId, twin.objectId, {
      properties: { id: 'c1', name: 'From B', age: 3 },
    });
    // Nothing moves while disabled (R18): the jobs say why.
    const paused = await a.spaceData.listJobs(peering.aConnectionId);
    expect(paused.every((job) => job.health === 'paused')).toBe(true);
    expect((await byKey(a, 'c1'))!.properties.name).toBe('From A');

    await a.pm.enable(peering.aConnectionId);
    const converged = await eventually(
      async () => [(await byKey(a, 'c1'))!, (await byKey(b, 'c1'))!] as const,
      ([x, y]) =>
        x.properties.name === y.properties.name && JSON.stringify(x.version) === JSON.stringify(y.version),
    );
    // B's edit was made later (hybrid time), so it wins on both sides.
    expect(converged[0]!.properties.name).toBe('From B');
    for (const [side, connectionId] of [
      [a, peering.aConnectionId],
      [b, peering.bConnectionId],
    ] as const) {
      const { conflicts } = await eventually(
        () => side.spaceData.listConflicts(side.spaceId, { connectionId, open: true }),
        (page) => page.conflicts.length > 0,
      );
      expect(conflicts).toHaveLength(1);
      const values = [
        conflicts[0]!.local.content.properties?.name,
        conflicts[0]!.remote.content.properties?.name,
      ];
      expect(values.sort()).toEqual(['From A', 'From B']);
      expect(conflicts[0]!.reason).toContain('later');
    }

    // A user on A prefers A's value: the choice becomes a new version and wins everywhere.
    const [conflict] = (await a.spaceData.listConflicts(a.spaceId, { open: true })).conflicts;
    const resolved = await a.spaceData.resolveConflict(a.spaceId, conflict!.conflictId, 'local');
    expect(resolved.conflict.resolution).toMatchObject({ chose: 'local' });
    await arrives(b, 'c1', (o) => o?.properties.name === 'From A');
    expect((await a.spaceData.listConflicts(a.spaceId, { open: true })).conflicts).toHaveLength(0);
  });

  it('hides marked data, its conflicts and marking names from a manager of the space who lacks them (R25)', async () => {
    const carol = await b.server.newAccount();
    await b.peerlink.addSpaceManager(b.spaceId, carol.accountId);
    const keys = async () => (await carol.spaceData.listAllObjects(b.spaceId)).map((o) => o.key);
    // The space's administrator holds Operational and Exercise: it sees everything that came.
    const seen = (await objectsOf(b)).map((o) => o.key);
    expect(seen).toEqual(expect.arrayContaining(['ops', 'drill', 'c1', 'after-drill']));
    const c1 = (await byKey(b, 'c1'))!;

    // Carol holds nothing: marked objects, their conflicts and the markings' names are hidden.
    expect(await keys()).toEqual(seen.filter((key) => !['ops', 'drill', 'c1'].includes(key)));
    expect((await carol.spaceData.listConflicts(b.spaceId)).conflicts).toEqual([]);
    expect((await problemOf(() => carol.spaceData.getObject(b.spaceId, c1.objectId)))?.statusCode).toBe(404);
    expect((await carol.spaceData.listMarkings()).markings).toEqual([]);
    // She still sees the connection, with an "Unknown" (null) for each marking she may not see.
    const hidden = await carol.peerManager.getPeerConnection(peering.bConnectionId);
    expect(hidden.security.markings).toEqual([null, null]);
    const listed = (await carol.peerManager.listPeerConnections()).connections.find(
      (c) => c.connectionId === peering.bConnectionId,
    );
    expect(listed!.security.markings).toEqual([null, null]);
    // Administrators manage markings: they see every name.
    expect((await b.pm.getPeerConnection(peering.bConnectionId)).security.markings).toEqual([
      'Exercise',
      'Operational',
    ]);

    // Granted Operational, she sees what carries only that, and its name.
    await b.spaceData.setMarkingMembers('Operational', [b.server.admin.accountId, carol.accountId]);
    expect(await keys()).toEqual(expect.arrayContaining(['ops', 'c1']));
    expect(await keys()).not.toContain('drill');
    expect((await carol.spaceData.listConflicts(b.spaceId)).conflicts.map((c) => c.itemId)).toEqual([
      c1.objectId,
    ]);
    expect((await carol.peerManager.getPeerConnection(peering.bConnectionId)).security.markings).toEqual([
      'Operational',
      null,
    ]);
    expect((await carol.spaceData.listMarkings()).markings.map((m) => [m.name, m.members])).toEqual([
      ['Operational', [carol.accountId]],
    ]);

    // A security change she proposes names what she sees; the hidden marking stays in force.
    const change = await carol.peerManager.proposeChange(peering.bConnectionId, {
      security: { classification: 'TOP SECRET', markings: ['Operational'] },
    });
    expect(change.security).toEqual({ classification: 'TOP SECRET', markings: ['Operational', null] });
    const asAdmin = await b.pm.getPeerConnection(peering.bConnectionId);
    expect(asAdmin.changeRequests.find((c) => c.changeId === change.changeId)!.security).toEqual({
      classification: 'TOP SECRET',
      markings: ['Exercise', 'Operational'],
    });
  });

  it('maps an object type to another with a subset of properties, both ways (R28, R31)', async () => {
    await b.spaceData.createObjectType(b.spaceId, {
      name: 'Human',
      primaryKey: 'hid',
      properties: { hid: 'string', fullName: 'string', nickname: 'string' },
    });
    await a.spaceData.createObjectType(a.spaceId, {
      name: 'Agent',
      primaryKey: 'id',
      properties: { id: 'string', name: 'string', codename: 'string' },
    });
    await a.spaceData.setTypeMapping(peering.aConnectionId, 'Agent', {
      remoteType: 'Human',
      properties: { id: 'hid', name: 'fullName' },
    });
    await eventually(
      () => b.spaceData.listTypeMappings(peering.bConnectionId),
      ({ mappings }) => mappings.length === 1,
    );
    expect((await b.spaceData.listTypeMappings(peering.bConnectionId)).mappings[0]).toMatchObject({
      localType: 'Human',
      remoteType: 'Agent',
      properties: { hid: 'id', fullName: 'name' },
    });
    await a.spaceData.createObject(a.spaceId, {
      type: 'Agent',
      properties: { id: 'a7', name: 'James', codename: 'secret-name' },
    });
    const human = (await arrives(b, 'a7', (o) => o !== undefined, 'Human'))!;
    // Only mapped properties travel.
    expect(human.properties).toEqual({ hid: 'a7', fullName: 'James' });
    await b.spaceData.updateObject(b.spaceId, human.objectId, {
      properties: { hid: 'a7', fullName: 'James B.', nickname: 'Jim' },
    });
    const agent = await arrives(a, 'a7', (o) => o?.properties.name === 'James B.', 'Agent');
    // What the mapping does not carry keeps its local value on each side.
    expect(agent!.properties).toEqual({ id: 'a7', name: 'James B.', codename: 'secret-name' });
  });

  it('parks objects of a type the importer lacks, says so, and applies them once the type exists (R30)', async () => {
    await a.spaceData.createObjectType(a.spaceId, {
      name: 'Vehicle',
      primaryKey: 'plate',
      properties: { plate: 'string', wheels: 'integer' },
    });
    await a.spaceData.createObject(a.spaceId, { type: 'Vehicle', properties: { plate: 'X-1', wheels: 4 } });
    const unhealthy = await eventually(
      () => b.spaceData.listJobs(peering.bConnectionId),
      (jobs) => jobs.some((job) => job.direction === 'import' && job.health === 'unhealthy'),
    );
    const importJob = unhealthy.find((job) => job.dataType === 'objects' && job.direction === 'import')!;
    expect(importJob.healthReason).toContain('Vehicle');
    expect(importJob.parked).toEqual([expect.objectContaining({ typeName: 'Vehicle', count: 1 })]);

    await b.spaceData.createObjectType(b.spaceId, {
      name: 'Vehicle',
      primaryKey: 'plate',
      properties: { plate: 'string', wheels: 'integer' },
    });
    const vehicle = await arrives(b, 'X-1', (o) => o !== undefined, 'Vehicle');
    expect(vehicle!.properties).toEqual({ plate: 'X-1', wheels: 4 });
    const healthy = await eventually(
      () => b.spaceData.listJobs(peering.bConnectionId),
      (jobs) => jobs.every((job) => job.health === 'healthy'),
    );
    expect(healthy.find((job) => job.direction === 'import' && job.dataType === 'objects')!.parked).toEqual(
      [],
    );
  });

  it('shows one job per data type and direction with watermarks, acknowledgements and totals (R50)', async () => {
    const jobs = await eventually(
      () => a.spaceData.listJobs(peering.aConnectionId),
      (list) =>
        list.every(
          (job) =>
            job.direction === 'import' || (job.pendingChanges === 0 && job.acknowledged?.seq === job.sentSeq),
        ),
    );
    expect(jobs.map((job) => `${job.dataType}/${job.direction}`).sort()).toEqual([
      'files/export',
      'files/import',
      'objects/export',
      'objects/import',
    ]);
    const objectsExport = jobs.find((job) => job.dataType === 'objects' && job.direction === 'export')!;
    expect(objectsExport.itemsTotal).toBeGreaterThan(0);
    expect(objectsExport.lagMs).toBe(0);
    expect(objectsExport.lastTransferAt).not.toBeNull();
  });

  it('keeps peered data as local data after the connection is deleted', async () => {
    const before = (await objectsOf(b)).length;
    await b.pm.deletePeerConnection(peering.bConnectionId);
    await eventually(
      () => a.pm.getPeerConnection(peering.aConnectionId),
      (c) => c.status === 'deleted',
    );
    await a.spaceData.createObject(a.spaceId, {
      type: 'Person',
      properties: { id: 'late', name: 'Late', age: 9 },
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await byKey(b, 'late')).toBeUndefined();
    expect((await objectsOf(b)).length).toBe(before);
  });
});

describe('data peering over a file relay whose reverse channel goes away (R48)', () => {
  let a: Enrollment;
  let b: Enrollment;

  afterAll(async () => {
    await Promise.all([a, b].filter(Boolean).map((side) => side.server.close()));
  });

  it('keeps exporting without acknowledgements once only the forward channel is left', async () => {
    [a, b] = await Promise.all([startEnrollment('Alpha'), startEnrollment('Bravo')]);
    await addPolicies(a, b);
    const dirs = relayDirs(mkdtempSync(path.join(tmpdir(), 'peerlink-data-relay-')));
    await connectRelay(a, b, dirs);
    const carry = setInterval(() => {
      carryRelayFiles(dirs.aOut, dirs.bIn);
      carryRelayFiles(dirs.bOut, dirs.aIn);
    }, 50);
    try {
      for (const side of [a, b])
        await side.spaceData.createObjectType(side.spaceId, {
          name: 'Note',
          primaryKey: 'id',
          properties: { id: 'string', text: 'string' },
        });
      const peering = await activePeering(a, b, { objects: 'export' });
      // The handshake needed both ways; from now on nothing goes from B to A: B's export channel
      // and A's import channel are gone.
      const back = (await b.pm.listRelayChannels()).channels.find((c) => c.direction === 'export')!;
      await b.pm.deleteRelayChannel(back.channelId);
      const inbound = (await a.pm.listRelayChannels()).channels.find((c) => c.direction === 'import')!;
      await a.pm.deleteRelayChannel(inbound.channelId);

      await a.spaceData.createObject(a.spaceId, { type: 'Note', properties: { id: 'n1', text: 'one way' } });
      const arrived = await eventually(
        async () => (await b.spaceData.listAllObjects(b.spaceId, { type: 'Note' })).map((o) => o.key),
        (keys) => keys.includes('n1'),
      );
      expect(arrived).toEqual(['n1']);
      const [exportJob] = await a.spaceData.listJobs(peering.aConnectionId);
      expect(exportJob).toMatchObject({ dataType: 'objects', direction: 'export', health: 'healthy' });
      expect(exportJob!.sentSeq).toBeGreaterThan(0);
      expect(exportJob!.acknowledged).toBeNull();
      // Nothing can come back, so nothing claims to have been acknowledged.
      const [importJob] = await b.spaceData.listJobs(peering.bConnectionId);
      expect(importJob).toMatchObject({ direction: 'import', watermark: exportJob!.sentSeq });
      expect(readdirSync(dirs.bOut)).toEqual([]);
    } finally {
      clearInterval(carry);
    }
  });
});
