import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type ServeProcess, spawnServe } from './support/process.js';

/**
 * Space data through the built `peerlink` binary, each command its own process: the administrator
 * creates a marking, a space and an object type, writes typed objects with `--set`, merges an
 * update, puts a binary file and reads it back, and sees the API's refusals of bad values.
 */
const dir = mkdtempSync(path.join(tmpdir(), 'peerlink-cli-data-'));
const env = {
  PEERLINK_CONFIG_FILE: path.join(dir, 'config.toml'),
  PEERLINK_AK: '',
  PEERLINK_SK: '',
  PEERLINK_TOKEN: '',
  PEERLINK_ENDPOINT: '',
  PEERLINK_PROFILE: '',
};
let server: ServeProcess;
let spaceId: string;
let adminId: string;

beforeAll(async () => {
  server = await spawnServe(['--data-dir', path.join(dir, 'data')], {
    PEERLINK_ADMIN_AK: 'admin-ak-0001',
    PEERLINK_ADMIN_SK: 'admin-sk-0001',
  });
  await peerlink(
    'configure',
    '--endpoint',
    server.endpoint,
    '--ak',
    'admin-ak-0001',
    '--sk',
    'admin-sk-0001',
  );
  let managers: string[];
  ({ spaceId, managers } = await json('spaces', 'create', 'Personnel', '--description', 'cli data e2e'));
  // The administrator created the space, so it manages it: its account id.
  adminId = managers[0]!;
});
afterAll(() => server.stop());

async function peerlink(...args: string[]) {
  const result = await runCli(args, env);
  if (result.code !== 0)
    throw new Error(`peerlink ${args.join(' ')} exited ${result.code}:\n${result.stderr}`);
  return result;
}

const json = async (...args: string[]) => JSON.parse((await peerlink(...args, '--output', 'json')).stdout);

/** The table's lines, header first. */
const lines = async (...args: string[]) => (await peerlink(...args)).stdout.trimEnd().split('\n');

describe('peerlink data markings', () => {
  it('creates a marking, lists it and sets its members', async () => {
    const marking = await json('data', 'markings', 'create', 'PII', '--description', 'personal data');
    expect(marking).toMatchObject({
      name: 'PII',
      description: 'personal data',
      origin: 'local',
      members: [],
    });

    const alice = await json('accounts', 'create', '--name', 'alice');
    const granted = await json('data', 'markings', 'members', 'PII', alice.accountId);
    expect(granted.members).toEqual([alice.accountId]);

    const listed = await lines('data', 'markings', 'list');
    expect(listed[0]).toMatch(/^NAME\s+ORIGIN\s+MEMBERS\s+CREATED\s+DESCRIPTION$/);
    expect(listed[1]).toMatch(new RegExp(`^PII\\s+local\\s+${alice.accountId}\\s+\\S+\\s+personal data$`));

    const none = await runCli(['data', 'markings', 'members', 'PII'], env);
    expect([none.code, none.stderr]).toEqual([2, expect.stringContaining('--none')]);
    expect((await json('data', 'markings', 'members', 'PII', '--none')).members).toEqual([]);
    // Labelling and reading data marked PII needs membership, administrators included (R25).
    expect((await json('data', 'markings', 'members', 'PII', adminId)).members).toEqual([adminId]);
  });
});

describe('peerlink data types and objects', () => {
  let ada: { objectId: string; version: unknown };

  it('creates an object type with typed properties, and lists and shows it', async () => {
    const type = await json(
      'data',
      'types',
      'create',
      spaceId,
      'Person',
      '--primary-key',
      'id',
      '--property',
      'id:string',
      '--property',
      'name:string',
      '--property',
      'age:integer',
      '--property',
      'height:double',
      '--property',
      'active:boolean',
      '--property',
      'born:timestamp',
    );
    expect(type).toMatchObject({
      spaceId,
      name: 'Person',
      primaryKey: 'id',
      properties: {
        id: 'string',
        name: 'string',
        age: 'integer',
        height: 'double',
        active: 'boolean',
        born: 'timestamp',
      },
    });

    const listed = await lines('data', 'types', 'list', spaceId);
    expect(listed[0]).toMatch(/^NAME\s+PRIMARYKEY\s+PROPERTIES\s+CREATED$/);
    expect(listed[1]).toMatch(/^Person\s+id\s+\S*age:integer\S*\s+/);
    expect((await peerlink('data', 'types', 'show', spaceId, 'Person')).stdout).toMatch(/primaryKey\s+id\n/);
  });

  it('creates objects from typed --set values: numbers, booleans and timestamps in the JSON', async () => {
    ada = await json(
      'data',
      'objects',
      'create',
      spaceId,
      'Person',
      '--set',
      'id=p1',
      '--set',
      'name=Ada Lovelace=Byron',
      '--set',
      'age=36',
      '--set',
      'height=1.65',
      '--set',
      'active=true',
      '--set',
      'born=1815-12-10T00:00:00Z',
      '--classification',
      'confidential',
      '--marking',
      'PII',
    );
    expect(ada).toMatchObject({
      objectId: expect.stringMatching(/^obj-/),
      spaceId,
      type: 'Person',
      key: 'p1',
      classification: 'CONFIDENTIAL',
      markings: ['PII'],
      peers: [],
    });
    expect((ada as unknown as { properties: unknown }).properties).toStrictEqual({
      active: true,
      age: 36,
      born: '1815-12-10T00:00:00.000Z',
      height: 1.65,
      id: 'p1',
      name: 'Ada Lovelace=Byron',
    });

    const grace = await json(
      'data',
      'objects',
      'create',
      spaceId,
      'Person',
      '--set',
      'id=p2',
      '--set',
      'age=-85',
      '--set',
      'active=FALSE',
    );
    expect(grace.properties).toStrictEqual({ active: false, age: -85, id: 'p2' });
    expect(grace).toMatchObject({ classification: 'UNCLASSIFIED', markings: [] });
  });

  it('merges an update over the current properties', async () => {
    const updated = await json(
      'data',
      'objects',
      'update',
      spaceId,
      ada.objectId,
      '--set',
      'age=37',
      '--set',
      'active=false',
      '--unset',
      'height',
      '--clear-markings',
    );
    expect(updated.properties).toStrictEqual({
      active: false,
      age: 37,
      born: '1815-12-10T00:00:00.000Z',
      id: 'p1',
      name: 'Ada Lovelace=Byron',
    });
    expect(updated).toMatchObject({ objectId: ada.objectId, classification: 'CONFIDENTIAL', markings: [] });
    expect(updated.version).not.toEqual(ada.version);

    const shown = (await peerlink('data', 'objects', 'show', spaceId, ada.objectId)).stdout;
    expect(shown).toMatch(/^FIELD\s+VALUE\n/);
    expect(shown).toMatch(/properties\.age\s+37\n/);
    expect(shown).toMatch(/properties\.name\s+Ada Lovelace=Byron\n/);
  });

  it('lists objects as a table and as JSON', async () => {
    const listed = await lines('data', 'objects', 'list', spaceId, '--type', 'Person');
    expect(listed[0]).toMatch(/^OBJECTID\s+TYPE\s+KEY\s+CLASSIFICATION\s+MARKINGS\s+UPDATED\s+PROPERTIES$/);
    expect(listed).toHaveLength(3);
    expect(listed.join('\n')).toMatch(new RegExp(`${ada.objectId}\\s+Person\\s+p1\\s+CONFIDENTIAL\\s+`));
    expect(listed.join('\n')).toContain('active=false age=-85 id=p2');

    const all = await json('data', 'objects', 'list', spaceId);
    expect(all.map((o: { key: string }) => o.key).sort()).toEqual(['p1', 'p2']);
    expect(all.find((o: { key: string }) => o.key === 'p2').properties.age).toBe(-85);
    const other = await runCli(['data', 'objects', 'list', spaceId, '--type', 'Other'], env);
    expect([other.code, other.stderr]).toEqual([1, expect.stringContaining('NoSuchObjectType')]);
  });

  it("refuses bad --set values with the API's reason (exit 1), and usage mistakes with 2", async () => {
    const create = (...sets: string[]) =>
      runCli(['data', 'objects', 'create', spaceId, 'Person', ...sets.flatMap((s) => ['--set', s])], env);

    const unknown = await create('id=p3', 'nickname=Ada');
    expect([unknown.code, unknown.stderr]).toEqual([
      1,
      expect.stringContaining('BadRequest (InvalidProperties): Person has no property nickname'),
    ]);
    expect(unknown.stderr).toContain('hint: check the property names and their types');

    const wrongType = await create('id=p3', 'age=thirty');
    expect([wrongType.code, wrongType.stderr]).toEqual([
      1,
      expect.stringContaining('BadRequest (InvalidProperties): property age must be an integer'),
    ]);
    const notBoolean = await create('id=p3', 'active=yes');
    expect([notBoolean.code, notBoolean.stderr]).toEqual([
      1,
      expect.stringContaining('property active must be a boolean'),
    ]);
    const badUpdate = await runCli(
      ['data', 'objects', 'update', spaceId, ada.objectId, '--set', 'height=tall'],
      env,
    );
    expect([badUpdate.code, badUpdate.stderr]).toEqual([1, expect.stringContaining('(InvalidProperties)')]);

    const again = await create('id=p1');
    expect([again.code, again.stderr]).toEqual([
      1,
      expect.stringContaining('OperationDenied (ObjectExists)'),
    ]);
    const marking = await runCli(
      ['data', 'objects', 'create', spaceId, 'Person', '--set', 'id=p3', '--marking', 'Secret-Sauce'],
      env,
    );
    expect([marking.code, marking.stderr]).toEqual([1, expect.stringContaining('(UnknownMarking)')]);
    const noType = await runCli(['data', 'objects', 'create', spaceId, 'Robot', '--set', 'id=r1'], env);
    expect([noType.code, noType.stderr]).toEqual([1, expect.stringContaining('(NoSuchObjectType)')]);

    // Nothing was written by the refused commands.
    expect(await json('data', 'objects', 'list', spaceId)).toHaveLength(2);

    const noEquals = await create('age');
    expect([noEquals.code, noEquals.stderr]).toEqual([
      2,
      expect.stringContaining('--set expects property=value'),
    ]);
    const nothing = await runCli(['data', 'objects', 'update', spaceId, ada.objectId], env);
    expect([nothing.code, nothing.stderr]).toEqual([2, expect.stringContaining('nothing to change')]);
    const level = await runCli(
      ['data', 'objects', 'create', spaceId, 'Person', '--set', 'id=p3', '--classification', 'pink'],
      env,
    );
    expect([level.code, level.stderr]).toEqual([2, expect.stringContaining('--classification must be')]);
  });
});

describe('peerlink data files', () => {
  it('puts a binary file and gets it back byte for byte', async () => {
    const bytes = Buffer.concat([
      Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
      randomBytes(100_000),
    ]);
    const local = path.join(dir, 'blob.bin');
    writeFileSync(local, bytes);

    const file = await json('data', 'files', 'put', spaceId, 'blobs/one.bin', local, '--marking', 'PII');
    expect(file).toMatchObject({
      fileId: expect.stringMatching(/^fil-/),
      spaceId,
      path: 'blobs/one.bin',
      size: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      markings: ['PII'],
    });

    const out = path.join(dir, 'copy.bin');
    const got = await peerlink('data', 'files', 'get', spaceId, file.fileId, '--out', out);
    expect(got.stdout).toBe('');
    expect(got.stderr).toContain(`wrote ${bytes.length} bytes`);
    expect(readFileSync(out).equals(bytes)).toBe(true);

    // A text file, read back on standard output; the same path again replaces the content.
    const text = path.join(dir, 'notes.txt');
    writeFileSync(text, 'first\n');
    const notes = await json('data', 'files', 'put', spaceId, 'notes.txt', text);
    writeFileSync(text, 'second\n');
    const replaced = await json('data', 'files', 'put', spaceId, 'notes.txt', text);
    expect(replaced).toMatchObject({ fileId: notes.fileId, size: 7 });
    expect((await peerlink('data', 'files', 'get', spaceId, notes.fileId)).stdout).toBe('second\n');

    const listed = await lines('data', 'files', 'list', spaceId);
    expect(listed[0]).toMatch(/^FILEID\s+PATH\s+SIZE\s+CLASSIFICATION\s+MARKINGS\s+UPDATED\s+SHA256$/);
    expect(listed.join('\n')).toMatch(new RegExp(`${file.fileId}\\s+blobs/one\\.bin\\s+${bytes.length}\\s+`));
    expect(listed).toHaveLength(3);
    expect((await peerlink('data', 'files', 'show', spaceId, file.fileId)).stdout).toContain(file.sha256);

    const badPath = await runCli(['data', 'files', 'put', spaceId, '../escape', text], env);
    expect([badPath.code, badPath.stderr]).toEqual([1, expect.stringContaining('(InvalidFilePath)')]);
    const missing = await runCli(['data', 'files', 'put', spaceId, 'x', path.join(dir, 'nope')], env);
    expect([missing.code, missing.stderr]).toEqual([2, expect.stringContaining('cannot read')]);

    expect(await json('data', 'files', 'delete', spaceId, notes.fileId)).toEqual({ deleted: notes.fileId });
    expect((await json('data', 'files', 'list', spaceId)).map((f: { fileId: string }) => f.fileId)).toEqual([
      file.fileId,
    ]);
    const gone = await runCli(['data', 'files', 'get', spaceId, notes.fileId, '--out', out], env);
    expect([gone.code, gone.stderr]).toEqual([1, expect.stringContaining('(NoSuchFile)')]);
  });
});

describe('peerlink data deletes', () => {
  it('keeps a type while it has objects, and deletes it once they are gone', async () => {
    const inUse = await runCli(['data', 'types', 'delete', spaceId, 'Person'], env);
    expect([inUse.code, inUse.stderr]).toEqual([1, expect.stringContaining('(ObjectTypeInUse)')]);

    for (const object of await json('data', 'objects', 'list', spaceId))
      await peerlink('data', 'objects', 'delete', spaceId, object.objectId);
    expect((await peerlink('data', 'objects', 'list', spaceId)).stdout).toBe('(none)\n');

    expect((await peerlink('data', 'types', 'delete', spaceId, 'Person')).stdout).toMatch(
      /^DELETED\nPerson\n$/,
    );
    expect(await json('data', 'types', 'list', spaceId)).toEqual([]);
  });
});
