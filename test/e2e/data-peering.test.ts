import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { PeerlinkClient, PeerManagerClient, SpaceDataClient, type SpaceObject } from '@peerlink/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../packages/server/src/store/database.js';
import { testDatabaseOverrides } from '../../packages/server/src/testing/database.js';
import { carryRelayFiles, connectRelay, relayDirs } from '../../packages/server/src/testing/enrollments.js';
import { activePeering, type Peering } from '../../packages/server/src/testing/peerings.js';
import { e2eDir, eventually } from './support/peer-manager.js';
import { type ServeProcess, spawnServe } from './support/process.js';

/**
 * Data peering between two `peerlink serve` processes (Peer Manager §3), through the SDK: objects
 * and files created on each side appear on the other, over MPX and over a file relay; the same
 * object edited on both sides while the link is cut converges once it heals, with the conflict
 * recorded on both; an importer killed with SIGKILL in the middle of a large import loses and
 * doubles nothing; a marking outside the connection's security never crosses.
 */
const { dir } = e2eDir('peerlink-data-');
/** Short pauses, so that a side coming back is reached within the test. */
const CONFIG_FILE = path.join(dir, 'serve.json');
writeFileSync(CONFIG_FILE, JSON.stringify({ reconcileIntervalMs: 100, federationRetryMaxMs: 1000 }));

const PERSON = {
  name: 'Person',
  primaryKey: 'id',
  properties: { id: 'string', name: 'string', rank: 'integer' },
};

interface Side {
  name: string;
  title: string;
  dataDir: string;
  port: number;
  env: NodeJS.ProcessEnv;
  server: ServeProcess;
  peerlink: PeerlinkClient;
  pm: PeerManagerClient;
  spaceData: SpaceDataClient;
  enrollmentId: string;
  spaceId: string;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

async function serve(side: Pick<Side, 'dataDir' | 'port' | 'env'>): Promise<ServeProcess> {
  return spawnServe(
    ['--data-dir', side.dataDir, '--port', String(side.port), '--config', CONFIG_FILE],
    side.env,
  );
}

async function startSide(name: string): Promise<Side> {
  const dataDir = path.join(dir, `${name}-data`);
  const port = await freePort();
  const env = { PEERLINK_ADMIN_AK: `${name}-admin-ak-01`, PEERLINK_ADMIN_SK: `${name}-admin-sk-01` };
  const server = await serve({ dataDir, port, env });
  const config = {
    endpoint: server.endpoint,
    credentials: { ak: env.PEERLINK_ADMIN_AK, sk: env.PEERLINK_ADMIN_SK },
  };
  const peerlink = new PeerlinkClient(config);
  const { enrollmentId } = await peerlink.setPlatformTitle(`${name} platform`);
  const { spaceId, managers } = await peerlink.createSpace({ name: `${name} space` });
  const spaceData = new SpaceDataClient(config);
  await spaceData.createObjectType(spaceId, PERSON);
  for (const marking of ['Operational', 'Restricted']) {
    await spaceData.createMarking({ name: marking });
    // The administrator (who manages the space it created) reads and labels marked data only as
    // a member (R25).
    await spaceData.setMarkingMembers(marking, managers);
  }
  return {
    name,
    title: `${name} platform`,
    dataDir,
    port,
    env,
    server,
    peerlink,
    pm: new PeerManagerClient(config),
    spaceData,
    enrollmentId,
    spaceId,
  };
}

async function policies(a: Side, b: Side, present: boolean): Promise<void> {
  for (const [side, other] of [
    [a, b],
    [b, a],
  ] as const) {
    if (present) {
      await side.peerlink.addIngressRule({ enrollmentId: other.enrollmentId });
      await side.peerlink.addEgressRule({ enrollmentId: other.enrollmentId });
    } else {
      for (const rule of (await side.peerlink.listEgressRules()).rules)
        await side.peerlink.removeEgressRule(rule.ruleId);
    }
  }
}

async function connectMpx(a: Side, b: Side): Promise<void> {
  const [inviteA, inviteB] = await Promise.all([
    a.pm.createMpxInvite({ direction: 'bidirectional' }),
    b.pm.createMpxInvite({ direction: 'bidirectional' }),
  ]);
  await a.pm.enterMpxInvite({ code: inviteB.code, name: `to ${b.name}` });
  await b.pm.enterMpxInvite({ code: inviteA.code, name: `to ${a.name}` });
  for (const side of [a, b])
    await eventually(
      async () => (await side.pm.listMpxConnections()).connections[0]?.status,
      (status) => status === 'established',
    );
}

const byKey = async (side: Side, key: string) =>
  (await side.spaceData.listAllObjects(side.spaceId, { type: 'Person' })).find((o) => o.key === key);

async function createPeople(side: Side, prefix: string, count: number): Promise<void> {
  for (let start = 0; start < count; start += 20)
    await Promise.all(
      Array.from({ length: Math.min(20, count - start) }, (_, i) =>
        side.spaceData.createObject(side.spaceId, {
          type: 'Person',
          properties: { id: `${prefix}-${start + i}`, name: `${prefix} ${start + i}`, rank: start + i },
        }),
      ),
    );
}

describe('data peering over MPX between two serve processes', () => {
  let a: Side;
  let b: Side;
  let peering: Peering;

  beforeAll(async () => {
    [a, b] = await Promise.all([startSide('alpha'), startSide('bravo')]);
    await policies(a, b, true);
    await connectMpx(a, b);
    peering = await activePeering(
      a,
      b,
      { objects: 'both', files: 'both' },
      { classification: 'SECRET', markings: ['Operational'] },
    );
  }, 120_000);
  afterAll(async () => {
    await Promise.all([a?.server.stop(), b?.server.stop()]);
  });

  it('shows objects and files created on each side on the other; a marking outside security never crosses', async () => {
    await a.spaceData.createObject(a.spaceId, {
      type: 'Person',
      properties: { id: 'ada', name: 'Ada', rank: 1 },
    });
    await a.spaceData.createObject(a.spaceId, {
      type: 'Person',
      properties: { id: 'hidden', name: 'Hidden', rank: 0 },
      markings: ['Restricted'],
    });
    await b.spaceData.createObject(b.spaceId, {
      type: 'Person',
      properties: { id: 'grace', name: 'Grace', rank: 2 },
      markings: ['Operational'],
    });
    await a.spaceData.putFile(a.spaceId, { path: 'notes/alpha.txt', content: 'from alpha' });
    await b.spaceData.putFile(b.spaceId, { path: 'notes/bravo.txt', content: 'from bravo' });

    await eventually(
      () => byKey(b, 'ada'),
      (o) => o?.properties.name === 'Ada',
    );
    await eventually(
      () => byKey(a, 'grace'),
      (o) => o?.markings.join() === 'Operational',
    );
    for (const [side, file, text] of [
      [b, 'notes/alpha.txt', 'from alpha'],
      [a, 'notes/bravo.txt', 'from bravo'],
    ] as const) {
      const found = await eventually(
        async () => (await side.spaceData.listAllFiles(side.spaceId)).find((f) => f.path === file),
        (f) => f !== undefined,
      );
      expect(Buffer.from(await side.spaceData.readFile(side.spaceId, found!.fileId)).toString()).toBe(text);
    }
    // Everything A exported after the restricted object has arrived; it did not, and never will.
    expect(await byKey(b, 'hidden')).toBeUndefined();
    const exportJob = (await a.spaceData.listJobs(peering.aConnectionId)).find(
      (job) => job.dataType === 'objects' && job.direction === 'export',
    )!;
    expect(exportJob.withheld).toBeGreaterThanOrEqual(1);
  });

  it('converges after both sides edit the same object while the link is cut, recording the conflict', async () => {
    const onA = (await byKey(a, 'ada'))!;
    const onB = (await byKey(b, 'ada'))!;
    // The cut: neither side may reach the other any more (its egress rules removed).
    await policies(a, b, false);
    await a.spaceData.updateObject(a.spaceId, onA.objectId, {
      properties: { id: 'ada', name: 'Ada (alpha)', rank: 10 },
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await b.spaceData.updateObject(b.spaceId, onB.objectId, {
      properties: { id: 'ada', name: 'Ada (bravo)', rank: 20 },
    });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await byKey(a, 'ada'))!.properties.name).toBe('Ada (alpha)');
    expect((await byKey(b, 'ada'))!.properties.name).toBe('Ada (bravo)');

    // Heal: the rules come back (as each side's own egress rules).
    for (const [side, other] of [
      [a, b],
      [b, a],
    ] as const)
      await side.peerlink.addEgressRule({ enrollmentId: other.enrollmentId });
    const [x, y] = await eventually(
      async () => [(await byKey(a, 'ada'))!, (await byKey(b, 'ada'))!] as [SpaceObject, SpaceObject],
      ([p, q]) => JSON.stringify([p.properties, p.version]) === JSON.stringify([q.properties, q.version]),
    );
    expect(x.properties.name).toBe('Ada (bravo)');
    expect(y.version.vv).toEqual({ [a.enrollmentId]: 2, [b.enrollmentId]: 1 });
    for (const side of [a, b]) {
      const { conflicts } = await eventually(
        () => side.spaceData.listConflicts(side.spaceId, { open: true }),
        (page) => page.conflicts.length === 1,
      );
      expect(conflicts[0]!.winner).toBe(side === a ? 'remote' : 'local');
    }
  });

  it('loses and doubles nothing when the importer is killed in the middle of a large import', async () => {
    const BATCH = 3000;
    const CHUNK = 500;
    const importJob = async () =>
      (await b.spaceData.listJobs(peering.bConnectionId)).find(
        (job) => job.dataType === 'objects' && job.direction === 'import',
      )!;
    // B's store, read beside B by this process (SQLite allows readers beside the writer): it shows
    // a burst's chunks landing one by one without waiting on B, which is busy applying them.
    const store = await openDatabase({ dataDir: b.dataDir, ...testDatabaseOverrides(b.dataDir) });
    const storedOnB = async (prefix: string) => {
      const row = await store
        .selectFrom('space_items')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('item_key', 'like', `${prefix}-%`)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    };
    // Each batch is written while the connection is disabled, so that enabling releases it as one
    // burst of full chunks; B is killed as soon as its store shows part of the burst. Should B be
    // too quick to be caught in the middle, the next batch tries again.
    let written = 0;
    let cut: { applied: number; attempt: number } | undefined;
    try {
      for (let attempt = 0; attempt < 5 && !cut; attempt++) {
        const prefix = `bulk${attempt}`;
        await a.pm.disable(peering.aConnectionId);
        await createPeople(a, prefix, BATCH);
        written += BATCH;
        await a.pm.enable(peering.aConnectionId);
        let seen = await storedOnB(prefix);
        while (seen === 0) {
          await new Promise((resolve) => setImmediate(resolve));
          seen = await storedOnB(prefix);
        }
        if (seen === BATCH) continue;
        b.server.child.kill('SIGKILL');
        const child = b.server.child;
        if (child.exitCode === null && child.signalCode === null)
          await new Promise((resolve) => child.once('exit', resolve));
        const applied = await storedOnB(prefix);
        // Chunks apply whole or not at all.
        expect(applied % CHUNK, `${applied} objects of ${prefix} stored at the kill`).toBe(0);
        if (applied < BATCH) cut = { applied, attempt };
        else b.server = await serve(b);
      }
    } finally {
      await store.destroy();
    }
    expect(cut, 'no kill landed in the middle of a burst').toBeDefined();
    console.info(
      `data peering: importer killed with ${cut!.applied} of ${BATCH} applied (batch ${cut!.attempt})`,
    );
    const COUNT = written;

    b.server = await serve(b);
    const all = await eventually(
      async () =>
        (await b.spaceData.listAllObjects(b.spaceId, { type: 'Person' })).filter((o) =>
          o.key.startsWith('bulk'),
        ),
      (list) => list.length >= COUNT,
      120_000,
    );
    expect(all).toHaveLength(COUNT);
    expect(new Set(all.map((o) => o.key)).size).toBe(COUNT);
    const sources = new Map(
      (await a.spaceData.listAllObjects(a.spaceId, { type: 'Person' })).map((o) => [o.key, o] as const),
    );
    for (const copy of all) {
      const source = sources.get(copy.key)!;
      expect(copy.properties).toEqual(source.properties);
      expect(copy.version).toEqual(source.version);
    }
    // A repeated or replayed chunk would have made a new version or a conflict: there is neither.
    const bulkIds = new Set(all.map((o) => o.objectId));
    const { conflicts } = await b.spaceData.listConflicts(b.spaceId, { maxKeys: 1000 });
    expect(conflicts.filter((c) => bulkIds.has(c.itemId))).toEqual([]);
    const job = await importJob();
    expect(job.parked).toEqual([]);
  }, 240_000);
});

describe('data peering over a file relay with no network between the processes', () => {
  let a: Side;
  let b: Side;
  const dirs = relayDirs(path.join(dir, 'relay'));
  let carrier: NodeJS.Timeout;

  beforeAll(async () => {
    for (const folder of Object.values(dirs)) mkdirSync(folder, { recursive: true });
    [a, b] = await Promise.all([startSide('charlie'), startSide('delta')]);
    carrier = setInterval(() => {
      carryRelayFiles(dirs.aOut, dirs.bIn);
      carryRelayFiles(dirs.bOut, dirs.aIn);
    }, 100);
    await connectRelay(a, b, dirs);
    await policies(a, b, true);
  }, 120_000);
  afterAll(async () => {
    clearInterval(carrier);
    await Promise.all([a?.server.stop(), b?.server.stop()]);
  });

  it('carries objects and files both ways as relay files, with acknowledgements on the reverse channel', async () => {
    const peering = await activePeering(a, b, { objects: 'both', files: 'export' });
    await a.spaceData.createObject(a.spaceId, {
      type: 'Person',
      properties: { id: 'c1', name: 'Charlie', rank: 3 },
    });
    await b.spaceData.createObject(b.spaceId, {
      type: 'Person',
      properties: { id: 'd1', name: 'Delta', rank: 4 },
    });
    await a.spaceData.putFile(a.spaceId, { path: 'relay.bin', content: new Uint8Array([1, 2, 3, 250]) });
    await eventually(
      () => byKey(b, 'c1'),
      (o) => o?.properties.name === 'Charlie',
    );
    await eventually(
      () => byKey(a, 'd1'),
      (o) => o?.properties.name === 'Delta',
    );
    const file = await eventually(
      async () => (await b.spaceData.listAllFiles(b.spaceId)).find((f) => f.path === 'relay.bin'),
      (f) => f !== undefined,
    );
    expect([...(await b.spaceData.readFile(b.spaceId, file!.fileId))]).toEqual([1, 2, 3, 250]);
    const exportJob = await eventually(
      async () =>
        (await a.spaceData.listJobs(peering.aConnectionId)).find(
          (job) => job.dataType === 'objects' && job.direction === 'export',
        )!,
      (job) => job.acknowledged !== null && job.acknowledged!.seq === job.sentSeq,
    );
    expect(exportJob.health).toBe('healthy');
  });
});
