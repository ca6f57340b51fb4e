import { createHash } from 'node:crypto';
import { type Credentials, PeerlinkApiError, type SpaceFile, type SpaceObject } from '@peerlink/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../testing/harness.js';
import { signedRequest } from '../../../testing/signed-request.js';

/**
 * Space data over the Peerlink API, through the SDK over real HTTP: object types, objects, files,
 * markings and conflicts of one enrollment, who may touch them, paging, and the refusals (always
 * problem+json 4xx). Replication between two enrollments is data-peering.test.ts.
 */

type Tenant = Awaited<ReturnType<TestServer['newAccount']>>;

let t: TestServer;
let admin: ReturnType<TestServer['clients']>;
let adminCredentials: Credentials;
/** Manages `spaceId` (with the administrator, who created it). */
let alice: Tenant;
/** Manages nothing. */
let bob: Tenant;
let spaceId: string;
let enrollmentId: string;

const PERSON = {
  name: 'Person',
  primaryKey: 'id',
  properties: {
    id: 'string',
    name: 'string',
    age: 'integer',
    score: 'double',
    active: 'boolean',
    born: 'timestamp',
  },
};
const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

beforeAll(async () => {
  t = await startTestServer();
  adminCredentials = { ak: t.admin.accessKeyId, sk: t.admin.secretAccessKey };
  admin = t.clients(adminCredentials);
  alice = await t.newAccount();
  bob = await t.newAccount();
  enrollmentId = (await admin.peerlink.getEnrollment()).enrollmentId;
  spaceId = (await admin.peerlink.createSpace({ name: 'Data', managers: [alice.accountId] })).spaceId;
  await alice.spaceData.createObjectType(spaceId, PERSON);
  for (const name of ['Operational', 'Need To Know']) {
    await admin.spaceData.createMarking({ name, description: `${name} only` });
    // Labelling and reading marked data needs membership (R25).
    await admin.spaceData.setMarkingMembers(name, [alice.accountId, t.admin.accountId]);
  }
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

/** One signed request with a body the test writes byte for byte. */
const raw = (method: string, path: string, body?: string, credentials = adminCredentials) =>
  signedRequest({
    endpoint: t.endpoint(),
    credentials,
    method,
    path,
    ...(body !== undefined ? { body, headers: { 'content-type': 'application/json' } } : {}),
  });

let spaces = 0;
/** A fresh space alice manages, with the Person type. */
async function newSpace(): Promise<string> {
  const id = (await admin.peerlink.createSpace({ name: `data ${++spaces}`, managers: [alice.accountId] }))
    .spaceId;
  await alice.spaceData.createObjectType(id, PERSON);
  return id;
}

let people = 0;
const person = (extra: Record<string, string | number | boolean | null> = {}) => ({
  type: 'Person',
  properties: { id: `p${++people}`, name: `Person ${people}`, ...extra },
});

describe('object types', () => {
  it('are created, listed, read and deleted by the managers of the space', async () => {
    const created = await alice.spaceData.createObjectType(spaceId, {
      name: 'Vehicle',
      primaryKey: 'plate',
      properties: { wheels: 'integer', plate: 'string' },
    });
    expect(created).toEqual({
      spaceId,
      name: 'Vehicle',
      primaryKey: 'plate',
      properties: { wheels: 'integer', plate: 'string' },
      createdAt: ISO,
    });
    expect(await alice.spaceData.getObjectType(spaceId, 'Vehicle')).toEqual(created);
    const { objectTypes } = await admin.spaceData.listObjectTypes(spaceId);
    expect(objectTypes.map((type) => type.name)).toEqual(['Person', 'Vehicle']);
    expect(objectTypes[1]).toEqual(created);

    await alice.spaceData.deleteObjectType(spaceId, 'Vehicle');
    expect(await refusedWith(() => alice.spaceData.getObjectType(spaceId, 'Vehicle'))).toEqual([
      404,
      'NoSuchObject',
      'NoSuchObjectType',
    ]);
    expect(await refusedWith(() => alice.spaceData.deleteObjectType(spaceId, 'Vehicle'))).toEqual([
      404,
      'NoSuchObject',
      'NoSuchObjectType',
    ]);
  });

  it('refuse a second type of the same name (409) and bad schemas (400)', async () => {
    expect(await refusedWith(() => alice.spaceData.createObjectType(spaceId, PERSON))).toEqual([
      409,
      'OperationDenied',
      'ObjectTypeExists',
    ]);
    const bad: Array<[Parameters<typeof alice.spaceData.createObjectType>[1], string]> = [
      [{ name: '1st', primaryKey: 'id', properties: { id: 'string' } }, 'InvalidObjectTypeName'],
      [{ name: 'has space', primaryKey: 'id', properties: { id: 'string' } }, 'InvalidObjectTypeName'],
      [{ name: 'Empty', primaryKey: 'id', properties: {} }, 'InvalidObjectType'],
      [{ name: 'Typo', primaryKey: 'id', properties: { id: 'text' } }, 'InvalidObjectType'],
      [
        { name: 'BadProp', primaryKey: 'id', properties: { id: 'string', 'a-b': 'string' } },
        'InvalidObjectType',
      ],
      [{ name: 'NoKey', primaryKey: 'nope', properties: { id: 'string' } }, 'InvalidObjectType'],
      [{ name: 'FloatKey', primaryKey: 'id', properties: { id: 'double' } }, 'InvalidObjectType'],
    ];
    for (const [input, reason] of bad) {
      expect(await refusedWith(() => alice.spaceData.createObjectType(spaceId, input)), input.name).toEqual([
        400,
        'BadRequest',
        reason,
      ]);
    }
    // A body of the wrong shape is refused before anything else, as problem+json.
    const answer = await raw(
      'POST',
      `/api/v1/spaces/${spaceId}/object-types`,
      '{"name": "X", "properties": {"id": 5}}',
    );
    expect([answer.status, JSON.parse(answer.text).code]).toEqual([400, 'InappropriateJSON']);
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('cannot be deleted while objects of the type exist', async () => {
    const space = await newSpace();
    const object = await alice.spaceData.createObject(space, person());
    expect(await refusedWith(() => alice.spaceData.deleteObjectType(space, 'Person'))).toEqual([
      409,
      'OperationDenied',
      'ObjectTypeInUse',
    ]);
    await alice.spaceData.deleteObject(space, object.objectId);
    await alice.spaceData.deleteObjectType(space, 'Person');
    expect((await alice.spaceData.listObjectTypes(space)).objectTypes).toEqual([]);
  });
});

describe('objects', () => {
  it('are created with typed properties, labels and a first version by this enrollment', async () => {
    const created = await alice.spaceData.createObject(spaceId, {
      type: 'Person',
      properties: {
        id: 'ada',
        name: 'Ada',
        age: 36,
        score: 9.5,
        active: true,
        born: '1815-12-10T00:00:00+00:00',
      },
      classification: 'secret',
      markings: ['Operational', 'Need To Know', 'Operational'],
    });
    expect(created).toEqual({
      objectId: expect.stringMatching(/^obj-[0-9a-z]{12}$/),
      spaceId,
      type: 'Person',
      key: 'ada',
      // Sorted by name; timestamps normalised to UTC ISO.
      properties: {
        active: true,
        age: 36,
        born: '1815-12-10T00:00:00.000Z',
        id: 'ada',
        name: 'Ada',
        score: 9.5,
      },
      classification: 'SECRET',
      markings: ['Need To Know', 'Operational'],
      version: { vv: { [enrollmentId]: 1 }, hlc: expect.any(Number), writer: enrollmentId },
      peers: [],
      createdAt: ISO,
      updatedAt: created.createdAt,
    });
    expect(await alice.spaceData.getObject(spaceId, created.objectId)).toEqual(created);

    // Left out: UNCLASSIFIED, no markings; null values and absent properties are allowed.
    const plain = await alice.spaceData.createObject(spaceId, {
      type: 'Person',
      properties: { id: 'plain', name: null },
    });
    expect(plain).toMatchObject({
      classification: 'UNCLASSIFIED',
      markings: [],
      properties: { id: 'plain', name: null },
    });
  });

  it('take an integer primary key as their key', async () => {
    const space = await newSpace();
    await alice.spaceData.createObjectType(space, {
      name: 'Counter',
      primaryKey: 'n',
      properties: { n: 'integer' },
    });
    const counter = await alice.spaceData.createObject(space, { type: 'Counter', properties: { n: 42 } });
    expect(counter.key).toBe('42');
  });

  it('refuse values of the wrong type, unknown properties and a missing primary key (400)', async () => {
    const bad: Array<Record<string, unknown>> = [
      { id: 'x1', age: 'old' },
      { id: 'x2', age: 1.5 },
      { id: 'x3', score: '1' },
      { id: 'x4', active: 'yes' },
      { id: 'x5', born: 'yesterday' },
      { id: 'x6', name: 7 },
      { id: 'x7', name: ['a'] },
      { id: 'x8', nickname: 'unknown property' },
      { name: 'no primary key' },
      { id: null },
      { id: '' },
      { id: 'tab\tkey' },
    ];
    for (const properties of bad) {
      const refused = await problem(() =>
        alice.spaceData.createObject(spaceId, {
          type: 'Person',
          properties: properties as Record<string, string>,
        }),
      );
      expect([refused.statusCode, refused.code, refused.reason], JSON.stringify(properties)).toEqual([
        400,
        'BadRequest',
        'InvalidProperties',
      ]);
    }
    const unknown = await problem(() => alice.spaceData.createObject(spaceId, person({ nickname: 'Al' })));
    expect(unknown.message).toContain('nickname');
    expect(
      await refusedWith(() => alice.spaceData.createObject(spaceId, { ...person(), type: 'Nope' })),
    ).toEqual([404, 'NoSuchObject', 'NoSuchObjectType']);
    for (const body of ['{"type": "Person"}', '{"type": "Person", "properties": [1]}', '[]', 'nope']) {
      const answer = await raw('POST', `/api/v1/spaces/${spaceId}/objects`, body);
      expect(answer.status, body).toBe(400);
      expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });

  it('refuse a second object with the same primary key (409 ObjectExists)', async () => {
    const first = await alice.spaceData.createObject(spaceId, person());
    const again = await problem(() =>
      alice.spaceData.createObject(spaceId, {
        type: 'Person',
        properties: { id: first.key, name: 'Someone else' },
      }),
    );
    expect([again.statusCode, again.code, again.reason]).toEqual([409, 'OperationDenied', 'ObjectExists']);
    expect(again.message).toContain(first.objectId);
  });

  it('refuse unknown markings and classifications (400), as problem+json', async () => {
    expect(
      await refusedWith(() =>
        alice.spaceData.createObject(spaceId, { ...person(), markings: ['Unheard Of'] }),
      ),
    ).toEqual([400, 'BadRequest', 'UnknownMarking']);
    expect(
      await refusedWith(() =>
        alice.spaceData.createObject(spaceId, { ...person(), markings: ['bad/marking'] }),
      ),
    ).toEqual([400, 'BadRequest', 'InvalidSecurity']);
    for (const classification of ['SUPER SECRET', '', 'restricted']) {
      expect(
        await refusedWith(() => alice.spaceData.createObject(spaceId, { ...person(), classification })),
        classification,
      ).toEqual([400, 'BadRequest', 'InvalidSecurity']);
    }
    const answer = await raw(
      'POST',
      `/api/v1/spaces/${spaceId}/objects`,
      JSON.stringify({ ...person(), markings: ['Unheard Of'] }),
    );
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(answer.text)).toMatchObject({ status: 400, reason: 'UnknownMarking' });
  });

  it('are updated as a new version: the local counter and the hybrid time move on', async () => {
    const created = await alice.spaceData.createObject(spaceId, {
      ...person({ age: 30 }),
      classification: 'CONFIDENTIAL',
      markings: ['Operational'],
    });
    const updated = await alice.spaceData.updateObject(spaceId, created.objectId, {
      properties: { id: created.key, name: 'Renamed', active: false },
    });
    expect(updated).toEqual({
      ...created,
      // The whole set is replaced: age is gone.
      properties: { active: false, id: created.key, name: 'Renamed' },
      version: { vv: { [enrollmentId]: 2 }, hlc: expect.any(Number), writer: enrollmentId },
      updatedAt: ISO,
    });
    expect(updated.version.hlc).toBeGreaterThan(created.version.hlc);
    expect(Date.parse(updated.updatedAt)).toBeGreaterThanOrEqual(Date.parse(created.updatedAt));

    // Labels alone; the properties stay.
    const relabelled = await admin.spaceData.updateObject(spaceId, created.objectId, {
      classification: 'TOP SECRET',
      markings: [],
    });
    expect(relabelled).toMatchObject({
      properties: updated.properties,
      classification: 'TOP SECRET',
      markings: [],
      version: { vv: { [enrollmentId]: 3 } },
    });
    expect(relabelled.version.hlc).toBeGreaterThan(updated.version.hlc);
    expect(await alice.spaceData.getObject(spaceId, created.objectId)).toEqual(relabelled);
  });

  it('refuse updates that change the primary key or break the type', async () => {
    const created = await alice.spaceData.createObject(spaceId, person());
    const refusals: Array<[Parameters<typeof alice.spaceData.updateObject>[2], string]> = [
      [{ properties: { id: 'other', name: 'x' } }, 'PrimaryKeyChanged'],
      [{ properties: { name: 'no key' } }, 'InvalidProperties'],
      [{ properties: { id: created.key, age: 'x' } }, 'InvalidProperties'],
      [{ markings: ['Unheard Of'] }, 'UnknownMarking'],
      [{ classification: 'COSMIC' }, 'InvalidSecurity'],
    ];
    for (const [input, reason] of refusals) {
      expect(await refusedWith(() => alice.spaceData.updateObject(spaceId, created.objectId, input))).toEqual(
        [400, 'BadRequest', reason],
      );
    }
    // Nothing changed.
    expect(await alice.spaceData.getObject(spaceId, created.objectId)).toEqual(created);
  });

  it('are deleted: gone from lists, 404 afterwards, and their key is free again', async () => {
    const space = await newSpace();
    const kept = await alice.spaceData.createObject(space, person());
    const gone = await alice.spaceData.createObject(space, person());
    await alice.spaceData.deleteObject(space, gone.objectId);

    expect((await alice.spaceData.listAllObjects(space)).map((o) => o.objectId)).toEqual([kept.objectId]);
    for (const call of [
      () => alice.spaceData.getObject(space, gone.objectId),
      () => alice.spaceData.updateObject(space, gone.objectId, { classification: 'SECRET' }),
      () => alice.spaceData.deleteObject(space, gone.objectId),
      () => alice.spaceData.getObject(space, 'obj-000000000000'),
      () => alice.spaceData.getObject(space, 'not-an-id'),
    ]) {
      expect(await refusedWith(call)).toEqual([404, 'NoSuchObject', 'NoSuchObject']);
    }
    // Created again under the same key: the same item, one version further than its deletion.
    const back = await alice.spaceData.createObject(space, {
      type: 'Person',
      properties: { id: gone.key, name: 'Back' },
    });
    expect(back.objectId).toBe(gone.objectId);
    expect(back.version.vv[enrollmentId]).toBe(3);
    expect((await alice.spaceData.listAllObjects(space)).map((o) => o.key)).toEqual([kept.key, gone.key]);
  });

  it('are listed in id order, page by page with markers, and by type', async () => {
    const space = await newSpace();
    await alice.spaceData.createObjectType(space, {
      name: 'Tag',
      primaryKey: 'label',
      properties: { label: 'string' },
    });
    const made: SpaceObject[] = [];
    for (let i = 0; i < 5; i++) made.push(await alice.spaceData.createObject(space, person()));
    const tag = await alice.spaceData.createObject(space, { type: 'Tag', properties: { label: 'x' } });
    const ids = made.map((o) => o.objectId);
    expect([...ids].sort()).toEqual(ids);

    const seen: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const page = await alice.spaceData.listObjects(space, {
        type: 'Person',
        maxKeys: 2,
        ...(marker ? { marker } : {}),
      });
      pages++;
      expect(page.objects.length).toBeLessThanOrEqual(2);
      seen.push(...page.objects.map((o) => o.objectId));
      marker = page.isTruncated ? page.nextMarker : undefined;
      if (page.isTruncated) expect(page.nextMarker).toMatch(/^obj-/);
      else expect(page).not.toHaveProperty('nextMarker');
    } while (marker);
    expect([seen, pages]).toEqual([ids, 3]);
    expect(await alice.spaceData.listAllObjects(space, { type: 'Person' })).toEqual(made);
    expect((await alice.spaceData.listAllObjects(space)).map((o) => o.objectId)).toEqual([
      ...ids,
      tag.objectId,
    ]);
    expect((await alice.spaceData.listObjects(space, { type: 'Tag' })).objects).toEqual([tag]);
    expect(await refusedWith(() => alice.spaceData.listObjects(space, { type: 'Unknown' }))).toEqual([
      404,
      'NoSuchObject',
      'NoSuchObjectType',
    ]);
    // A marker is where the page starts (an id of a deleted object still works).
    const fromThird = await alice.spaceData.listObjects(space, { marker: ids[2]!, maxKeys: 1 });
    expect([fromThird.objects[0]!.objectId, fromThird.nextMarker]).toEqual([ids[2], ids[3]]);
    await alice.spaceData.deleteObject(space, ids[2]!);
    expect(
      (await alice.spaceData.listObjects(space, { marker: ids[2]!, maxKeys: 1 })).objects[0]!.objectId,
    ).toBe(ids[3]);

    for (const [args, reason] of [
      [{ marker: 'fil-000000000000' }, 'InvalidMarker'],
      [{ marker: 'obj-x' }, 'InvalidMarker'],
      [{ maxKeys: -1 }, 'InvalidMaxKeys'],
      [{ type: 'not a type' }, 'InvalidObjectTypeName'],
    ] as const) {
      expect(await refusedWith(() => alice.spaceData.listObjects(space, args))).toEqual([
        400,
        'BadRequest',
        reason,
      ]);
    }
  });
});

describe('files', () => {
  /** Every byte value, then sequences that are not UTF-8 (a lone continuation, an overlong form, a cut sequence). */
  const BINARY = Buffer.concat([
    Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
    Buffer.from([0x80, 0xc0, 0xaf, 0xed, 0xa0, 0x80, 0xff, 0xfe, 0x00, 0xe2, 0x82]),
  ]);

  it('round-trip their bytes exactly, text and binary, with their size and SHA-256', async () => {
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(BINARY)).toThrow();
    const binary = await alice.spaceData.putFile(spaceId, {
      path: 'maps/area.bin',
      content: new Uint8Array(BINARY),
      markings: ['Operational'],
    });
    expect(binary).toEqual({
      fileId: expect.stringMatching(/^fil-[0-9a-z]{12}$/),
      spaceId,
      path: 'maps/area.bin',
      size: BINARY.length,
      sha256: createHash('sha256').update(BINARY).digest('hex'),
      classification: 'UNCLASSIFIED',
      markings: ['Operational'],
      version: { vv: { [enrollmentId]: 1 }, hlc: expect.any(Number), writer: enrollmentId },
      peers: [],
      createdAt: ISO,
      updatedAt: binary.createdAt,
    });
    const read = await alice.spaceData.readFile(spaceId, binary.fileId);
    expect(read).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(read).equals(BINARY)).toBe(true);
    expect(await alice.spaceData.getFile(spaceId, binary.fileId)).toEqual(binary);

    const text = await alice.spaceData.putFile(spaceId, {
      path: 'notes/ünïcode ✓.txt',
      content: 'héllo ✓\n',
    });
    expect(text.size).toBe(Buffer.byteLength('héllo ✓\n'));
    expect(Buffer.from(await alice.spaceData.readFile(spaceId, text.fileId)).toString('utf8')).toBe(
      'héllo ✓\n',
    );

    const empty = await alice.spaceData.putFile(spaceId, { path: 'empty', content: new Uint8Array() });
    expect([empty.size, (await alice.spaceData.readFile(spaceId, empty.fileId)).length]).toEqual([0, 0]);

    const answer = await raw('GET', `/api/v1/spaces/${spaceId}/files/${binary.fileId}/content`);
    expect([answer.status, answer.headers['content-type'], answer.headers['content-length']]).toEqual([
      200,
      'application/octet-stream',
      String(BINARY.length),
    ]);
  });

  it('are replaced by path: the same file, a new version, new content; labels stay unless given', async () => {
    const space = await newSpace();
    const first = await alice.spaceData.putFile(space, {
      path: 'report.txt',
      content: 'one',
      classification: 'SECRET',
    });
    const second = await alice.spaceData.putFile(space, { path: 'report.txt', content: 'two!' });
    expect(second).toMatchObject({
      fileId: first.fileId,
      size: 4,
      classification: 'SECRET',
      createdAt: first.createdAt,
      version: { vv: { [enrollmentId]: 2 }, writer: enrollmentId },
    });
    expect(second.version.hlc).toBeGreaterThan(first.version.hlc);
    expect(second.sha256).not.toBe(first.sha256);
    expect(Buffer.from(await alice.spaceData.readFile(space, first.fileId)).toString()).toBe('two!');
    expect((await alice.spaceData.listAllFiles(space)).map((f) => f.fileId)).toEqual([first.fileId]);
  });

  it('hold up to 8 MiB (more than the usual body limit), and no more', async () => {
    const space = await newSpace();
    const big = Buffer.alloc(8 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 4096) big[i] = (i / 4096) % 251;
    const stored = await alice.spaceData.putFile(space, { path: 'big.bin', content: new Uint8Array(big) });
    expect(stored.size).toBe(big.length);
    expect(Buffer.from(await alice.spaceData.readFile(space, stored.fileId)).equals(big)).toBe(true);
    expect(
      await refusedWith(() =>
        alice.spaceData.putFile(space, { path: 'bigger.bin', content: new Uint8Array(big.length + 1) }),
      ),
    ).toEqual([400, 'BadRequest', 'FileTooLarge']);
    // A body past the route's own limit (12 MiB) is not even read; other routes keep the usual one.
    const huge = JSON.stringify({ path: 'huge.bin', content: 'A'.repeat(13 * 1024 * 1024) });
    expect((await raw('POST', `/api/v1/spaces/${space}/files`, huge)).status).toBe(413);
    const wordy = JSON.stringify({ ...person(), properties: { id: 'w', name: 'x'.repeat(2 * 1024 * 1024) } });
    expect((await raw('POST', `/api/v1/spaces/${space}/objects`, wordy)).status).toBe(413);
  });

  it('refuse bad paths, content that is not base64, and bad labels (400, problem+json)', async () => {
    for (const path of [
      '',
      '/abs',
      'a//b',
      'a/./b',
      '../up',
      'a/..',
      'back\\slash',
      'nul\u0001',
      'x'.repeat(513),
    ]) {
      expect(await refusedWith(() => alice.spaceData.putFile(spaceId, { path, content: 'x' })), path).toEqual(
        [400, 'BadRequest', 'InvalidFilePath'],
      );
    }
    for (const content of ['not base64!', 'abc', 'ab=c', '====', 'YQ', 'YWJj\n', 'Y W J j', '-_-_']) {
      const answer = await raw(
        'POST',
        `/api/v1/spaces/${spaceId}/files`,
        JSON.stringify({ path: 'bad.bin', content }),
      );
      expect([answer.status, JSON.parse(answer.text).reason], content).toEqual([400, 'InvalidContent']);
      expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    const missing = await raw('POST', `/api/v1/spaces/${spaceId}/files`, '{"path": "x"}');
    expect([missing.status, JSON.parse(missing.text).code]).toEqual([400, 'InappropriateJSON']);
    expect(
      await refusedWith(() =>
        alice.spaceData.putFile(spaceId, { path: 'labelled', content: 'x', classification: 'HUSH' }),
      ),
    ).toEqual([400, 'BadRequest', 'InvalidSecurity']);
    expect(
      await refusedWith(() =>
        alice.spaceData.putFile(spaceId, { path: 'labelled', content: 'x', markings: ['Unheard Of'] }),
      ),
    ).toEqual([400, 'BadRequest', 'UnknownMarking']);
    expect((await alice.spaceData.listAllFiles(spaceId)).map((f) => f.path)).not.toContain('labelled');
  });

  it('are listed page by page and deleted: gone from lists, 404 afterwards', async () => {
    const space = await newSpace();
    const made: SpaceFile[] = [];
    for (let i = 0; i < 5; i++)
      made.push(await alice.spaceData.putFile(space, { path: `f/${i}`, content: `${i}` }));
    const page = await alice.spaceData.listFiles(space, { maxKeys: 3 });
    expect([page.files.map((f) => f.path), page.isTruncated, page.nextMarker]).toEqual([
      ['f/0', 'f/1', 'f/2'],
      true,
      made[3]!.fileId,
    ]);
    const rest = await alice.spaceData.listFiles(space, { maxKeys: 3, marker: page.nextMarker! });
    expect([rest.files.map((f) => f.path), rest.isTruncated]).toEqual([['f/3', 'f/4'], false]);
    expect(await alice.spaceData.listAllFiles(space)).toEqual(made);

    await alice.spaceData.deleteFile(space, made[1]!.fileId);
    expect((await alice.spaceData.listAllFiles(space)).map((f) => f.path)).toEqual([
      'f/0',
      'f/2',
      'f/3',
      'f/4',
    ]);
    for (const call of [
      () => alice.spaceData.getFile(space, made[1]!.fileId),
      () => alice.spaceData.readFile(space, made[1]!.fileId),
      () => alice.spaceData.deleteFile(space, made[1]!.fileId),
      // An object is not a file.
      () => alice.spaceData.getFile(space, 'obj-000000000000'),
    ]) {
      expect(await refusedWith(call)).toEqual([404, 'NoSuchObject', 'NoSuchFile']);
    }
    // Written again at its path: the same file, alive again.
    const back = await alice.spaceData.putFile(space, { path: 'f/1', content: 'again' });
    expect([back.fileId, back.version.vv[enrollmentId]]).toEqual([made[1]!.fileId, 3]);
    expect(
      await refusedWith(() =>
        alice.spaceData.listFiles(space, { marker: made[0]!.fileId.replace('fil', 'obj') }),
      ),
    ).toEqual([400, 'BadRequest', 'InvalidMarker']);
  });
});

describe('who may touch space data', () => {
  it('is the managers of the space only: others get 403, unknown spaces 404, bad ids 400', async () => {
    const object = await alice.spaceData.createObject(spaceId, person());
    const file = await alice.spaceData.putFile(spaceId, { path: 'private.txt', content: 'x' });
    const calls = (space: string) => [
      () => bob.spaceData.listObjectTypes(space),
      () => bob.spaceData.getObjectType(space, 'Person'),
      () =>
        bob.spaceData.createObjectType(space, {
          name: 'Mine',
          primaryKey: 'id',
          properties: { id: 'string' },
        }),
      () => bob.spaceData.deleteObjectType(space, 'Person'),
      () => bob.spaceData.createObject(space, person()),
      () => bob.spaceData.listObjects(space),
      () => bob.spaceData.getObject(space, object.objectId),
      () => bob.spaceData.updateObject(space, object.objectId, { classification: 'SECRET' }),
      () => bob.spaceData.deleteObject(space, object.objectId),
      () => bob.spaceData.putFile(space, { path: 'private.txt', content: 'mine now' }),
      () => bob.spaceData.listFiles(space),
      () => bob.spaceData.getFile(space, file.fileId),
      () => bob.spaceData.readFile(space, file.fileId),
      () => bob.spaceData.deleteFile(space, file.fileId),
      () => bob.spaceData.listConflicts(space),
      () => bob.spaceData.resolveConflict(space, 'cfl-000000000000', 'local'),
    ];
    for (const call of calls(spaceId))
      expect(await refusedWith(call), call.toString()).toEqual([403, 'AccessDenied', 'NotSpaceManager']);
    for (const call of calls('spc-000000000000'))
      expect(await refusedWith(call), call.toString()).toEqual([404, 'NoSuchObject', 'NoSuchSpace']);
    for (const call of calls('spc-nope'))
      expect(await refusedWith(call), call.toString()).toEqual([400, 'BadRequest', 'InvalidSpaceId']);
    // Nothing of the above happened.
    expect(await alice.spaceData.getObject(spaceId, object.objectId)).toEqual(object);
    expect(Buffer.from(await alice.spaceData.readFile(spaceId, file.fileId)).toString()).toBe('x');
  });

  it('does not include administrators who do not manage the space', async () => {
    const space = await newSpace();
    await alice.peerlink.removeSpaceManager(space, t.admin.accountId);
    expect(await refusedWith(() => admin.spaceData.listObjects(space))).toEqual([
      403,
      'AccessDenied',
      'NotSpaceManager',
    ]);
  });

  it('needs credentials', async () => {
    const answer = await fetch(`${t.endpoint()}/api/v1/spaces/${spaceId}/objects`);
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect([answer.status, ((await answer.json()) as { code: string }).code]).toEqual([403, 'AccessDenied']);
  });
});

describe('markings', () => {
  it('are created and granted by administrators, and listed to each caller as far as it holds them', async () => {
    const created = await admin.spaceData.createMarking({ name: 'Exercise', description: '  drills  ' });
    expect(created).toEqual({
      name: 'Exercise',
      description: 'drills',
      origin: 'local',
      members: [],
      createdAt: ISO,
    });
    const granted = await admin.spaceData.setMarkingMembers('Exercise', [
      bob.accountId,
      alice.accountId,
      bob.accountId,
    ]);
    expect(granted).toEqual({ ...created, members: [alice.accountId, bob.accountId].sort() });
    const withSpace = await admin.spaceData.setMarkingMembers('Need To Know', [alice.accountId]);
    expect(withSpace.members).toEqual([alice.accountId]);

    const { markings } = await admin.spaceData.listMarkings();
    expect(markings.map((m) => m.name)).toEqual(
      expect.arrayContaining(['Exercise', 'Need To Know', 'Operational']),
    );
    expect(markings.find((m) => m.name === 'Exercise')).toEqual(granted);
    // Bob holds Exercise only, and sees no other member of it.
    expect((await bob.spaceData.listMarkings()).markings).toEqual([{ ...granted, members: [bob.accountId] }]);

    expect(await refusedWith(() => alice.spaceData.createMarking({ name: 'Mine' }))).toEqual([
      403,
      'AccessDenied',
      'AdministratorOnly',
    ]);
    expect(await refusedWith(() => alice.spaceData.setMarkingMembers('Exercise', [alice.accountId]))).toEqual(
      [403, 'AccessDenied', 'AdministratorOnly'],
    );
    expect((await bob.spaceData.listMarkings()).markings.map((m) => m.name)).not.toContain('Mine');
  });

  it('refuse duplicates (409), bad names and descriptions (400), unknown markings (404)', async () => {
    expect(await refusedWith(() => admin.spaceData.createMarking({ name: 'Operational' }))).toEqual([
      409,
      'OperationDenied',
      'MarkingExists',
    ]);
    for (const name of ['', ' leading', 'slash/ed', 'x'.repeat(65)]) {
      expect(await refusedWith(() => admin.spaceData.createMarking({ name })), name).toEqual([
        400,
        'BadRequest',
        'InvalidSecurity',
      ]);
    }
    expect(
      await refusedWith(() => admin.spaceData.createMarking({ name: 'Wordy', description: 'x'.repeat(257) })),
    ).toEqual([400, 'BadRequest', 'InvalidDescription']);
    expect(await refusedWith(() => admin.spaceData.setMarkingMembers('Nothing', []))).toEqual([
      404,
      'NoSuchObject',
      'NoSuchMarking',
    ]);
    const answer = await raw('PUT', '/api/v1/markings/Operational/members', '{"members": "all"}');
    expect([answer.status, JSON.parse(answer.text).code]).toEqual([400, 'InappropriateJSON']);
  });
});

describe('markings restrict reads (mandatory access control, R25)', () => {
  /** Holds Alpha and Bravo. */
  let member: Tenant;
  /** Holds Alpha only. */
  let half: Tenant;
  /** Manages the space, holds nothing. */
  let none: Tenant;
  let space: string;
  let both: SpaceObject;
  let alphaOnly: SpaceObject;
  let plain: SpaceObject;
  let file: SpaceFile;

  beforeAll(async () => {
    [member, half, none] = [await t.newAccount(), await t.newAccount(), await t.newAccount()];
    space = (
      await admin.peerlink.createSpace({
        name: 'marked',
        managers: [member.accountId, half.accountId, none.accountId],
      })
    ).spaceId;
    await member.spaceData.createObjectType(space, PERSON);
    await admin.spaceData.createMarking({ name: 'Alpha' });
    await admin.spaceData.createMarking({ name: 'Bravo' });
    await admin.spaceData.setMarkingMembers('Alpha', [member.accountId, half.accountId]);
    await admin.spaceData.setMarkingMembers('Bravo', [member.accountId]);
    both = await member.spaceData.createObject(space, { ...person(), markings: ['Alpha', 'Bravo'] });
    alphaOnly = await member.spaceData.createObject(space, { ...person(), markings: ['Alpha'] });
    plain = await member.spaceData.createObject(space, person());
    file = await member.spaceData.putFile(space, {
      path: 'marked.txt',
      content: 'eyes only',
      markings: ['Alpha', 'Bravo'],
    });
  });

  const ids = async (who: Tenant) => (await who.spaceData.listAllObjects(space)).map((o) => o.objectId);

  it('shows a member of every marking on an item the item', async () => {
    expect(await ids(member)).toEqual([both.objectId, alphaOnly.objectId, plain.objectId]);
    expect(await member.spaceData.getObject(space, both.objectId)).toEqual(both);
    expect((await member.spaceData.listAllFiles(space)).map((f) => f.fileId)).toEqual([file.fileId]);
    expect(Buffer.from(await member.spaceData.readFile(space, file.fileId)).toString()).toBe('eyes only');
  });

  it('hides it from a member of only some of its markings, and from one of none', async () => {
    expect(await ids(half)).toEqual([alphaOnly.objectId, plain.objectId]);
    expect(await ids(none)).toEqual([plain.objectId]);
    for (const who of [half, none]) {
      expect((await who.spaceData.listAllFiles(space)).map((f) => f.fileId)).toEqual([]);
      expect(
        (await who.spaceData.listAllObjects(space, { type: 'Person' })).map((o) => o.objectId),
      ).not.toContain(both.objectId);
    }
  });

  it('answers 404, as for an item that does not exist, to gets, downloads and writes of a hidden item', async () => {
    for (const call of [
      () => half.spaceData.getObject(space, both.objectId),
      () => half.spaceData.updateObject(space, both.objectId, { classification: 'SECRET' }),
      () => half.spaceData.deleteObject(space, both.objectId),
      () => none.spaceData.getObject(space, alphaOnly.objectId),
    ])
      expect(await refusedWith(call), call.toString()).toEqual([404, 'NoSuchObject', 'NoSuchObject']);
    for (const call of [
      () => half.spaceData.getFile(space, file.fileId),
      () => half.spaceData.readFile(space, file.fileId),
      () => half.spaceData.deleteFile(space, file.fileId),
    ])
      expect(await refusedWith(call), call.toString()).toEqual([404, 'NoSuchObject', 'NoSuchFile']);
    const answer = await raw(
      'GET',
      `/api/v1/spaces/${space}/files/${file.fileId}/content`,
      undefined,
      half.credentials,
    );
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(answer.status).toBe(404);
    // Nothing of the above happened.
    expect(await member.spaceData.getObject(space, both.objectId)).toEqual(both);
  });

  it('pages and counts only what the caller may see', async () => {
    const first = await half.spaceData.listObjects(space, { maxKeys: 1 });
    expect(first.objects.map((o) => o.objectId)).toEqual([alphaOnly.objectId]);
    expect(first.isTruncated).toBe(true);
    const second = await half.spaceData.listObjects(space, { maxKeys: 1, marker: first.nextMarker! });
    expect(second.objects.map((o) => o.objectId)).toEqual([plain.objectId]);
    expect(second.isTruncated).toBe(false);
    const one = await none.spaceData.listObjects(space, { maxKeys: 1 });
    expect([one.objects.length, one.isTruncated]).toEqual([1, false]);
    // Deleting the type is refused without saying how many objects (some hidden) it still has.
    const inUse = (await none.spaceData.deleteObjectType(space, 'Person').catch((error) => error)) as Error;
    expect(inUse.message).toContain('still has objects');
    expect(inUse.message).not.toMatch(/\d/);
  });

  it('refuses labelling with a marking the caller does not hold as if it did not exist', async () => {
    for (const markings of [['Bravo'], ['Unheard Of']])
      expect(
        await refusedWith(() => half.spaceData.createObject(space, { ...person(), markings })),
        markings[0],
      ).toEqual([400, 'BadRequest', 'UnknownMarking']);
  });

  it('lists to a non-administrator only the markings it holds, without the other members', async () => {
    const { markings } = await half.spaceData.listMarkings();
    expect(markings.map((m) => [m.name, m.members])).toEqual([['Alpha', [half.accountId]]]);
    expect((await none.spaceData.listMarkings()).markings).toEqual([]);
    const all = (await admin.spaceData.listMarkings()).markings.find((m) => m.name === 'Alpha');
    expect(all!.members).toEqual([member.accountId, half.accountId].sort());
  });

  it('gives administrators, who manage markings, no read of marked data without membership', async () => {
    // The administrator created the space, so it manages it.
    expect(await ids(admin as unknown as Tenant)).toEqual([plain.objectId]);
    expect(await refusedWith(() => admin.spaceData.getObject(space, both.objectId))).toEqual([
      404,
      'NoSuchObject',
      'NoSuchObject',
    ]);
  });
});

describe('conflicts', () => {
  it('are listed (none yet) with filters and markers checked', async () => {
    expect(await alice.spaceData.listConflicts(spaceId)).toEqual({ conflicts: [], isTruncated: false });
    expect(
      await alice.spaceData.listConflicts(spaceId, {
        open: true,
        connectionId: 'pmc-000000000000',
        itemId: 'obj-000000000000',
        maxKeys: 5,
        marker: 'cfl-000000000000',
      }),
    ).toEqual({ conflicts: [], isTruncated: false });
    expect(
      await refusedWith(() => alice.spaceData.listConflicts(spaceId, { marker: 'obj-000000000000' })),
    ).toEqual([400, 'BadRequest', 'InvalidMarker']);
    const answer = await raw('GET', `/api/v1/spaces/${spaceId}/conflicts?open=maybe`);
    expect([answer.status, JSON.parse(answer.text).reason]).toEqual([400, 'InvalidOpen']);
  });

  it('refuse resolving an unknown conflict (404) or with a choice that is neither side (400)', async () => {
    expect(
      await refusedWith(() => alice.spaceData.resolveConflict(spaceId, 'cfl-000000000000', 'local')),
    ).toEqual([404, 'NoSuchObject', 'NoSuchConflict']);
    const answer = await raw(
      'POST',
      `/api/v1/spaces/${spaceId}/conflicts/cfl-000000000000/resolve`,
      '{"choose": "both"}',
    );
    expect([answer.status, JSON.parse(answer.text).reason]).toEqual([400, 'InvalidChoice']);
  });
});

describe('replication endpoints of a peer connection', () => {
  it('answer 404 for a connection that does not exist', async () => {
    for (const connectionId of ['pmc-000000000000', 'nope']) {
      for (const call of [
        () => alice.spaceData.listJobs(connectionId),
        () => alice.spaceData.listTypeMappings(connectionId),
        () =>
          alice.spaceData.setTypeMapping(connectionId, 'Person', {
            remoteType: 'Human',
            properties: { id: 'id' },
          }),
        () => alice.spaceData.deleteTypeMapping(connectionId, 'Person'),
        () => admin.spaceData.listJobs(connectionId),
      ]) {
        expect(await refusedWith(call)).toEqual([404, 'NoSuchObject', 'NoSuchPeerConnection']);
      }
    }
    const answer = await raw('GET', '/api/v1/peer-connections/pmc-000000000000/jobs');
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});

describe('audit', () => {
  it('records object type and marking changes with who made them', async () => {
    const space = await newSpace();
    await alice.spaceData.deleteObjectType(space, 'Person');
    await admin.spaceData.createMarking({ name: 'Audited' });
    await admin.spaceData.setMarkingMembers('Audited', [bob.accountId]);
    const { events } = await admin.peerlink.listAuditEvents({ maxKeys: 4 });
    expect(events.map((e) => [e.actor, e.action, e.target, e.detail])).toEqual([
      [t.admin.accountId, 'SetMarkingMembers', 'Audited', bob.accountId],
      [t.admin.accountId, 'CreateMarking', 'Audited', ''],
      [alice.accountId, 'DeleteObjectType', space, 'Person'],
      [alice.accountId, 'CreateObjectType', space, 'Person'],
    ]);
  });
});
